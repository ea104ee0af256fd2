// add_foreign_key: added NOT VALID at expand (new writes are checked at once, existing rows
// are not scanned under the lock) and validated at transition, which scans under a lock that
// lets writes on both tables go on. ON DELETE/ON UPDATE, MATCH and DEFERRABLE are part of the
// constraint from expand on: the old application's writes are checked as they will be. With
// `column`, `up` and `down`, rows that would break it are rewritten through a shadow column,
// which alone gets the key (shadow_column.hpp, DataFix).
#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/constraint_options.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "plan/fields.hpp"

namespace orchestrate {

namespace {

class AddForeignKey final : public Change {
public:
  AddForeignKey(Located<std::string> table,
                Located<std::string> name,
                std::vector<Located<std::string>> columns,
                Located<std::string> ref_table,
                std::vector<Located<std::string>> ref_columns,
                ForeignKeyActions actions,
                Deferral deferral)
      : m_table(std::move(table)), m_name(std::move(name)), m_columns(std::move(columns)),
        m_ref_table(std::move(ref_table)), m_ref_columns(std::move(ref_columns)),
        m_actions(std::move(actions)), m_deferral(deferral) {}

  std::string_view kind() const override { return "add_foreign_key"; }

  std::vector<Touch> touches() const override {
    std::vector<Touch> out;
    for (const auto& c : m_columns) {
      out.push_back({.table = m_table.value, .column = c.value, .modifies = false, .mark = c.mark});
    }
    return out;
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    for (const auto& c : m_columns) {
      require_column(ctx, table, c);
    }
    const Table& ref = require_table(ctx, m_ref_table);
    std::vector<std::string> wanted;
    for (const auto& c : m_ref_columns) {
      require_column(ctx, ref, c);
      wanted.push_back(c.value);
    }
    if (m_ref_columns.size() != m_columns.size()) {
      throw PlanError(ctx.file, m_ref_table.mark.line, m_ref_table.mark.column,
                      "add_foreign_key: 'references.columns' must name as many columns as "
                      "'columns'");
    }
    // PostgreSQL requires a unique index over exactly the referenced columns. An index's
    // columns include its INCLUDE columns, so a unique or primary key constraint counts by its
    // own key columns.
    std::sort(wanted.begin(), wanted.end());
    const bool keyed = std::any_of(ref.indexes.begin(), ref.indexes.end(), [&](const Index& i) {
      auto cols = i.columns;
      std::sort(cols.begin(), cols.end());
      return i.unique && !i.uses_expression && cols == wanted;
    }) || std::any_of(ref.constraints.begin(), ref.constraints.end(), [&](const Constraint& c) {
      auto cols = c.columns;
      std::sort(cols.begin(), cols.end());
      return (c.type == 'u' || c.type == 'p') && cols == wanted;
    });
    if (!keyed) {
      throw PlanError(ctx.file, m_ref_table.mark.line, m_ref_table.mark.column,
                      fmt::format("add_foreign_key: {} has no primary key or unique constraint "
                                  "over the referenced columns",
                                  ref.name));
    }
    // A foreign key has no index: its name needs only to be free among the table's constraints.
    if (constraint_name_taken(table, m_name.value)) {
      throw PlanError(ctx.file, m_name.mark.line, m_name.mark.column,
                      fmt::format("add_foreign_key: the name {} is already taken", m_name.value));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const std::string id = fmt::format("add_foreign_key.{}.{}", m_table.value, m_name.value);
    PhaseWork w;
    switch (phase) {
    case Phase::expand:
      w.steps.push_back(
          {.id = id + ".add",
           .sql = add_constraint_sql(
               ctx.schema, m_table.value, m_name.value,
               fmt::format("FOREIGN KEY ({}) REFERENCES {} ({}){}{} NOT VALID",
                           column_list(m_columns), quote_qualified(ctx.schema, m_ref_table.value),
                           column_list(m_ref_columns), foreign_key_actions_sql(m_actions),
                           deferral_sql(m_deferral)))});
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
    return {{.id = fmt::format("rollback.add_foreign_key.{}.{}", m_table.value, m_name.value),
             .sql = fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                                quote_qualified(ctx.schema, m_table.value),
                                quote_ident(m_name.value))}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    std::vector<std::string> cols;
    std::vector<std::string> ref_cols;
    for (const auto& c : m_columns) {
      cols.push_back(c.value);
    }
    for (const auto& c : m_ref_columns) {
      ref_cols.push_back(c.value);
    }
    if (Table* table = catalog.table(ctx.schema, m_table.value)) {
      table->constraints.push_back({.name = m_name.value,
                                    .type = 'f',
                                    .columns = cols,
                                    .foreign_table = m_ref_table.value,
                                    .foreign_columns = ref_cols});
    }
    if (Table* ref = catalog.table(ctx.schema, m_ref_table.value)) {
      ref->referenced_by.push_back(
          {.name = m_name.value, .table = m_table.value, .referenced_columns = ref_cols});
    }
  }

private:
  Located<std::string> m_table;
  Located<std::string> m_name;
  std::vector<Located<std::string>> m_columns;
  Located<std::string> m_ref_table;
  std::vector<Located<std::string>> m_ref_columns;
  ForeignKeyActions m_actions;
  Deferral m_deferral;
};

} // namespace

std::unique_ptr<Change> parse_add_foreign_key(Fields& fields) {
  fields.expect({"table", "name", "columns", "references", "on_delete", "on_update", "match",
                 "deferrable", "initially_deferred", "column", "up", "down"});
  auto table = fields.required_identifier("table");
  auto name = fields.required_identifier("name");
  auto columns = fields.required_identifier_list("columns");
  Fields ref(fields.required_node("references"), fields.file(), "add_foreign_key references");
  ref.expect({"table", "columns"});
  auto ref_table = ref.required_identifier("table");
  auto ref_columns = ref.required_identifier_list("columns");
  ref.finish();
  const ForeignKeyActions actions = parse_foreign_key_actions(fields, "add_foreign_key");
  const Deferral deferral = parse_deferral(fields, "add_foreign_key");
  const DataFix fix = read_data_fix(fields);
  fields.finish();
  if (ref_columns.size() != columns.size()) {
    fields.fail(ref_table.mark, "add_foreign_key: 'references.columns' must name as many columns "
                                "as 'columns'");
  }
  if (fix.given()) {
    ShadowRule rule{.name = name,
                    .type = 'f',
                    .ref_table = ref_table.value,
                    .suffix = foreign_key_actions_sql(actions) + deferral_sql(deferral)};
    for (std::size_t i = 0; i < columns.size(); ++i) {
      rule.columns.push_back(columns[i].value);
      rule.ref_columns.push_back(ref_columns[i].value);
    }
    return data_fix_change(fix, "add_foreign_key", table, std::move(rule), fields);
  }
  return std::make_unique<AddForeignKey>(std::move(table), std::move(name), std::move(columns),
                                         std::move(ref_table), std::move(ref_columns),
                                         actions, deferral);
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json add_foreign_key_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"name", ident("constraint name")},
       {"columns", ident_list("referencing columns")},
       {"references", described(object({{"table", ident("referenced table")},
                                        {"columns", ident_list("referenced columns")}},
                                       {"table", "columns"}),
                                "the referenced table and its key columns")},
       {"on_delete", json_fields::referential_action("what deleting the referenced row does")},
       {"on_update", json_fields::referential_action("what changing the referenced key does")},
       {"match", match_type()},
       {"deferrable", boolean("checked at commit when a transaction defers it (default false)")},
       {"initially_deferred", boolean("checked at commit unless a transaction says otherwise; "
                                      "implies deferrable (default false)")},
       {"column", ident("with up: the referencing column whose rows up rewrites to name a row")},
       {"up", expr("old row -> the column's new value, which names a referenced row (or NULL)")},
       {"down", expr("new row -> the old column's value (default: the column itself)")}},
      {"table", "name", "columns", "references"});
}
} // namespace

ChangeKind change_kind_add_foreign_key() {
  return {.name = "add_foreign_key",
          .doc = "Adds a foreign key: added NOT VALID, then validated at transition without "
                 "blocking writes. Its name must be free among its table's constraints, as "
                 "PostgreSQL scopes it. on_delete and on_update (cascade, restrict, no_action, "
                 "set_null, set_default), match (simple or full), deferrable and "
                 "initially_deferred (which implies deferrable) hold from expand on, for the old "
                 "application's writes too. With column (one of columns) and up, existing orphans "
                 "are fixed rather than refused: the column moves to a shadow column holding up "
                 "of each value, which alone gets the key (added NOT VALID after the dual-write "
                 "trigger and validated at transition); the old application keeps writing the old "
                 "column, orphans included, and gets down of the new one's writes (default: the "
                 "value as it is). validate counts the rows up still leaves orphaned, with an "
                 "example key.",
          .example = text_block(R"yaml(
- add_foreign_key: {table: comments, name: comments_user_fk, columns: [user_id],
                    references: {table: users, columns: [id]}, on_delete: cascade}
# Actions, match and deferral.
- add_foreign_key: {table: comments, name: comments_post_fk, columns: [post_id],
                    references: {table: posts, columns: [id]}, on_update: cascade,
                    match: full, deferrable: true, initially_deferred: true}
# Existing orphans fixed by up, through a shadow column.
- add_foreign_key: {table: comments, name: comments_user_fk, columns: [user_id],
                    references: {table: users, columns: [id]}, column: user_id,
                    up: "(SELECT u.id FROM users u WHERE u.id = user_id)"}
)yaml"),
          .parse = &parse_add_foreign_key,
          .fields = &add_foreign_key_fields};
}

} // namespace orchestrate
