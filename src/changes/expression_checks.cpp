#include "changes/expression_checks.hpp"

#include <fmt/format.h>

#include "core/ident.hpp"

namespace orchestrate {

const Table* live_table(const ChangeContext& ctx, const std::string& name) {
  const Catalog& live = ctx.live != nullptr ? *ctx.live : ctx.before;
  return live.table(ctx.schema, name);
}

std::string view_select(const std::vector<ViewColumn>& view, const Table* live) {
  std::string cols;
  for (const auto& c : view) {
    cols += cols.empty() ? "" : ", ";
    if (live != nullptr && live->column(c.physical) != nullptr) {
      cols += fmt::format("t.{} AS {}", quote_ident(c.physical), quote_ident(c.name));
    } else {
      cols += fmt::format("NULL::{} AS {}", c.type, quote_ident(c.name));
    }
  }
  if (live == nullptr) {
    return "SELECT " + cols;
  }
  return fmt::format("SELECT {} FROM {} t", cols, quote_qualified(live->schema, live->name));
}

LiveCheck row_check(const std::string& what,
                    const Mark& mark,
                    const std::vector<ViewColumn>& view,
                    const Table* live,
                    const std::string& statement) {
  return {.mark = mark,
          .what = what,
          .sql = fmt::format("CREATE TEMP TABLE _orc_row ON COMMIT DROP AS {} WITH NO DATA;\n{}",
                             view_select(view, live), statement)};
}

LiveCheck new_table_check(const std::string& what,
                          const Mark& mark,
                          const std::string& columns,
                          const std::string& statement) {
  return {.mark = mark,
          .what = what,
          .sql = fmt::format("CREATE TEMP TABLE _orc_row ({}) ON COMMIT DROP;\n{}", columns,
                             statement)};
}

LiveCheck check_compiles(const std::string& what,
                         const Located<std::string>& check,
                         const std::vector<ViewColumn>& view,
                         const Table* live) {
  return row_check(what, check.mark, view, live,
                   fmt::format("ALTER TABLE pg_temp._orc_row ADD CHECK ({})", check.value));
}

LiveCheck default_compiles(const std::string& what,
                           const Located<std::string>& expr,
                           const std::string& type,
                           const std::vector<ViewColumn>& view,
                           const Table* live) {
  // A name of its own: the row may hold the column already (a transition's added column).
  return row_check(what, expr.mark, view, live,
                   fmt::format("ALTER TABLE pg_temp._orc_row ADD COLUMN _orc_default {} DEFAULT "
                               "({})",
                               type, expr.value));
}

LiveCheck index_compiles(const std::string& what,
                         const Mark& mark,
                         const std::string& definition,
                         const std::vector<ViewColumn>& view,
                         const Table* live) {
  return row_check(what, mark, view, live,
                   "CREATE INDEX ON pg_temp._orc_row " + definition);
}

} // namespace orchestrate
