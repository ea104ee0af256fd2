// drop_constraint: a check, unique or foreign-key constraint is dropped at contract.
//
// Until contract the old application still runs, written for a table that enforces the
// constraint, so the constraint stays, and the new application obeys it too. Contract drops it
// (a unique constraint with its index).
//
// With `up`/`down` the new application may write, from transition on, values the constraint
// would refuse, while the old application's column keeps satisfying it: the column gets a
// shadow column without the constraint (shadow_column.hpp), seen by the new application
// through the version schema; the old column gets `down` of the new application's writes, and
// the shadow column `up` of the old application's (the column itself by default). Contract
// drops the old column with the constraint and gives the shadow column its place. This needs
// the constraint's one column in `columns`.
#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

std::string kind_name(char type) {
  switch (type) {
  case 'c':
    return "check";
  case 'u':
    return "unique";
  case 'f':
    return "foreign key";
  case 'p':
    return "primary key";
  case 'x':
    return "exclusion";
  case 't':
    return "constraint trigger";
  default:
    return "not null";
  }
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// What both forms refuse: a constraint the table does not have (naming those it has, with
// their kinds), one of another kind, a unique constraint a foreign key references, and a
// `columns` list other than the constraint's.
const Constraint& require_droppable(const ChangeContext& ctx,
                                    const Located<std::string>& table_name,
                                    const Located<std::string>& name,
                                    const std::vector<Located<std::string>>& columns) {
  const Table& table = require_table(ctx, table_name);
  auto fail = [&](const Mark& mark, const std::string& message) {
    throw PlanError(ctx.file, mark.line, mark.column, "drop_constraint: " + message);
  };
  auto it = std::find_if(table.constraints.begin(), table.constraints.end(),
                         [&](const Constraint& c) { return c.name == name.value; });
  if (it == table.constraints.end()) {
    std::vector<std::string> present;
    for (const auto& c : table.constraints) {
      present.push_back(fmt::format("{} ({})", c.name, kind_name(c.type)));
    }
    fail(name.mark, fmt::format("{} has no constraint named {}{}", table.name, name.value,
                                present.empty() ? " (it has none)"
                                                : " (its constraints: " + join(present, ", ") + ")"));
  }
  const Constraint& con = *it;
  if (con.type != 'c' && con.type != 'u' && con.type != 'f') {
    fail(name.mark, fmt::format("{} on {} is a {} constraint; drop_constraint drops check, "
                                "unique and foreign-key constraints",
                                con.name, table.name, kind_name(con.type)));
  }
  if (con.type == 'u') {
    for (const auto& fk : table.referenced_by) {
      if (sorted(fk.referenced_columns) == sorted(con.columns)) {
        fail(name.mark, fmt::format("unique constraint {} on {} is what foreign key {} on {} "
                                    "references; drop that first",
                                    con.name, table.name, fk.name, fk.table));
      }
    }
  }
  if (!columns.empty()) {
    std::vector<std::string> given;
    for (const auto& c : columns) {
      given.push_back(c.value);
    }
    if (sorted(given) != sorted(con.columns)) {
      fail(columns.front().mark,
           fmt::format("columns [{}] are not those of {} constraint {} ([{}])", join(given, ", "),
                       kind_name(con.type), con.name, join(con.columns, ", ")));
    }
  }
  return con;
}

// Without up/down: nothing changes until contract, which drops the constraint.
class DropConstraint final : public Change {
public:
  DropConstraint(Located<std::string> table,
                 Located<std::string> name,
                 std::vector<Located<std::string>> columns)
      : m_table(std::move(table)), m_name(std::move(name)), m_columns(std::move(columns)) {}

  std::string_view kind() const override { return "drop_constraint"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_table.value, .modifies = false, .mark = m_table.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    require_droppable(ctx, m_table, m_name, m_columns);
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    PhaseWork w;
    if (phase != Phase::contract) {
      return w;
    }
    const std::string id = fmt::format("drop_constraint.{}.{}", m_table.value, m_name.value);
    const std::string qualified = quote_qualified(ctx.schema, m_table.value);
    w.steps.push_back({.id = id + ".drop",
                       .sql = fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                                          qualified, quote_ident(m_name.value))});
    w.gate.push_back(
        {.id = id + ".gone",
         .description = fmt::format("constraint {} is gone", m_name.value),
         .sql = fmt::format("SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = "
                            "to_regclass({}) AND conname = {})",
                            quote_literal(qualified), quote_literal(m_name.value))});
    return w;
  }

  // Nothing before contract touched the constraint.
  std::vector<Step> rollback(Phase, const ChangeContext&) const override { return {}; }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_table.value);
    if (table == nullptr) {
      return;
    }
    std::erase_if(table->constraints, [&](const Constraint& c) { return c.name == m_name.value; });
    std::erase_if(table->indexes, [&](const Index& i) { return i.constraint == m_name.value; });
  }

private:
  Located<std::string> m_table;
  Located<std::string> m_name;
  std::vector<Located<std::string>> m_columns;
};

// With up/down: the column moves to a shadow column that does not get the constraint.
class DropConstraintMovingData final : public ShadowChange {
public:
  DropConstraintMovingData(ShadowSpec spec, Located<std::string> name)
      : ShadowChange(std::move(spec)), m_name(std::move(name)) {}

private:
  void validate_kind(const ShadowSpec& spec,
                     const Column&,
                     const ChangeContext& ctx) const override {
    require_droppable(ctx, spec.table, m_name, {spec.column});
  }

  // The column's own type; it stays NOT NULL if it is.
  ShadowSpec resolved(const ShadowSpec& spec, const Column* column) const override {
    ShadowSpec s = spec;
    s.type = column ? column->type : "";
    s.not_null = column != nullptr && column->not_null;
    return s;
  }

  Located<std::string> m_name;
};

} // namespace

std::unique_ptr<Change> parse_drop_constraint(Fields& fields) {
  fields.expect({"table", "name", "columns", "up", "down"});
  auto table = fields.required_identifier("table");
  auto name = fields.required_identifier("name");
  std::vector<Located<std::string>> columns;
  if (fields.optional_node("columns").IsDefined()) {
    columns = fields.required_identifier_list("columns");
  }
  auto up = fields.optional_string("up");
  auto down = fields.optional_string("down");
  fields.finish();
  if (!up && !down) {
    return std::make_unique<DropConstraint>(std::move(table), std::move(name), std::move(columns));
  }
  const Mark at = up ? up->mark : down->mark;
  if (columns.size() != 1) {
    fields.fail(columns.empty() ? at : columns[1].mark,
                "drop_constraint: up/down move the data of one column: give `columns: [the "
                "constraint's column]`; a constraint over several columns cannot move data");
  }
  if (!down || down->value.empty()) {
    fields.fail(down ? down->mark : at,
                "drop_constraint: 'down' is required with 'up': the SQL expression, over the "
                "row as the new application sees it, that gives the old application's column a "
                "value the constraint accepts");
  }
  ShadowSpec spec;
  spec.kind = "drop_constraint";
  spec.table = table;
  spec.column = columns.front();
  if (up) {
    spec.up = *up;
  }
  spec.down = *down;
  spec.dropped = {name.value};
  return std::make_unique<DropConstraintMovingData>(std::move(spec), std::move(name));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json drop_constraint_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"name", ident("the check, unique or foreign-key constraint to drop at contract")},
       {"columns", ident_list("its columns (checked against the constraint); one column with "
                              "up/down")},
       {"up", expr("SQL expression over the old row: the new column's value for the old "
                   "application's writes (default: the column itself)")},
       {"down", expr("SQL expression over the new row: a value the constraint accepts, for the "
                     "old application's column (required with up)")}},
      {"table", "name"});
}
} // namespace

ChangeKind change_kind_drop_constraint() {
  return {.name = "drop_constraint",
          .doc = "Drops a check, unique or foreign-key constraint at contract; until then both "
                 "applications obey it. columns (optional) must be the constraint's own. validate "
                 "refuses a constraint the table does not have (naming those it has, with their "
                 "kinds), a primary key or exclusion constraint, and a unique constraint a "
                 "foreign key references. With up/down the new application may write, from "
                 "transition on, what the constraint refuses: the column moves to a shadow column "
                 "without it (as change_type), the old application's column gets down of the new "
                 "one's writes (a value the constraint accepts), the new column up of the old "
                 "one's (default: the column itself). One column only (columns: [it]).",
          .example = text_block(R"yaml(
- drop_constraint: {table: accounts, name: balance_not_negative}
- drop_constraint: {table: users, name: users_name_email_key, columns: [name, email]}
# The new application may write what it refuses from transition on.
- drop_constraint: {table: accounts, name: balance_not_negative, columns: [balance],
                    down: "GREATEST(balance, 0)"}
)yaml"),
          .parse = &parse_drop_constraint,
          .fields = &drop_constraint_fields};
}

} // namespace orchestrate
