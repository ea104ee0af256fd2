// drop_column: the old application reads and writes the column until contract, so expand,
// backfill and transition change nothing and contract drops it.
//
// A NOT NULL column without a default is the one exception: the new application, which no
// longer knows the column, could not insert a row. Dual-write therefore drops NOT NULL (a
// catalog-only change that blocks writes for a moment); nothing is refused. Rollback puts NOT
// NULL back through CHECK (...) NOT VALID, VALIDATE, SET NOT NULL (which then skips its scan)
// and dropping the check. If the new application inserted rows without the column in the
// meantime, that VALIDATE fails naming its step and SQLSTATE 23514: give those rows a value
// and run rollback again.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kinds.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/ranges.hpp"

namespace orchestrate {

namespace {

class DropColumn final : public Change {
public:
  DropColumn(Located<std::string> table, Located<std::string> column)
      : m_table(std::move(table)), m_column(std::move(column)) {}

  std::string_view kind() const override { return "drop_column"; }

  std::vector<Touch> touches() const override {
    return {{m_table.value, m_column.value, true, m_column.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    require_column(ctx, table, m_column);
    auto fail = [&](const std::string& message) {
      throw PlanError(ctx.file, m_column.mark.line, m_column.mark.column, message);
    };
    for (const auto& index : table.indexes) {
      if (index.primary && contains(index.columns, m_column.value)) {
        fail(fmt::format("drop_column: {}.{} is part of the primary key", table.name,
                         m_column.value));
      }
    }
    for (const auto& fk : table.referenced_by) {
      if (contains(fk.referenced_columns, m_column.value)) {
        fail(fmt::format("drop_column: {}.{} is referenced by foreign key {} on {}; drop it first",
                         table.name, m_column.value, fk.name, fk.table));
      }
    }
    if (table.columns.size() == 1) {
      fail(fmt::format("drop_column: {}.{} is the table's only column; use drop_table",
                       table.name, m_column.value));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_table.value);
    const std::string id = step_id();
    const std::string qualified = quote_qualified(ctx.schema, m_table.value);
    PhaseWork w;
    switch (phase) {
    case Phase::dual_write:
      if (blocks_new_inserts(table)) {
        w.steps.push_back({id + ".drop_not_null",
                           fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL", qualified,
                                       quote_ident(m_column.value))});
        w.gate.push_back(
            {.id = id + ".nullable",
             .description = fmt::format("{}.{} accepts NULL", m_table.value, m_column.value),
             .sql = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
                         "to_regclass({}) AND attname = {} AND NOT attnotnull AND NOT attisdropped)",
                         quote_literal(qualified), quote_literal(m_column.value))});
      }
      break;
    case Phase::contract:
      w.steps.push_back({id + ".drop_column",
                         fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}", qualified,
                                     quote_ident(m_column.value))});
      w.gate.push_back(column_exists_check(id + ".gone", ctx.schema, m_table.value,
                                           m_column.value, false));
      break;
    default:
      break;
    }
    return w;
  }

  std::vector<Step> rollback(Phase reached, const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_table.value);
    if (reached == Phase::expand || !blocks_new_inserts(table)) {
      return {};
    }
    const std::string id = "rollback." + step_id();
    const std::string qualified = quote_qualified(ctx.schema, m_table.value);
    const std::string col = quote_ident(m_column.value);
    const std::string check = helper_name("nn", m_table.value, m_column.value);
    // Skipped once the column is NOT NULL again, so a second rollback run is harmless.
    const std::string guard = fmt::format(
        "SELECT 1 FROM pg_attribute WHERE attrelid = {}::regclass AND attname = {} AND attnotnull",
        quote_literal(qualified), quote_literal(m_column.value));
    return {{id + ".not_null_check",
             fmt::format("DO $orc$ BEGIN\n  IF NOT EXISTS ({}) THEN\n{}\n  END IF;\nEND $orc$",
                         guard,
                         add_constraint_inner(qualified, check, col))},
            {id + ".validate",
             fmt::format("DO $orc$ BEGIN\n  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid "
                         "= {}::regclass AND conname = {}) THEN\n"
                         "    ALTER TABLE {} VALIDATE CONSTRAINT {};\n  END IF;\nEND $orc$",
                         quote_literal(qualified), quote_literal(check), qualified,
                         quote_ident(check))},
            {id + ".set_not_null",
             fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;\n"
                         "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                         qualified, col, qualified, quote_ident(check))}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_table.value);
    if (table == nullptr) {
      return;
    }
    std::erase_if(table->columns, [&](const Column& c) { return c.name == m_column.value; });
    std::erase_if(table->indexes,
                  [&](const Index& i) { return contains(i.columns, m_column.value); });
    std::erase_if(table->constraints,
                  [&](const Constraint& c) { return contains(c.columns, m_column.value); });
  }

private:
  std::string step_id() const {
    return fmt::format("drop_column.{}.{}", m_table.value, m_column.value);
  }

  bool blocks_new_inserts(const Table& table) const {
    const Column* c = table.column(m_column.value);
    return c != nullptr && c->not_null && !c->default_sql && !c->identity && !c->generated;
  }

  static std::string add_constraint_inner(const std::string& qualified,
                                          const std::string& check,
                                          const std::string& col) {
    return fmt::format("    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = "
                       "{}::regclass AND conname = {}) THEN\n"
                       "      ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID;\n"
                       "    END IF;",
                       quote_literal(qualified), quote_literal(check), qualified,
                       quote_ident(check), col);
  }

  Located<std::string> m_table;
  Located<std::string> m_column;
};

} // namespace

std::unique_ptr<Change> parse_drop_column(Fields& fields) {
  fields.expect({"table", "column"});
  auto table = fields.required_identifier("table");
  auto column = fields.required_identifier("column");
  fields.finish();
  return std::make_unique<DropColumn>(std::move(table), std::move(column));
}

} // namespace orchestrate
