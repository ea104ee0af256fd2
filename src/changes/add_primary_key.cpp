// add_primary_key: a primary key on a table that has none.
//
// The old application runs until contract and may write what the key forbids (a NULL in a key
// column, a key another row has): a unique index or a NOT NULL check, even one added NOT
// VALID, would refuse those writes at once. So nothing is enforced before contract, when the
// old application is gone: validate refuses existing rows with a NULL or a duplicate key
// (naming one), transition's gate refuses to move on while any exist, and contract makes each
// nullable key column NOT NULL without a long lock (CHECK NOT VALID, VALIDATE, SET NOT NULL,
// which then skips its scan), builds the unique index CONCURRENTLY (an invalid leftover of an
// interrupted build is dropped first; a build refused on duplicates names them) and attaches
// it with ADD PRIMARY KEY USING INDEX, which scans nothing. Rollback before contract has
// nothing to undo. A table an earlier change of the plan creates has no rows and no old
// application: it gets the key at expand, right after it is created.
#include <fmt/format.h>

#include <algorithm>

#include "changes/column_transition.hpp"
#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class AddPrimaryKey final : public Change {
public:
  AddPrimaryKey(Located<std::string> table,
                std::vector<Located<std::string>> columns,
                std::optional<Located<std::string>> name)
      : m_table(std::move(table)), m_columns(std::move(columns)), m_name(std::move(name)) {}

  std::string_view kind() const override { return "add_primary_key"; }

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
    for (const auto& index : table.indexes) {
      if (index.primary) {
        throw PlanError(ctx.file, m_table.mark.line, m_table.mark.column,
                        fmt::format("add_primary_key: table {} already has a primary key ({})",
                                    m_table.value, index.constraint.value_or(index.name)));
      }
    }
    for (const auto& c : table.constraints) {
      if (c.type == 'p') {
        throw PlanError(ctx.file, m_table.mark.line, m_table.mark.column,
                        fmt::format("add_primary_key: table {} already has a primary key ({})",
                                    m_table.value, c.name));
      }
    }
    if (index_constraint_name_taken(ctx.before, ctx.schema, table, name())) {
      const Mark at = m_name ? m_name->mark : m_table.mark;
      throw PlanError(ctx.file, at.line, at.column,
                      fmt::format("add_primary_key: the name {} is already taken{}", name(),
                                  m_name ? "" : " (give the key another with `name`)"));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    PhaseWork w;
    const std::string id = step_id();
    if (created_by_plan(ctx)) {
      // No rows and no old application yet: the key is there as soon as the table is.
      if (phase == Phase::expand) {
        w.steps.push_back({.id = id + ".constraint",
                           .sql = add_constraint_sql(ctx.schema, m_table.value, name(),
                                                     "PRIMARY KEY (" + column_list() + ")")});
      }
      if (phase == Phase::expand || phase == Phase::contract) {
        w.gate.push_back(
            constraint_check(id + ".constraint", ctx.schema, m_table.value, name(), true));
      }
      return w;
    }
    switch (phase) {
    case Phase::transition:
      // Contract enforces the key; it must not meet a row that breaks it.
      w.gate.push_back(rows_fit_check(id + ".rows_fit", ctx));
      break;
    case Phase::contract: {
      const Table& table = *ctx.before.table(ctx.schema, m_table.value);
      for (const auto& c : m_columns) {
        if (table.column(c.value)->not_null) {
          continue;
        }
        // Only the steps: the NOT VALID check's own gate would fail once it is dropped.
        PhaseWork nn;
        const std::string check = helper_name("nn", m_table.value, c.value);
        not_null_dual_write(nn, id + "." + c.value, ctx.schema, m_table.value, c.value, check);
        not_null_transition(nn, id + "." + c.value, ctx.schema, m_table.value, c.value, check);
        w.steps.insert(w.steps.end(), nn.steps.begin(), nn.steps.end());
        w.gate.push_back(column_not_null_check(id + "." + c.value + ".not_null", ctx.schema,
                                               m_table.value, c.value));
      }
      for (auto& s : build_index_steps(id + ".index", ctx.schema, m_table.value, name(), true,
                                       "USING btree (" + column_list() + ")")) {
        w.steps.push_back(std::move(s));
      }
      w.steps.push_back({.id = id + ".constraint",
                         .sql = add_constraint_sql(ctx.schema, m_table.value, name(),
                                                   "PRIMARY KEY USING INDEX " +
                                                       quote_ident(name()))});
      w.gate.push_back(
          constraint_check(id + ".constraint", ctx.schema, m_table.value, name(), true));
      break;
    }
    default:
      break;
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    if (!created_by_plan(ctx)) {
      return {}; // nothing is enforced before contract, after which nothing rolls back
    }
    // Runs before the table's own change drops the table.
    return {{.id = "rollback." + step_id() + ".constraint",
             .sql = fmt::format("ALTER TABLE IF EXISTS {} DROP CONSTRAINT IF EXISTS {}",
                                quote_qualified(ctx.schema, m_table.value), quote_ident(name()))}};
  }

  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    if (created_by_plan(ctx)) {
      return {};
    }
    return {{.mark = m_table.mark,
             .what = "add_primary_key",
             .sql = breaking_rows_sql(ctx),
             .counts_rows = true,
             .advice = "give each row a value in every key column and a key no other row has"}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_table.value);
    if (table == nullptr) {
      return;
    }
    std::vector<std::string> cols;
    for (const auto& c : m_columns) {
      cols.push_back(c.value);
      if (Column* column = table->column(c.value)) {
        column->not_null = true;
      }
    }
    table->indexes.push_back({.name = name(),
                              .definition = "",
                              .columns = cols,
                              .unique = true,
                              .primary = true,
                              .valid = true,
                              .uses_expression = false,
                              .constraint = name()});
    table->constraints.push_back({.name = name(),
                                  .type = 'p',
                                  .definition = "PRIMARY KEY (" + column_list() + ")",
                                  .columns = cols});
  }

private:
  std::string name() const {
    return m_name ? m_name->value : fit_identifier(m_table.value + "_pkey");
  }

  std::string step_id() const { return fmt::format("add_primary_key.{}", m_table.value); }

  std::string column_list(const std::string& prefix = "") const {
    std::string out;
    for (const auto& c : m_columns) {
      out += (out.empty() ? "" : ", ") + prefix + quote_ident(c.value);
    }
    return out;
  }

  // A table an earlier change of the plan creates is in the model only, not among the live
  // relations.
  bool created_by_plan(const ChangeContext& ctx) const {
    const Table* table = ctx.before.table(ctx.schema, m_table.value);
    return table != nullptr && table->created_by_plan;
  }

  // Rows with a NULL in a key column, or a key another row has: (count, first key, what).
  std::string breaking_rows_sql(const ChangeContext& ctx) const {
    std::string any_null;
    for (const auto& c : m_columns) {
      any_null += (any_null.empty() ? "" : " OR ") + ("t." + quote_ident(c.value)) + " IS NULL";
    }
    return fmt::format(
        "SELECT count(*)::bigint, coalesce(min(k), ''), 'a NULL in a key column or a key another "
        "row has'\n"
        "  FROM (SELECT json_build_array({0})::text AS k FROM {1} t\n"
        "         WHERE {2} OR ({0}) IN (SELECT {3} FROM {1} d GROUP BY {3} HAVING count(*) > 1))"
        " bad",
        column_list("t."), quote_qualified(ctx.schema, m_table.value), any_null,
        column_list("d."));
  }

  Check rows_fit_check(const std::string& id, const ChangeContext& ctx) const {
    return {.id = id,
            .description = fmt::format("no row of {} has a NULL in ({}) or a key another row has",
                                       m_table.value, column_list()),
            .sql = fmt::format("SELECT n = 0, format('%s rows break the key (first key %s)', n, "
                               "example) FROM ({}) r (n, example, what)",
                               breaking_rows_sql(ctx)),
            .advice = "give those rows a key of their own in every key column, then run `next` "
                      "again"};
  }

  Located<std::string> m_table;
  std::vector<Located<std::string>> m_columns;
  std::optional<Located<std::string>> m_name;
};

} // namespace

std::unique_ptr<Change> parse_add_primary_key(Fields& fields) {
  fields.expect({"table", "columns", "name"});
  auto table = fields.required_identifier("table");
  auto columns = fields.required_identifier_list("columns");
  auto name = fields.optional_identifier("name");
  fields.finish();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (columns[i].value == columns[j].value) {
        fields.fail(columns[i].mark, "add_primary_key: column " + columns[i].value +
                                         " is listed twice");
      }
    }
  }
  return std::make_unique<AddPrimaryKey>(std::move(table), std::move(columns), std::move(name));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json add_primary_key_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("a table without a primary key (or one an earlier change creates)")},
       {"columns", ident_list("the key columns, made NOT NULL at contract")},
       {"name", ident("constraint and index name (default <table>_pkey)")}},
      {"table", "columns"});
}
} // namespace

ChangeKind change_kind_add_primary_key() {
  return {.name = "add_primary_key",
          .doc = "Adds a primary key to a table without one. The old application may go on "
                 "writing what the key forbids (a NULL, a key another row has) until contract, so "
                 "nothing is enforced before: validate refuses existing rows that break it "
                 "(counted, one key named), transition's gate refuses to move on while any do, "
                 "and contract makes each nullable key column NOT NULL without a long lock (CHECK "
                 "NOT VALID, VALIDATE, SET NOT NULL, the check dropped), builds the unique index "
                 "CONCURRENTLY (an invalid leftover is dropped and rebuilt; duplicates written "
                 "since the gate stop it with 23505, naming them: remove them and run `next` "
                 "again) and attaches it with ADD PRIMARY KEY USING INDEX. Rollback before "
                 "contract has nothing to undo. On a table an earlier change of the plan creates, "
                 "the key is added at expand. name defaults to `<table>_pkey`.",
          .example = text_block(R"yaml(
- add_primary_key: {table: events, columns: [id], name: events_pkey}
)yaml"),
          .parse = &parse_add_primary_key,
          .fields = &add_primary_key_fields};
}

} // namespace orchestrate
