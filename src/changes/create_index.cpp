// create_index: built CONCURRENTLY at expand, so writes go on while it builds; an invalid
// leftover of an earlier failed or interrupted build is dropped and the build runs again.
// Nothing to copy, so every other phase only checks that the index is still valid.
#include <fmt/format.h>

#include <regex>

#include "changes/common.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kinds.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class CreateIndex final : public Change {
public:
  CreateIndex(Located<std::string> table,
              Located<std::string> name,
              std::vector<Located<std::string>> columns,
              std::optional<Located<std::string>> expression,
              bool unique,
              std::optional<Located<std::string>> where,
              std::string method)
      : m_table(std::move(table)), m_name(std::move(name)), m_columns(std::move(columns)),
        m_expression(std::move(expression)), m_unique(unique), m_where(std::move(where)),
        m_method(std::move(method)) {}

  std::string_view kind() const override { return "create_index"; }

  std::vector<Touch> touches() const override {
    std::vector<Touch> out;
    for (const auto& c : m_columns) {
      out.push_back({m_table.value, c.value, false, c.mark});
    }
    if (m_columns.empty()) {
      out.push_back({m_table.value, "", false, m_table.mark});
    }
    return out;
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    for (const auto& c : m_columns) {
      require_column(ctx, table, c);
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

  // The key expression first, then the whole definition for the predicate, each at its field.
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    const auto row = physical_view(*ctx.before.table(ctx.schema, m_table.value));
    const Table* live = live_table(ctx, m_table.value);
    std::vector<LiveCheck> out;
    if (m_expression) {
      out.push_back(index_compiles("create_index.expression", m_expression->mark,
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
        index.columns.push_back(c.value);
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
      keys += (keys.empty() ? "" : ", ") + quote_ident(c.value);
    }
    return fmt::format("USING {} ({})", m_method, keys);
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
  std::vector<Located<std::string>> m_columns;
  std::optional<Located<std::string>> m_expression;
  bool m_unique;
  std::optional<Located<std::string>> m_where;
  std::string m_method;
};

} // namespace

std::unique_ptr<Change> parse_create_index(Fields& fields) {
  fields.expect({"table", "name", "columns", "expression", "unique", "where", "method"});
  auto table = fields.required_identifier("table");
  auto name = fields.required_identifier("name");
  std::vector<Located<std::string>> columns;
  auto expression = fields.optional_string("expression");
  if (fields.optional_node("columns").IsDefined() || !expression) {
    columns = fields.required_identifier_list("columns");
  }
  if (expression && !columns.empty()) {
    fields.fail(expression->mark, "create_index: give either 'columns' or 'expression', not both");
  }
  if (expression && expression->value.find_first_not_of(" \t\n") == std::string::npos) {
    fields.fail(expression->mark, "create_index: 'expression' must not be empty");
  }
  bool unique = false;
  if (auto u = fields.optional_bool("unique")) {
    unique = u->value;
  }
  auto where = fields.optional_string("where");
  std::string method = "btree";
  if (auto m = fields.optional_string("method")) {
    static const std::regex k_method("btree|hash|gist|gin|spgist|brin");
    if (!std::regex_match(m->value, k_method)) {
      fields.fail(m->mark, "create_index: 'method' must be btree, hash, gist, gin, spgist or "
                           "brin, got '" + m->value + "'");
    }
    method = m->value;
  }
  fields.finish();
  return std::make_unique<CreateIndex>(std::move(table), std::move(name), std::move(columns),
                                       std::move(expression), unique, std::move(where),
                                       std::move(method));
}

} // namespace orchestrate
