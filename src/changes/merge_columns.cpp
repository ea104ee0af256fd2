// merge_columns: several columns into one (first_name and last_name into full_name), with its
// `up` over the old row; `down` says, for every old column, how to rebuild it from the new row
// for the new application's writes. See column_remap.hpp for the phases.
#include <fmt/format.h>

#include "changes/column_remap.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class MergeColumns final : public Change {
public:
  explicit MergeColumns(RemapSpec spec) : m_spec(std::move(spec)) {}
  std::string_view kind() const override { return "merge_columns"; }
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

std::unique_ptr<Change> parse_merge_columns(Fields& fields) {
  fields.expect({"table", "from", "into", "down"});
  RemapSpec spec;
  spec.kind = "merge_columns";
  spec.table = fields.required_identifier("table");
  spec.from = fields.required_identifier_list("from");
  YAML::Node into = fields.required_node("into");
  YAML::Node down = fields.required_node("down");
  fields.finish();
  if (spec.from.size() < 2) {
    fields.fail(spec.from.front().mark, "merge_columns: 'from' must list at least two columns");
  }
  for (std::size_t i = 0; i < spec.from.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (spec.from[i].value == spec.from[j].value) {
        fields.fail(spec.from[i].mark, "merge_columns: column " + spec.from[i].value +
                                           " is listed twice");
      }
    }
  }
  spec.into.push_back(parse_remap_target(into, fields.file(), "merge_columns.into"));
  if (!down.IsMap()) {
    fields.fail(down, "merge_columns: 'down' must map every column of 'from' to an expression");
  }
  for (const auto& kv : down) {
    const std::string col = kv.first.Scalar();
    if (!is_plain_identifier(col)) {
      fields.fail(kv.first, "merge_columns: every key of 'down' must be a plain column name");
    }
    if (!kv.second.IsScalar()) {
      fields.fail(kv.second, "merge_columns: down." + col + " must be an SQL expression");
    }
    spec.down.push_back({.name = {.value = col, .mark = mark_of(kv.first)},
                         .expr = {.value = kv.second.Scalar(), .mark = mark_of(kv.second)}});
  }
  for (const auto& f : spec.from) {
    if (f.value == spec.into.front().name.value) {
      fields.fail(spec.into.front().name.mark,
                  "merge_columns: the new column cannot keep the name of one in 'from'");
    }
  }
  spec.id = fmt::format("merge_columns.{}.{}", spec.table.value, spec.into.front().name.value);
  return std::make_unique<MergeColumns>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json merge_columns_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"from", {{"type", "array"},
                 {"minItems", 2},
                 {"items", ident("a column")},
                 {"description", "the columns to merge"}}},
       {"into", described(remap_target(), "the new column, its up over the old row")},
       {"down", {{"type", "object"},
                 {"description", "each column of `from` mapped to an SQL expression over the "
                                 "new column"},
                 {"additionalProperties", expr("SQL expression")}}}},
      {"table", "from", "into", "down"});
}
} // namespace

ChangeKind change_kind_merge_columns() {
  return {.name = "merge_columns",
          .doc = "Merges several columns into one (into: {name, type, up}, up over the old row); "
                 "down maps each old column to an expression over the new one, for the new "
                 "application's writes.",
          .example = text_block(R"yaml(
- merge_columns:
    table: users
    from: [first_name, last_name]
    into: {name: full_name, type: text, up: "concat_ws(' ', first_name, last_name)"}
    down: {first_name: "split_part(full_name, ' ', 1)",
           last_name: "substr(full_name, length(split_part(full_name, ' ', 1)) + 2)"}
)yaml"),
          .parse = &parse_merge_columns,
          .fields = &merge_columns_fields};
}

} // namespace orchestrate
