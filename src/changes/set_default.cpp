// set_default and drop_default: a column's default changes for the new application at once and
// for the old one only at contract. The table keeps the old default until contract, so the old
// application's inserts (through its version schema or on the table) get what they always got;
// the new application's version schema, created at the end of dual-write, gives the column the
// new default (or none) on its view, so its inserts get the new one from transition on.
// Contract sets (or drops) the table's default, after the old version schema is gone.
// Without version schemas (the role may not CREATE on the database) the new application uses
// the table too and both get the new default at contract; `plan` and `start` say so.
// Rollback before contract has nothing to undo: the table's default never changed.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/version_schema.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class SetDefault final : public Change, public Versioned {
public:
  SetDefault(Located<std::string> table,
             Located<std::string> column,
             std::optional<Located<std::string>> default_sql)
      : m_table(std::move(table)), m_column(std::move(column)),
        m_default(std::move(default_sql)) {}

  std::string_view kind() const override { return m_default ? "set_default" : "drop_default"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_table.value, .column = m_column.value, .mark = m_column.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    const Column& column = require_column(ctx, table, m_column);
    if (column.identity || column.generated) {
      fail(ctx, fmt::format("column {}.{} is an {} column; its value does not come from a "
                            "default",
                            table.name, column.name,
                            column.identity ? "identity" : "generated"));
    }
    if (!m_default && !column.default_sql) {
      fail(ctx, fmt::format("column {}.{} has no default to drop", table.name, column.name));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    PhaseWork w;
    if (phase != Phase::contract) {
      return w;
    }
    const std::string table = quote_qualified(ctx.schema, m_table.value);
    // Setting a default twice, or dropping a missing one, is harmless: no guard needed.
    w.steps.push_back({.id = id(m_default ? "set" : "drop"),
                       .sql = fmt::format("ALTER TABLE {} ALTER COLUMN {} {}", table,
                                          quote_ident(m_column.value),
                                          m_default ? "SET DEFAULT " + m_default->value
                                                    : std::string("DROP DEFAULT"))});
    w.gate.push_back(
        {.id = id("holds"),
         .description = fmt::format("{}.{} {}", m_table.value, m_column.value,
                     m_default ? "has a default" : "has no default"),
         .sql = fmt::format("SELECT {}EXISTS (SELECT 1 FROM pg_attrdef d JOIN pg_attribute a ON "
                     "a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = "
                     "{}::regclass AND a.attname = {})",
                     m_default ? "" : "NOT ", quote_literal(table), quote_literal(m_column.value))});
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& /*ctx*/) const override {
    return {}; // the table's default changes only at contract, after which there is no rollback
  }

  // The default compiles into a column of the column's type, as ALTER COLUMN SET DEFAULT would.
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    if (!m_default) {
      return {};
    }
    const Table& table = *ctx.before.table(ctx.schema, m_table.value);
    return {default_compiles("set_default.default", *m_default,
                             table.column(m_column.value)->type, {}, nullptr)};
  }

  // Without a default of its own, an INSERT through a view gets the table's; and PostgreSQL
  // stores a constant NULL default as none. So a dropped default is, on the view, an expression
  // that is NULL without being a constant.
  std::vector<VersionedColumn> version_columns(const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_table.value);
    return {{.table = m_table.value,
             .column = m_column.value,
             .physical = m_column.value,
             .view_default = m_default ? m_default->value
                                       : fmt::format("CASE WHEN false THEN NULL::{} END",
                                                     table.column(m_column.value)->type)}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_table.value);
    Column* column = table ? table->column(m_column.value) : nullptr;
    if (column == nullptr) {
      return;
    }
    column->default_sql = m_default ? std::optional<std::string>(m_default->value) : std::nullopt;
    column->default_volatile = m_default && expression_may_be_volatile(m_default->value);
  }

private:
  [[noreturn]] void fail(const ChangeContext& ctx, const std::string& message) const {
    throw PlanError(ctx.file, m_column.mark.line, m_column.mark.column,
                    std::string(kind()) + ": " + message);
  }

  std::string id(const std::string& what) const {
    return fmt::format("{}.{}.{}.{}", kind(), m_table.value, m_column.value, what);
  }

  Located<std::string> m_table;
  Located<std::string> m_column;
  std::optional<Located<std::string>> m_default;
};

} // namespace

std::unique_ptr<Change> parse_set_default(Fields& fields) {
  fields.expect({"table", "column", "default"});
  auto table = fields.required_identifier("table");
  auto column = fields.required_identifier("column");
  auto default_sql = fields.required_string("default");
  fields.finish();
  if (default_sql.value.find_first_not_of(" \t\n") == std::string::npos) {
    fields.fail(default_sql.mark, "set_default: 'default' must not be empty (drop_default "
                                  "removes a default)");
  }
  return std::make_unique<SetDefault>(std::move(table), std::move(column), std::move(default_sql));
}

std::unique_ptr<Change> parse_drop_default(Fields& fields) {
  fields.expect({"table", "column"});
  auto table = fields.required_identifier("table");
  auto column = fields.required_identifier("column");
  fields.finish();
  return std::make_unique<SetDefault>(std::move(table), std::move(column), std::nullopt);
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json set_default_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"column", ident("column")},
       {"default", expr("the new SQL default: the new application's from transition on, the "
                        "table's at contract")}},
      {"table", "column", "default"});
}
} // namespace

ChangeKind change_kind_set_default() {
  return {.name = "set_default",
          .doc = "Sets a column's default without changing what the running application's inserts "
                 "get: the table keeps the old default until contract, so the old application's "
                 "inserts get it; the new application's version schema gives the column the new "
                 "default from the end of dual-write, so its inserts get the new one from "
                 "transition on; contract sets it on the table. The default compiles at validate "
                 "into a column of the column's type. Without CREATE on the database there is no "
                 "new version schema: both applications get the new default at contract, and plan "
                 "and start say so. Rollback before contract leaves the table's default exactly "
                 "as it was (it never changed).",
          .example = text_block(R"yaml(
- set_default: {table: users, column: tier, default: "'pro'"}
)yaml"),
          .parse = &parse_set_default,
          .fields = &set_default_fields};
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json drop_default_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"column", ident("column whose default goes: for the new application from transition "
                        "on, on the table at contract")}},
      {"table", "column"});
}
} // namespace

ChangeKind change_kind_drop_default() {
  return {.name = "drop_default",
          .doc = "Drops a column's default without changing what the running application's "
                 "inserts get: the table keeps the old default until contract, so the old "
                 "application's inserts get it; the new application's version schema gives the "
                 "column none from the end of dual-write, so its inserts get none from transition "
                 "on; contract drops it from the table. Without CREATE on the database there is "
                 "no new version schema: both applications lose the default at contract, and plan "
                 "and start say so. Rollback before contract leaves the table's default exactly "
                 "as it was (it never changed).",
          .example = text_block(R"yaml(
- drop_default: {table: users, column: score}
)yaml"),
          .parse = &parse_drop_default,
          .fields = &drop_default_fields};
}

} // namespace orchestrate
