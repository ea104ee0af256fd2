// create_index: built CONCURRENTLY at expand, so writes go on while it builds; an invalid
// leftover of an earlier failed or interrupted build is dropped and the build runs again.
// Nothing to copy, so every other phase only checks that the index is still valid.
//
// A column may carry an operator class (with parameters), a collation, a sort order and where
// NULLs sort; the index may carry storage parameters. PostgreSQL checks each at validate, over
// a row shaped like the table, at the field that gave it.
#include <fmt/format.h>

#include <regex>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/constraint_options.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

// One key column and how the index orders and compares it.
struct IndexColumn {
  Located<std::string> column{};
  std::optional<Located<std::string>> opclass{};
  std::vector<std::string> opclass_params{}; // "siglen=32"
  std::optional<Located<std::string>> collate{};
  std::string sort{};  // "ASC", "DESC" or "" (the method's default)
  std::string nulls{}; // "NULLS FIRST", "NULLS LAST" or ""
  bool has_options() const { return opclass || collate || !sort.empty() || !nulls.empty(); }
};

std::string element_sql(const IndexColumn& c) {
  std::string out = quote_ident(c.column.value);
  if (c.collate) {
    out += " COLLATE " + quote_ident(c.collate->value);
  }
  if (c.opclass) {
    out += " " + quote_ident(c.opclass->value);
    if (!c.opclass_params.empty()) {
      std::string params;
      for (const auto& p : c.opclass_params) {
        params += (params.empty() ? "" : ", ") + p;
      }
      out += " (" + params + ")";
    }
  }
  for (const auto* word : {&c.sort, &c.nulls}) {
    if (!word->empty()) {
      out += " " + *word;
    }
  }
  return out;
}

struct IndexSpec {
  Located<std::string> table{};
  Located<std::string> name{};
  std::vector<IndexColumn> columns{};
  std::optional<Located<std::string>> expression{};
  bool unique = false;
  std::optional<Located<std::string>> where{};
  std::string method = "btree";
  std::optional<Located<std::string>> storage_parameters{};
};

class CreateIndex final : public Change {
public:
  explicit CreateIndex(IndexSpec spec)
      : m_table(std::move(spec.table)), m_name(std::move(spec.name)),
        m_columns(std::move(spec.columns)), m_expression(std::move(spec.expression)),
        m_unique(spec.unique), m_where(std::move(spec.where)), m_method(std::move(spec.method)),
        m_storage_parameters(std::move(spec.storage_parameters)) {}

  std::string_view kind() const override { return "create_index"; }

  std::vector<Touch> touches() const override {
    std::vector<Touch> out;
    for (const auto& c : m_columns) {
      out.push_back({.table = m_table.value,
                     .column = c.column.value,
                     .modifies = false,
                     .mark = c.column.mark});
    }
    if (m_columns.empty()) {
      out.push_back({.table = m_table.value, .modifies = false, .mark = m_table.mark});
    }
    return out;
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    for (const auto& c : m_columns) {
      require_column(ctx, table, c.column);
    }
    if (relation_name_taken(ctx.before, ctx.schema, m_name.value)) {
      throw PlanError(ctx.file, m_name.mark.line, m_name.mark.column,
                      fmt::format("create_index: the name {} is already taken", m_name.value));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const std::string id = fmt::format("create_index.{}.{}", m_table.value, m_name.value);
    PhaseWork w;
    if (phase == Phase::expand) {
      w.steps = build_index_steps(id, ctx.schema, m_table.value, m_name.value, m_unique,
                                  definition());
    }
    // Every gate checks the index: a build that failed later (or someone who dropped it) must
    // not pass unnoticed.
    w.gate.push_back(index_valid_check(id + ".valid", ctx.schema, m_name.value));
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    return {drop_index_step(fmt::format("rollback.create_index.{}.{}", m_table.value,
                                        m_name.value),
                            ctx.schema, m_name.value)};
  }

  // The key expression first, each column with options alone, the storage parameters, then
  // the whole definition for the predicate, each at its field.
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    const auto row = physical_view(*ctx.before.table(ctx.schema, m_table.value));
    const Table* live = live_table(ctx, m_table.value);
    std::vector<LiveCheck> out;
    if (m_expression) {
      out.push_back(index_compiles("create_index.expression", m_expression->mark,
                                   fmt::format("USING {} ({})", m_method, m_expression->value),
                                   row, live));
    }
    for (const auto& c : m_columns) {
      if (c.has_options()) {
        out.push_back(index_compiles("create_index.columns", c.column.mark,
                                     fmt::format("USING {} ({})", m_method, element_sql(c)), row,
                                     live));
      }
    }
    if (m_storage_parameters) {
      out.push_back(index_compiles("create_index.storage_parameters", m_storage_parameters->mark,
                                   keys_definition(), row, live));
    }
    if (m_where) {
      out.push_back(index_compiles("create_index.where", m_where->mark, definition(), row, live));
    }
    return out;
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    if (Table* table = catalog.table(ctx.schema, m_table.value)) {
      Index index;
      index.name = m_name.value;
      index.definition = definition();
      for (const auto& c : m_columns) {
        index.columns.push_back(c.column.value);
      }
      index.unique = m_unique;
      index.uses_expression = m_expression.has_value() || m_where.has_value();
      table->indexes.push_back(index);
    }
  }

private:
  std::string keys_definition() const {
    std::string keys;
    if (m_expression) {
      keys = m_expression->value;
    }
    for (const auto& c : m_columns) {
      keys += (keys.empty() ? "" : ", ") + element_sql(c);
    }
    return fmt::format("USING {} ({}){}", m_method, keys,
                       storage_parameters_sql(m_storage_parameters));
  }

  std::string definition() const {
    std::string out = keys_definition();
    if (m_where) {
      out += " WHERE " + m_where->value;
    }
    return out;
  }

  Located<std::string> m_table;
  Located<std::string> m_name;
  std::vector<IndexColumn> m_columns;
  std::optional<Located<std::string>> m_expression;
  bool m_unique;
  std::optional<Located<std::string>> m_where;
  std::string m_method;
  std::optional<Located<std::string>> m_storage_parameters;
};

// A column entry: a plain name, or {column, opclass, opclass_params, collate, sort, nulls}.
IndexColumn parse_index_column(const YAML::Node& item, Fields& fields, const std::string& method) {
  IndexColumn c;
  if (item.IsScalar()) {
    if (!is_plain_identifier(item.Scalar())) {
      fields.fail(item, "create_index: every entry of 'columns' must be a plain name or a "
                        "mapping with 'column'");
    }
    c.column = {item.Scalar(), mark_of(item)};
    return c;
  }
  Fields f(item, fields.file(), "create_index column");
  f.expect({"column", "opclass", "opclass_params", "collate", "sort", "nulls"});
  c.column = f.required_identifier("column");
  c.opclass = f.optional_identifier("opclass");
  YAML::Node params = f.optional_node("opclass_params");
  if (params.IsDefined()) {
    static const std::regex k_param(R"([A-Za-z_][A-Za-z0-9_]*\s*=\s*[A-Za-z0-9_.+-]+)");
    if (!c.opclass) {
      f.fail(params, "create_index: 'opclass_params' needs 'opclass'");
    }
    if (!params.IsSequence() || params.size() == 0) {
      f.fail(params, "create_index: 'opclass_params' must be a non-empty list of name=value");
    }
    for (const auto& p : params) {
      if (!p.IsScalar() || !std::regex_match(p.Scalar(), k_param)) {
        f.fail(p, "create_index: every entry of 'opclass_params' must be name=value, e.g. "
                  "siglen=32");
      }
      c.opclass_params.push_back(p.Scalar());
    }
  }
  c.collate = f.optional_string("collate");
  if (c.collate && c.collate->value.empty()) {
    f.fail(c.collate->mark, "create_index: 'collate' must name a collation");
  }
  const auto sort = f.optional_string("sort");
  const auto nulls = f.optional_string("nulls");
  f.finish();
  if (sort) {
    if (sort->value != "asc" && sort->value != "desc") {
      f.fail(sort->mark, "create_index: 'sort' must be asc or desc, got '" + sort->value + "'");
    }
    c.sort = sort->value == "asc" ? "ASC" : "DESC";
  }
  if (nulls) {
    if (nulls->value != "first" && nulls->value != "last") {
      f.fail(nulls->mark, "create_index: 'nulls' must be first or last, got '" + nulls->value +
                              "'");
    }
    c.nulls = nulls->value == "first" ? "NULLS FIRST" : "NULLS LAST";
  }
  // Only btree orders its keys.
  for (const auto& given : {sort, nulls}) {
    if (given && method != "btree") {
      f.fail(given->mark, "create_index: a " + method + " index has no order; 'sort' and 'nulls' "
                          "need method btree");
    }
  }
  return c;
}

} // namespace

std::unique_ptr<Change> parse_create_index(Fields& fields) {
  fields.expect({"table", "name", "columns", "expression", "unique", "where", "method",
                 "storage_parameters"});
  IndexSpec spec;
  spec.table = fields.required_identifier("table");
  spec.name = fields.required_identifier("name");
  if (auto m = fields.optional_string("method")) {
    static const std::regex k_method("btree|hash|gist|gin|spgist|brin");
    if (!std::regex_match(m->value, k_method)) {
      fields.fail(m->mark, "create_index: 'method' must be btree, hash, gist, gin, spgist or "
                           "brin, got '" + m->value + "'");
    }
    spec.method = m->value;
  }
  spec.expression = fields.optional_string("expression");
  YAML::Node columns = fields.optional_node("columns");
  if (columns.IsDefined() || !spec.expression) {
    columns = fields.required_node("columns");
    if (!columns.IsSequence() || columns.size() == 0) {
      fields.fail(columns, "create_index: 'columns' must be a non-empty list of names");
    }
    for (const auto& item : columns) {
      spec.columns.push_back(parse_index_column(item, fields, spec.method));
    }
  }
  if (spec.expression && !spec.columns.empty()) {
    fields.fail(spec.expression->mark,
                "create_index: give either 'columns' or 'expression', not both");
  }
  if (spec.expression &&
      spec.expression->value.find_first_not_of(" \t\n") == std::string::npos) {
    fields.fail(spec.expression->mark, "create_index: 'expression' must not be empty");
  }
  if (auto u = fields.optional_bool("unique")) {
    spec.unique = u->value;
  }
  spec.where = fields.optional_string("where");
  spec.storage_parameters = parse_storage_parameters(fields, "create_index");
  fields.finish();
  return std::make_unique<CreateIndex>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json create_index_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"name", ident("index name")},
       {"columns", {{"type", "array"},
                    {"minItems", 1},
                    {"items", index_column()},
                    {"description", "indexed columns (or give `expression`)"}}},
       {"expression", expr("an index expression instead of columns, e.g. lower(email)")},
       {"unique", boolean("a unique index")},
       {"where", expr("predicate of a partial index")},
       {"method", str("access method: btree (default), hash, gin, gist, brin, spgist")},
       {"storage_parameters", storage_parameters()}},
      {"table", "name"});
}
} // namespace

ChangeKind change_kind_create_index() {
  return {.name = "create_index",
          .doc = "Builds an index CONCURRENTLY at expand, so writes go on; columns or an "
                 "expression, optionally unique or partial (where). Its name must be free among "
                 "the schema's relations (tables, indexes, views, sequences). A column entry may "
                 "be a mapping: opclass (with opclass_params, e.g. [siglen=32]), collate, sort "
                 "(asc or desc) and nulls (first or last; both btree only). storage_parameters is "
                 "the index's WITH (...). PostgreSQL checks each at validate, at its line and "
                 "column.",
          .example = text_block(R"yaml(
- create_index: {table: users, name: users_lower_email_idx, expression: lower(email),
                 unique: true, where: "email IS NOT NULL"}
# A column's operator class, collation and order, and the index's storage parameters.
- create_index: {table: users, name: users_name_pattern_idx, storage_parameters: fillfactor=70,
                 columns: [{column: name, opclass: text_pattern_ops, collate: C, sort: desc,
                            nulls: last}, email]}
)yaml"),
          .parse = &parse_create_index,
          .fields = &create_index_fields};
}

} // namespace orchestrate
