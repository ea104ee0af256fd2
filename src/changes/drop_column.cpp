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
//
// With `down`, the rows the new application inserts get the column's value from `down` (over
// the row as the new application sees it), so the old application, which runs until contract,
// reads a value it can use there instead of NULL or the default. A trigger installed at
// dual-write, before the new application's version schema exists, sets it for every INSERT of
// a session marked as the plan's new application (sync_trigger.hpp's rule); NOT NULL then
// stays. An UPDATE of the new application leaves the column as it is: it cannot write the
// column, so what the old application wrote there stays, as every committed write does.
// Contract drops the trigger and its function before the column; so does rollback.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/expression_checks.hpp"
#include "changes/sync_trigger.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/ranges.hpp"

namespace orchestrate {

namespace {

class DropColumn final : public Change {
public:
  DropColumn(Located<std::string> table,
             Located<std::string> column,
             std::optional<Located<std::string>> down)
      : m_table(std::move(table)), m_column(std::move(column)), m_down(std::move(down)) {}

  std::string_view kind() const override { return "drop_column"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_table.value, .column = m_column.value, .mark = m_column.mark}};
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
      if (m_down) {
        w.steps.push_back({.id = id + ".down", .sql = down_install_sql(ctx, table)});
        w.gate.push_back(
            {.id = id + ".down",
             .description = fmt::format("trigger {} computes {}.{} for the new application's "
                                        "inserts",
                                        down_helper(), m_table.value, m_column.value),
             .sql = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = "
                                "to_regclass({}) AND tgname = {} AND tgenabled <> 'D')",
                                quote_literal(qualified), quote_literal(down_helper()))});
      } else if (blocks_new_inserts(table)) {
        w.steps.push_back({.id = id + ".drop_not_null",
                           .sql = fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
                                              qualified, quote_ident(m_column.value))});
        w.gate.push_back(
            {.id = id + ".nullable",
             .description = fmt::format("{}.{} accepts NULL", m_table.value, m_column.value),
             .sql = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
                         "to_regclass({}) AND attname = {} AND NOT attnotnull AND NOT attisdropped)",
                         quote_literal(qualified), quote_literal(m_column.value))});
      }
      break;
    case Phase::contract:
      if (m_down) {
        w.steps.push_back({.id = id + ".down.drop",
                           .sql = down_drop_sql(ctx),
                           .ends_dual_write = qualified,
                           .drops_trigger = true});
      }
      w.steps.push_back({.id = id + ".drop_column",
                         .sql = fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}", qualified,
                                            quote_ident(m_column.value)),
                         .ends_dual_write = qualified});
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
    if (reached == Phase::expand) {
      return {};
    }
    if (m_down) {
      return {{.id = "rollback." + step_id() + ".down.drop", .sql = down_drop_sql(ctx)}};
    }
    if (!blocks_new_inserts(table)) {
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
    return {{.id = id + ".not_null_check",
             .sql = fmt::format(
                 "DO $orc$ BEGIN\n  IF NOT EXISTS ({}) THEN\n{}\n  END IF;\nEND $orc$", guard,
                 add_constraint_inner(qualified, check, col))},
            {.id = id + ".validate",
             .sql = fmt::format(
                 "DO $orc$ BEGIN\n  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid "
                 "= {}::regclass AND conname = {}) THEN\n"
                 "    ALTER TABLE {} VALIDATE CONSTRAINT {};\n  END IF;\nEND $orc$",
                 quote_literal(qualified), quote_literal(check), qualified, quote_ident(check))},
            {.id = id + ".set_not_null",
             .sql = fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;\n"
                                "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                                qualified, col, qualified, quote_ident(check))}};
  }

  // `down` compiles over the row as the new application sees it, into the column's type.
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    if (!m_down) {
      return {};
    }
    const Table& table = *ctx.before.table(ctx.schema, m_table.value);
    return {row_check("drop_column.down", m_down->mark, new_view(table),
                      live_table(ctx, m_table.value),
                      fmt::format("SELECT CAST(({}) AS {}) FROM pg_temp._orc_row", m_down->value,
                                  table.column(m_column.value)->type))};
  }

  ChangeFacts facts() const override {
    return {.table = m_table.value, .removed = {m_column.value}};
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

  std::string down_helper() const {
    return helper_name("down", m_table.value, m_column.value);
  }

  // Every column but the dropped one: the row as the new application sees it.
  std::vector<ViewColumn> new_view(const Table& table) const {
    std::vector<ViewColumn> view;
    for (const auto& c : table.columns) {
      if (c.name != m_column.value) {
        view.push_back({.name = c.name, .physical = c.name, .type = c.type});
      }
    }
    return view;
  }

  // The function and its BEFORE INSERT trigger, in one transaction, then `down` evaluated over
  // one real row (a value that does not cast fails the step, and nothing goes live).
  std::string down_install_sql(const ChangeContext& ctx, const Table& table) const {
    const std::string qualified = quote_qualified(ctx.schema, m_table.value);
    const std::string function = quote_qualified(ctx.schema, down_helper());
    const std::string type = table.column(m_column.value)->type;
    std::string vars;
    std::string cols;
    for (const auto& c : new_view(table)) {
      vars += fmt::format("      {} {} := NEW.{};\n", quote_ident(c.name), c.type,
                          quote_ident(c.name));
      cols += (cols.empty() ? "" : ", ") + quote_ident(c.name);
    }
    return fmt::format(
        "CREATE OR REPLACE FUNCTION {0}() RETURNS trigger LANGUAGE plpgsql SET search_path = "
        "pg_catalog, {1} AS $orc$\n"
        "BEGIN\n"
        "  -- Only the new application's inserts: it cannot write the column itself.\n"
        "  IF {2} THEN\n"
        "    DECLARE\n{3}"
        "    BEGIN\n"
        "      NEW.{4} := CAST(({5}) AS {6});\n"
        "    END;\n"
        "  END IF;\n"
        "  RETURN NEW;\n"
        "END;\n$orc$;\n"
        "DO $orc$ BEGIN\n"
        "  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = {7}::regclass AND tgname = "
        "{8}) THEN\n"
        "    CREATE TRIGGER {9} BEFORE INSERT ON {10} FOR EACH ROW EXECUTE FUNCTION {0}();\n"
        "  END IF;\n"
        "  PERFORM CAST(({5}) AS {6}) FROM (SELECT {11} FROM {10} LIMIT 1) AS _view;\n"
        "END $orc$",
        function, quote_ident(ctx.schema), new_app_session_sql(ctx.plan), vars,
        quote_ident(m_column.value), m_down->value, type, quote_literal(qualified),
        quote_literal(down_helper()), quote_ident(down_helper()), qualified, cols);
  }

  std::string down_drop_sql(const ChangeContext& ctx) const {
    return fmt::format("DROP TRIGGER IF EXISTS {} ON {};\nDROP FUNCTION IF EXISTS {}()",
                       quote_ident(down_helper()), quote_qualified(ctx.schema, m_table.value),
                       quote_qualified(ctx.schema, down_helper()));
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
  std::optional<Located<std::string>> m_down;
};

} // namespace

std::unique_ptr<Change> parse_drop_column(Fields& fields) {
  fields.expect({"table", "column", "down"});
  auto table = fields.required_identifier("table");
  auto column = fields.required_identifier("column");
  auto down = fields.optional_string("down");
  fields.finish();
  if (down && down->value.find_first_not_of(" \t\n") == std::string::npos) {
    fields.fail(down->mark, "drop_column: 'down' must be an SQL expression (or leave it out)");
  }
  return std::make_unique<DropColumn>(std::move(table), std::move(column), std::move(down));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json drop_column_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"column", ident("column to drop")},
       {"down", expr("SQL expression over the row as the new application sees it: the "
                     "column's value in the rows it inserts, for the old application until "
                     "contract")}},
      {"table", "column"});
}
} // namespace

ChangeKind change_kind_drop_column() {
  return {.name = "drop_column",
          .doc = "Drops a column at contract, after the application stopped using it; until then "
                 "the old application reads and writes it. A NOT NULL column without a default "
                 "loses NOT NULL at dual-write, so the new application, which no longer knows the "
                 "column, can insert rows (rollback puts it back). down: what the old application "
                 "(running until contract) reads in the rows the new one inserts, which leave the "
                 "column out: an expression over the row as the new application sees it, set by a "
                 "trigger (dual-write to contract) on every INSERT of a session marked as the "
                 "plan's new application. NOT NULL then stays. The new application's UPDATEs "
                 "leave the column as it is: what the old application wrote there is kept. down "
                 "is compiled at validate.",
          .example = text_block(R"yaml(
- drop_column: {table: users, column: legacy_flags}
# What the old application reads in the rows the new one inserts.
- drop_column: {table: users, column: legacy_code, down: "'N-' || name"}
)yaml"),
          .parse = &parse_drop_column,
          .fields = &drop_column_fields};
}

} // namespace orchestrate
