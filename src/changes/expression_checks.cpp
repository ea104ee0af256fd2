#include "changes/expression_checks.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <regex>
#include <fmt/format.h>

#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

const Table* live_table(const ChangeContext& ctx, const std::string& name) {
  const Catalog& live = ctx.live != nullptr ? *ctx.live : ctx.before;
  return live.table(ctx.schema, name);
}

namespace {
// serial, bigserial and smallserial name a column's type and default at once; as a value's
// type they are the integers they stand for.
std::string value_type(const std::string& type) {
  const std::string t = lowercase(type);
  if (t == "serial" || t == "serial4") {
    return "integer";
  }
  if (t == "bigserial" || t == "serial8") {
    return "bigint";
  }
  if (t == "smallserial" || t == "serial2") {
    return "smallint";
  }
  return type;
}
} // namespace

std::string view_select(const std::vector<ViewColumn>& view, const Table* live) {
  std::string cols;
  for (const auto& c : view) {
    cols += cols.empty() ? "" : ", ";
    if (live != nullptr && live->column(c.physical) != nullptr) {
      cols += fmt::format("t.{} AS {}", quote_ident(c.physical), quote_ident(c.name));
    } else {
      cols += fmt::format("NULL::{} AS {}", value_type(c.type), quote_ident(c.name));
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

bool function_may_be_volatile(std::string name) {
  static const std::set<std::string> k_not_volatile = {
      "now", "current_date", "current_timestamp", "localtimestamp", "statement_timestamp",
      "transaction_timestamp", "lower", "upper", "coalesce", "nullif", "greatest", "least",
      "concat", "concat_ws", "length", "char_length", "substr", "substring", "trim", "btrim",
      "ltrim", "rtrim", "replace", "lpad", "rpad", "left", "right", "md5", "abs", "round",
      "floor", "ceil", "make_interval", "make_date", "make_timestamp", "make_timestamptz",
      "to_char", "to_date", "to_timestamp", "to_number", "date_trunc", "extract", "date_part",
      "jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array",
      "array", "row", "interval", "timestamp", "timestamptz", "date", "numeric", "int",
      "integer", "bigint", "text", "varchar", "character", "boolean", "split_part", "format",
      "current_user", "session_user", "current_setting", "cast", "array_length"};
  return k_not_volatile.count(lowercase(name)) == 0;
}

bool expression_may_be_volatile(const std::string& expression) {
  static const std::regex k_call(R"(([A-Za-z_][A-Za-z0-9_$.]*)\s*\()");
  // String literals may hold parentheses; they name no function.
  std::string text;
  bool in_literal = false;
  for (char c : expression) {
    if (c == '\'') {
      in_literal = !in_literal;
      continue;
    }
    if (!in_literal) {
      text += c;
    }
  }
  for (auto it = std::sregex_iterator(text.begin(), text.end(), k_call);
       it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[1].str();
    auto dot = name.rfind('.');
    if (dot != std::string::npos) {
      name = name.substr(dot + 1);
    }
    if (function_may_be_volatile(name)) {
      return true;
    }
  }
  return false;
}

} // namespace orchestrate
