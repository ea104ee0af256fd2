// split_column: one column into several (users.name into first_name and last_name), each new
// column with its `up` over the old row; `down` rebuilds the original from the new columns for
// the new application's writes. See column_remap.hpp for the phases.
#include <fmt/format.h>

#include "changes/column_remap.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"

namespace orchestrate {

namespace {

class SplitColumn final : public Change {
public:
  explicit SplitColumn(RemapSpec spec) : m_spec(std::move(spec)) {}
  std::string_view kind() const override { return "split_column"; }
  std::vector<Touch> touches() const override { return remap_touches(m_spec); }
  void validate(const ChangeContext& ctx) const override { validate_remap(m_spec, ctx); }
  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    return transition_work(remap_transition(m_spec, ctx), phase, table_of(ctx));
  }
  std::vector<Step> rollback(Phase, const ChangeContext& ctx) const override {
    return transition_rollback(remap_transition(m_spec, ctx), table_of(ctx));
  }
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    return transition_live_checks(remap_transition(m_spec, ctx), table_of(ctx),
                                  live_table(ctx, m_spec.table.value));
  }
  ChangeFacts facts() const override { return remap_facts(m_spec); }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    remap_apply(m_spec, catalog, ctx);
  }

private:
  const Table& table_of(const ChangeContext& ctx) const {
    return *ctx.before.table(ctx.schema, m_spec.table.value);
  }

  RemapSpec m_spec;
};

} // namespace

std::unique_ptr<Change> parse_split_column(Fields& fields) {
  fields.expect({"table", "from", "into", "down"});
  RemapSpec spec;
  spec.kind = "split_column";
  spec.table = fields.required_identifier("table");
  spec.from.push_back(fields.required_identifier("from"));
  YAML::Node into = fields.required_node("into");
  auto down = fields.required_string("down");
  fields.finish();
  if (!into.IsSequence() || into.size() < 2) {
    fields.fail(into, "split_column: 'into' must list at least two columns, each {name, type, "
                      "up}");
  }
  for (std::size_t i = 0; i < into.size(); ++i) {
    auto t = parse_remap_target(into[i], fields.file(),
                                fmt::format("split_column.into[{}]", i));
    for (const auto& other : spec.into) {
      if (other.name.value == t.name.value) {
        fields.fail(t.name.mark, "split_column: column " + t.name.value + " is listed twice");
      }
    }
    if (t.name.value == spec.from.front().value) {
      fields.fail(t.name.mark, "split_column: a new column cannot keep the name of 'from'");
    }
    spec.into.push_back(std::move(t));
  }
  spec.down.push_back({.name = spec.from.front(), .expr = down});
  spec.id = fmt::format("split_column.{}.{}", spec.table.value, spec.from.front().value);
  return std::make_unique<SplitColumn>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json split_column_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"from", ident("the column to split")},
       {"into", {{"type", "array"},
                 {"minItems", 2},
                 {"items", remap_target()},
                 {"description", "the new columns, each with its up over the old row"}}},
       {"down", expr("SQL expression over the new columns rebuilding the old one")}},
      {"table", "from", "into", "down"});
}
} // namespace

ChangeKind change_kind_split_column() {
  return {.name = "split_column",
          .doc = "Splits one column into several (into: each {name, type, up}, up over the old "
                 "row), and back with down, which rebuilds the old column from the new ones for "
                 "the new application's writes.",
          .example = text_block(R"yaml(
- split_column:
    table: users
    from: name
    into:
      - {name: first_name, type: text, up: "split_part(name, ' ', 1)"}
      - {name: last_name, type: text, up: "substr(name, length(split_part(name, ' ', 1)) + 2)"}
    down: "concat_ws(' ', first_name, last_name)"
)yaml"),
          .parse = &parse_split_column,
          .fields = &split_column_fields};
}

} // namespace orchestrate
