// drop_table: expand renames the table to a helper name and puts an auto-updatable view under
// the old name over it, so the old application keeps reading and writing it (the base table's
// defaults, triggers and constraints still apply to writes through the view) while nothing
// new can depend on the table by name; contract drops view and table. Until contract the
// data is intact, and rollback drops the view and renames the table back, which restores it
// exactly: indexes, constraints, sequences and foreign keys follow the table, not its name.
//
// The view gets the table's owner and privileges, table- and column-level. Writes that a view
// cannot take (TRUNCATE, COPY ... FROM) fail between expand and contract.
// Tables that other tables' foreign keys or views depend on are refused: contract could not
// drop them.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/version_schema.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class DropTable final : public Change {
public:
  explicit DropTable(Located<std::string> table) : m_table(std::move(table)) {}

  std::string_view kind() const override { return "drop_table"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_table.value, .mark = m_table.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    auto fail = [&](const std::string& message) {
      throw PlanError(ctx.file, m_table.mark.line, m_table.mark.column, message);
    };
    for (const auto& fk : table.referenced_by) {
      if (fk.table != table.name) {
        fail(fmt::format("drop_table: {} is referenced by foreign key {} on {}; drop it first",
                         table.name, fk.name, fk.table));
      }
    }
    if (!table.dependent_views.empty()) {
      fail(fmt::format("drop_table: view {} depends on {}; drop it first",
                       table.dependent_views.front(), table.name));
    }
    if (ctx.before.table(ctx.schema, helper()) != nullptr) {
      fail(fmt::format("drop_table: a table named {} is in the way", helper()));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const std::string id = "drop_table." + m_table.value;
    const std::string old_name = quote_qualified(ctx.schema, m_table.value);
    const std::string hidden = quote_qualified(ctx.schema, helper());
    PhaseWork w;
    switch (phase) {
    case Phase::expand:
      // One transaction, guarded by the helper's existence: the name never points at nothing.
      w.steps.push_back(
          {.id = id + ".hide",
           .sql = fmt::format("DO $orc$ BEGIN\n"
                              "  IF to_regclass({}) IS NULL THEN\n"
                              "    ALTER TABLE {} RENAME TO {};\n"
                              "    CREATE VIEW {} AS SELECT * FROM {};\n"
                              "  END IF;\nEND $orc$;\n{}",
                              quote_literal(hidden), old_name, quote_ident(helper()), old_name,
                              hidden, copy_grants_sql(hidden, old_name))});
      [[fallthrough]];
    case Phase::dual_write:
    case Phase::backfill:
    case Phase::transition:
      w.gate.push_back(relation_check(id + ".table_kept", ctx.schema, helper(), 'r', true));
      w.gate.push_back(relation_check(id + ".view", ctx.schema, m_table.value, 'v', true));
      break;
    case Phase::contract:
      w.steps.push_back({.id = id + ".drop",
                         .sql = fmt::format("DROP VIEW IF EXISTS {};\nDROP TABLE IF EXISTS {}",
                                            old_name, hidden)});
      w.gate.push_back(relation_check(id + ".gone", ctx.schema, m_table.value, 'r', false));
      w.gate.push_back(relation_check(id + ".table_gone", ctx.schema, helper(), 'r', false));
      break;
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    const std::string old_name = quote_qualified(ctx.schema, m_table.value);
    const std::string hidden = quote_qualified(ctx.schema, helper());
    return {{.id = "rollback.drop_table." + m_table.value,
             .sql = fmt::format("DO $orc$ BEGIN\n"
                                "  IF to_regclass({}) IS NOT NULL THEN\n"
                                "    DROP VIEW IF EXISTS {};\n"
                                "    ALTER TABLE {} RENAME TO {};\n"
                                "  END IF;\nEND $orc$",
                                quote_literal(hidden), old_name, hidden,
                                quote_ident(m_table.value))}};
  }

  ChangeFacts facts() const override {
    return {.table = m_table.value, .removes_table = true};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    catalog.tables.erase(ctx.schema + "." + m_table.value);
  }

private:
  std::string helper() const { return helper_name("dropped", m_table.value); }

  Located<std::string> m_table;
};

} // namespace

std::unique_ptr<Change> parse_drop_table(Fields& fields) {
  fields.expect({"table"});
  auto table = fields.required_identifier("table");
  fields.finish();
  return std::make_unique<DropTable>(std::move(table));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json drop_table_fields() {
  using namespace json_fields;
  return object({{"table", ident("table to drop at contract")}}, {"table"});
}
} // namespace

ChangeKind change_kind_drop_table() {
  return {.name = "drop_table",
          .doc = "Drops a table at contract. Until then the old application keeps reading and "
                 "writing it through an updatable view under its name (expand renames the table), "
                 "while nothing new can depend on it by name; writes a view cannot take "
                 "(TRUNCATE, COPY ... FROM) fail between expand and contract. Rollback before "
                 "contract restores it exactly. A table that other tables' foreign keys or views "
                 "depend on is refused.",
          .example = text_block(R"yaml(
- drop_table: {table: old_sessions}
)yaml"),
          .parse = &parse_drop_table,
          .fields = &drop_table_fields};
}

} // namespace orchestrate
