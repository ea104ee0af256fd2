// drop_index: the old application may rely on the index (a query plan, an ON CONFLICT target)
// until it is retired, so nothing happens before contract, which drops it CONCURRENTLY: the
// drop waits for transactions that may still use the index instead of blocking writes. An
// interrupted drop leaves the index (invalid) in place; running the step again drops it.
// Rollback before contract has nothing to undo.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class DropIndex final : public Change {
public:
  DropIndex(std::optional<Located<std::string>> table, Located<std::string> name)
      : m_table(std::move(table)), m_name(std::move(name)) {}

  std::string_view kind() const override { return "drop_index"; }

  std::vector<Touch> touches() const override {
    if (!m_table) {
      return {};
    }
    return {{.table = m_table->value, .modifies = false, .mark = m_table->mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    if (m_table) {
      require_table(ctx, *m_table);
    }
    const IndexLookup found = find_index(ctx.before, ctx.schema, m_name.value);
    if (found.index == nullptr || (m_table && found.table->name != m_table->value)) {
      fail(ctx, fmt::format("drop_index: index {}.{} does not exist{}", ctx.schema, m_name.value,
                            m_table ? " on table " + m_table->value : std::string()));
    }
    if (found.index->constraint) {
      fail(ctx, fmt::format("drop_index: index {} backs constraint {} of table {}; drop the "
                            "constraint instead (drop_constraint), which drops its index",
                            m_name.value, *found.index->constraint, found.table->name));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    PhaseWork w;
    if (phase != Phase::contract) {
      return w;
    }
    const std::string id = fmt::format("drop_index.{}", m_name.value);
    const std::string index = quote_qualified(ctx.schema, m_name.value);
    Step drop = drop_index_step(id + ".drop", ctx.schema, m_name.value);
    drop.verify = fmt::format("SELECT to_regclass({}) IS NULL", quote_literal(index));
    w.steps.push_back(std::move(drop));
    w.gate.push_back({.id = id + ".gone",
                      .description = fmt::format("index {} is gone", m_name.value),
                      .sql = fmt::format("SELECT to_regclass({}) IS NULL", quote_literal(index))});
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& /*ctx*/) const override {
    return {}; // the index stays until contract, after which there is no rollback
  }

  // Later changes no longer find the index, but its name stays taken: it is dropped only at
  // contract, after their expand would have built another under the same name.
  ChangeFacts facts() const override {
    return {.table = m_table ? m_table->value : std::string(), .dropped_indexes = {m_name.value}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    for (auto& [key, table] : catalog.tables) {
      if (table.schema == ctx.schema) {
        std::erase_if(table.indexes, [&](const Index& i) { return i.name == m_name.value; });
      }
    }
    catalog.relations.insert(ctx.schema + "." + m_name.value);
  }

private:
  [[noreturn]] void fail(const ChangeContext& ctx, const std::string& message) const {
    throw PlanError(ctx.file, m_name.mark.line, m_name.mark.column, message);
  }

  std::optional<Located<std::string>> m_table;
  Located<std::string> m_name;
};

} // namespace

std::unique_ptr<Change> parse_drop_index(Fields& fields) {
  fields.expect({"table", "name"});
  auto table = fields.optional_identifier("table");
  auto name = fields.required_identifier("name");
  fields.finish();
  return std::make_unique<DropIndex>(std::move(table), std::move(name));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json drop_index_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("the index's table (optional; checked when given)")},
       {"name", ident("index to drop CONCURRENTLY at contract (not one backing a constraint)")}},
      {"name"});
}
} // namespace

ChangeKind change_kind_drop_index() {
  return {.name = "drop_index",
          .doc = "Drops an index CONCURRENTLY at contract: the old application may rely on it "
                 "until then (its query plans, an ON CONFLICT target). table is optional (checked "
                 "when given); an index that backs a constraint is refused, naming the "
                 "constraint. lint warns when it is the only index serving a foreign key "
                 "(drop-index-foreign-key).",
          .example = text_block(R"yaml(
- drop_index: {table: users, name: users_phone_number_idx}
)yaml"),
          .parse = &parse_drop_index,
          .fields = &drop_index_fields};
}

} // namespace orchestrate
