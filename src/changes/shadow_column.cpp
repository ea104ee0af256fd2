#include "changes/shadow_column.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/expression_checks.hpp"
#include "core/ident.hpp"
#include "core/sql_text.hpp"

namespace orchestrate {

namespace {

// The temporary column's default, which it keeps after contract: the column's own default as
// the new application will see it, so an INSERT that leaves the column out means the same
// before and after contract. With an `up` over the column alone, that is `up` of the default
// (cents 100 becomes dollars 1.00); otherwise the default itself, assigned to the new type.
std::optional<std::string> shadow_default(const ShadowSpec& spec, const Table& table) {
  if (spec.default_sql) {
    return *spec.default_sql;
  }
  const Column& column = *table.column(spec.column.value);
  if (!column.default_sql) {
    return std::nullopt;
  }
  const std::string& up = spec.up.value;
  const bool over_column_alone =
      !up.empty() && mentions_identifier(up, spec.column.value) &&
      std::none_of(table.columns.begin(), table.columns.end(), [&](const Column& c) {
        return c.name != spec.column.value && mentions_identifier(up, c.name);
      });
  if (over_column_alone) {
    return substitute_identifier(up, spec.column.value, "(" + *column.default_sql + ")");
  }
  return *column.default_sql;
}

} // namespace

std::string shadow_column_name(const std::string& column) {
  return fit_identifier("_orc_new_" + column);
}

void validate_shadow(const ShadowSpec& spec, const ChangeContext& ctx) {
  const Table& table = require_table(ctx, spec.table);
  require_column(ctx, table, spec.column);
  require_replaceable_column(ctx, table, spec.column, spec.kind);
  require_no_dependent_views(ctx, table, spec.table, spec.kind);
  require_no_column(ctx, table, {shadow_column_name(spec.column.value), spec.column.mark});
  require_row_key(ctx, table, spec.table.mark);
  validate_rules(spec.rules, table, ctx, spec.kind);
}

std::vector<LiveCheck> shadow_live_checks(const ShadowSpec& spec, const ChangeContext& ctx) {
  const Table& table = *ctx.before.table(ctx.schema, spec.table.value);
  const Table* live = live_table(ctx, spec.table.value);
  auto out = transition_live_checks(shadow_transition(spec, ctx), table, live);
  for (auto& c : rule_live_checks(spec.rules, spec.kind, spec.column.value, spec.up,
                                  physical_view(table), live, ctx)) {
    out.push_back(std::move(c));
  }
  return out;
}

ColumnTransition shadow_transition(const ShadowSpec& spec, const ChangeContext& ctx) {
  const Table& table = *ctx.before.table(ctx.schema, spec.table.value);
  const Column& column = *table.column(spec.column.value);
  const std::string temp = shadow_column_name(spec.column.value);
  const std::string bare = quote_ident(spec.column.value);
  ColumnTransition t;
  t.kind = spec.kind;
  t.id = fmt::format("{}.{}.{}", spec.kind, spec.table.value, spec.column.value);
  t.plan = ctx.plan;
  t.schema = ctx.schema;
  t.table = spec.table;
  t.name = spec.column.value;
  // Without `up`, the same type: the column itself is copied (an exact round trip one way).
  const bool copy_up = spec.up.value.empty() && column.type == spec.type;
  // A new UNIQUE only the temporary column gets.
  const bool new_unique = std::any_of(spec.rules.begin(), spec.rules.end(),
                                      [](const ShadowRule& r) { return r.type == 'u'; });
  t.added.push_back(
      {.name = temp,
       .type = spec.type,
       .collation = column.type == spec.type ? column.collation : std::nullopt,
       .default_sql = shadow_default(spec, table),
       .default_volatile = spec.default_sql ? *spec.default_sql &&
                                                  expression_may_be_volatile(**spec.default_sql)
                                            : column.default_volatile,
       .default_with_trigger = new_unique,
       .not_null = spec.not_null,
       .up = copy_up ? Located<std::string>{spec.column.value, spec.column.mark}
             : spec.up.value.empty() ? Located<std::string>{bare, spec.column.mark}
                                     : spec.up,
       .up_is_copy = copy_up,
       .up_cannot_fail = spec.up_cannot_fail,
       .comment = spec.comment ? *spec.comment : column.comment});
  const bool copy_down = spec.down.value.empty() && column.type == spec.type;
  t.old_side.push_back(
      {.name = spec.column.value,
       .down = copy_down ? Located<std::string>{temp, spec.column.mark}
                         : spec.down.value.empty() ? Located<std::string>{bare, spec.column.mark}
                                                   : spec.down,
       .down_is_copy = copy_down});
  t.new_view = physical_view(table);
  for (auto& c : t.new_view) {
    if (c.name == spec.column.value) {
      c.physical = temp;
      c.type = spec.type;
    }
  }
  t.twins = find_twins(table, spec.column.value, temp,
                       [](const std::string& name) { return fit_identifier("_orc_" + name); });
  std::erase_if(t.twins, [&](const Twin& twin) {
    return std::find(spec.dropped.begin(), spec.dropped.end(), twin.name) != spec.dropped.end();
  });
  for (const auto& rule : spec.rules) {
    t.twins.push_back(rule_twin(rule, ctx.schema, spec.column.value, temp));
  }
  t.new_side_unique = new_unique;
  t.twins_renamed = true;
  t.drop_at_contract = {spec.column.value};
  t.renames = {{temp, spec.column.value}};
  if (column.default_volatile) {
    t.sequence_owner = std::make_pair(spec.column.value, temp);
  }
  return t;
}

std::vector<Touch> shadow_touches(const ShadowSpec& spec) {
  return {{.table = spec.table.value, .column = spec.column.value, .mark = spec.column.mark}};
}

VersionedColumn shadow_versioned(const ShadowSpec& spec) {
  return {.table = spec.table.value,
          .column = spec.column.value,
          .physical = shadow_column_name(spec.column.value)};
}

void shadow_apply(const ShadowSpec& spec, Catalog& catalog, const ChangeContext& ctx) {
  Table* table = catalog.table(ctx.schema, spec.table.value);
  if (table == nullptr) {
    return;
  }
  auto& cols = table->columns;
  auto it = std::find_if(cols.begin(), cols.end(),
                         [&](const Column& c) { return c.name == spec.column.value; });
  if (it == cols.end()) {
    return;
  }
  Column moved = *it;
  if (moved.type != spec.type) {
    moved.collation.reset();
  }
  moved.type = spec.type;
  moved.not_null = spec.not_null;
  if (spec.default_sql) {
    moved.default_sql = *spec.default_sql;
    moved.default_volatile = *spec.default_sql && expression_may_be_volatile(**spec.default_sql);
  }
  if (spec.comment) {
    moved.comment = *spec.comment;
  }
  cols.erase(it);
  cols.push_back(std::move(moved));
  auto dropped = [&](const std::string& name) {
    return std::find(spec.dropped.begin(), spec.dropped.end(), name) != spec.dropped.end();
  };
  std::erase_if(table->constraints, [&](const Constraint& c) { return dropped(c.name); });
  std::erase_if(table->indexes, [&](const Index& i) { return dropped(i.name); });
  apply_rules(spec.rules, *table, catalog, ctx);
}

ChangeFacts ShadowChange::facts() const {
  ChangeFacts f{.table = m_spec.table.value,
                .removed = {m_spec.column.value},
                .needs_backfill = true};
  if (!m_spec.up.value.empty()) {
    f.expressions.push_back({.role = "up", .sql = m_spec.up});
  }
  if (!m_spec.down.value.empty()) {
    f.expressions.push_back({.role = "down", .sql = m_spec.down});
  }
  return f;
}

std::vector<Touch> ShadowChange::touches() const {
  return shadow_touches(m_spec);
}

void ShadowChange::validate(const ChangeContext& ctx) const {
  const ShadowSpec s = resolved(ctx);
  validate_shadow(s, ctx);
  validate_kind(s, *table_of(ctx).column(s.column.value), ctx);
}

PhaseWork ShadowChange::work(Phase phase, const ChangeContext& ctx) const {
  return transition_work(shadow_transition(resolved(ctx), ctx), phase, table_of(ctx));
}

std::vector<Step> ShadowChange::rollback(Phase, const ChangeContext& ctx) const {
  return transition_rollback(shadow_transition(resolved(ctx), ctx), table_of(ctx));
}

std::vector<LiveCheck> ShadowChange::live_checks(const ChangeContext& ctx) const {
  return shadow_live_checks(resolved(ctx), ctx);
}

void ShadowChange::apply(Catalog& catalog, const ChangeContext& ctx) const {
  shadow_apply(resolved(ctx), catalog, ctx);
}

std::vector<VersionedColumn> ShadowChange::version_columns(const ChangeContext& ctx) const {
  return {shadow_versioned(resolved(ctx))};
}

namespace {

// A constraint on the shadow column; the column keeps its type and NOT NULL.
class DataFixChange final : public ShadowChange {
public:
  using ShadowChange::ShadowChange;

private:
  // The rule's name and reference are checked with the shadow column (validate_rules).
  void validate_kind(const ShadowSpec&, const Column&, const ChangeContext&) const override {}

  ShadowSpec resolved(const ShadowSpec& spec, const Column* column) const override {
    ShadowSpec s = spec;
    s.type = column ? column->type : "";
    s.not_null = column != nullptr && column->not_null;
    return s;
  }
};

} // namespace

DataFix read_data_fix(Fields& fields) {
  return {.column = fields.optional_identifier("column"),
          .up = fields.optional_string("up"),
          .down = fields.optional_string("down")};
}

std::unique_ptr<Change> data_fix_change(const DataFix& fix,
                                        const std::string& kind,
                                        const Located<std::string>& table,
                                        ShadowRule rule,
                                        Fields& fields) {
  if (!fix.column || !fix.up || fix.up->value.find_first_not_of(" \t\n") == std::string::npos) {
    fields.fail(fields.mark(),
                kind + ": rewriting rows that break the constraint needs 'column' (the one column "
                       "it moves to a new column) and 'up' (that column's new value, over the row "
                       "as the old application sees it); 'down' is optional");
  }
  if (std::find(rule.columns.begin(), rule.columns.end(), fix.column->value) ==
      rule.columns.end()) {
    fields.fail(fix.column->mark, fmt::format("{}: 'column' must be one of the constraint's "
                                              "columns, got '{}'",
                                              kind, fix.column->value));
  }
  ShadowSpec spec;
  spec.kind = kind;
  spec.table = table;
  spec.column = *fix.column;
  spec.up = *fix.up;
  if (fix.down) {
    spec.down = *fix.down;
  }
  spec.rules = {std::move(rule)};
  return std::make_unique<DataFixChange>(std::move(spec));
}

ShadowSpec ShadowChange::resolved(const ChangeContext& ctx) const {
  const Table* table = ctx.before.table(ctx.schema, m_spec.table.value);
  return resolved(m_spec, table ? table->column(m_spec.column.value) : nullptr);
}

const Table& ShadowChange::table_of(const ChangeContext& ctx) const {
  return *ctx.before.table(ctx.schema, m_spec.table.value);
}

} // namespace orchestrate
