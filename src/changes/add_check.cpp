// add_check: a CHECK constraint added NOT VALID at expand (only new writes are checked, no
// scan under a blocking lock) and validated at transition, when existing rows are scanned
// under a lock that lets writes go on. `no_inherit` makes it NO INHERIT (it does not reach
// the table's children).
//
// With `column`, `up` and `down` the table's existing rows (and the old application's writes
// until contract) may break the check: the column moves to a shadow column (shadow_column.hpp)
// that holds `up` of the old application's values and carries the check, seen by the new
// application through the version schema; the old column keeps what the old application wrote
// and gets `down` of the new application's writes (the column itself by default). Contract
// drops the old column and gives the shadow column its name and the check its own.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/sql_text.hpp"

namespace orchestrate {

namespace {

class AddCheck final : public Change {
public:
  AddCheck(Located<std::string> table,
           Located<std::string> name,
           Located<std::string> check,
           bool no_inherit)
      : m_table(std::move(table)), m_name(std::move(name)), m_check(std::move(check)),
        m_no_inherit(no_inherit) {}

  std::string_view kind() const override { return "add_check"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_table.value, .modifies = false, .mark = m_table.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    // A CHECK has no index: its name needs only to be free among the table's constraints.
    if (constraint_name_taken(table, m_name.value)) {
      throw PlanError(ctx.file, m_name.mark.line, m_name.mark.column,
                      fmt::format("add_check: the name {} is already taken", m_name.value));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const std::string id = fmt::format("add_check.{}.{}", m_table.value, m_name.value);
    PhaseWork w;
    switch (phase) {
    case Phase::expand:
      w.steps.push_back({.id = id + ".add",
                         .sql = add_constraint_sql(ctx.schema, m_table.value, m_name.value,
                                                   definition() + " NOT VALID")});
      w.gate.push_back(constraint_check(id + ".exists", ctx.schema, m_table.value, m_name.value,
                                        false));
      break;
    case Phase::transition:
      w.steps.push_back({.id = id + ".validate",
                         .sql = validate_constraint_sql(ctx.schema, m_table.value, m_name.value)});
      w.gate.push_back(constraint_check(id + ".validated", ctx.schema, m_table.value,
                                        m_name.value, true));
      break;
    case Phase::contract:
      w.gate.push_back(constraint_check(id + ".validated", ctx.schema, m_table.value,
                                        m_name.value, true));
      break;
    default:
      break;
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    return {{.id = fmt::format("rollback.add_check.{}.{}", m_table.value, m_name.value),
             .sql = fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                                quote_qualified(ctx.schema, m_table.value),
                                quote_ident(m_name.value))}};
  }

  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_table.value);
    return {check_compiles("add_check.check", m_check, physical_view(table),
                           live_table(ctx, m_table.value))};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    if (Table* table = catalog.table(ctx.schema, m_table.value)) {
      table->constraints.push_back({.name = m_name.value, .type = 'c', .definition = definition()});
    }
  }

private:
  std::string definition() const {
    return "CHECK (" + m_check.value + ")" + (m_no_inherit ? " NO INHERIT" : "");
  }

  Located<std::string> m_table;
  Located<std::string> m_name;
  Located<std::string> m_check;
  bool m_no_inherit;
};

// With up/down: the check lives on the shadow column, whose values `up` makes satisfy it.
class AddCheckFixingData final : public ShadowChange {
public:
  AddCheckFixingData(ShadowSpec spec, Located<std::string> name, Located<std::string> check)
      : ShadowChange(spec), m_table(spec.table.value), m_name(std::move(name)),
        m_check(std::move(check)) {}

  // The check compiles over the table's row, as without up/down.
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    auto out = ShadowChange::live_checks(ctx);
    const Table& table = *ctx.before.table(ctx.schema, m_table);
    out.push_back(check_compiles("add_check.check", m_check, physical_view(table),
                                 live_table(ctx, m_table)));
    return out;
  }

private:
  // The name is checked with the rule (validate_rules).
  void validate_kind(const ShadowSpec&, const Column&, const ChangeContext&) const override {}

  // The column's own type; it stays NOT NULL if it is.
  ShadowSpec resolved(const ShadowSpec& spec, const Column* column) const override {
    ShadowSpec s = spec;
    s.type = column ? column->type : "";
    s.not_null = column != nullptr && column->not_null;
    return s;
  }

  std::string m_table;
  Located<std::string> m_name;
  Located<std::string> m_check;
};

} // namespace

std::unique_ptr<Change> parse_add_check(Fields& fields) {
  fields.expect({"table", "name", "check", "no_inherit", "column", "up", "down"});
  auto table = fields.required_identifier("table");
  auto name = fields.required_identifier("name");
  auto check = fields.required_string("check");
  auto column = fields.optional_identifier("column");
  auto up = fields.optional_string("up");
  auto down = fields.optional_string("down");
  const auto no_inherit = fields.optional_bool("no_inherit");
  const std::string inherit = no_inherit && no_inherit->value ? " NO INHERIT" : "";
  fields.finish();
  if (check.value.find_first_not_of(" \t\n") == std::string::npos) {
    fields.fail(check.mark, "add_check: 'check' must not be empty");
  }
  if (!column && !up && !down) {
    return std::make_unique<AddCheck>(std::move(table), std::move(name), std::move(check),
                                      !inherit.empty());
  }
  if (!column || !up || up->value.empty()) {
    fields.fail(fields.mark(), "add_check: rewriting rows that break the check needs 'column' "
                               "(the one column it moves to a new column) and 'up' (that "
                               "column's new value, over the row as the old application sees "
                               "it); 'down' is optional");
  }
  ShadowSpec spec;
  spec.kind = "add_check";
  spec.table = table;
  spec.column = *column;
  spec.up = *up;
  if (down) {
    spec.down = *down;
  }
  spec.rules = {{.name = name,
                 .type = 'c',
                 .check = check.value,
                 .columns = {column->value},
                 .suffix = inherit}};
  return std::make_unique<AddCheckFixingData>(std::move(spec), std::move(name), std::move(check));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json add_check_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"name", ident("constraint name")},
       {"check", expr("SQL boolean expression")},
       {"no_inherit", boolean("NO INHERIT: the check does not reach the table's children")},
       {"column", ident("with up: the column whose rows up rewrites to satisfy the check")},
       {"up", expr("old row -> the column's new value, which satisfies the check")},
       {"down", expr("new row -> the old column's value (default: the column itself)")}},
      {"table", "name", "check"});
}
} // namespace

ChangeKind change_kind_add_check() {
  return {.name = "add_check",
          .doc = "Adds a CHECK constraint: added NOT VALID, then validated at transition without "
                 "blocking writes. Its name must be free among its table's constraints, as "
                 "PostgreSQL scopes it (two tables may each have a check named "
                 "balance_not_negative). no_inherit: true makes it NO INHERIT (not enforced on "
                 "the table's children). When existing rows (and the old application's writes "
                 "until contract) may break it, give column and up: the column moves to a shadow "
                 "column holding up of each value, which gets the check; the old application "
                 "keeps its values, and gets down of the new one's (default: the value as it is).",
          .example = text_block(R"yaml(
- add_check: {table: accounts, name: balance_not_negative, check: "balance >= 0"}
- add_check: {table: accounts, name: balance_below_limit, check: "balance < 10000000",
              no_inherit: true}
# Existing rows may break it: a shadow column holds up of each value.
- add_check: {table: accounts, name: balance_not_negative, check: "balance >= 0",
              column: balance, up: "GREATEST(balance, 0)"}
)yaml"),
          .parse = &parse_add_check,
          .fields = &add_check_fields};
}

} // namespace orchestrate
