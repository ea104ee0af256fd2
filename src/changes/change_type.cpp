// change_type: the column keeps its name and gets a new type. The new values live in a
// temporary column until contract (see shadow_column.hpp); `up` says how the old application's
// value becomes the new one, `down` how a value the new application writes goes back.
#include <fmt/format.h>

#include "changes/expression_checks.hpp"
#include "changes/kinds.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"

namespace orchestrate {

namespace {

// A conversion no existing value can fail: validate need not scan the table for it.
bool widens(const std::string& from, const std::string& to) {
  if (to == "text" || to == "character varying") {
    return true;
  }
  const bool integer = from == "smallint" || from == "integer";
  return (integer && (to == "bigint" || to == "numeric" || to == "double precision")) ||
         (from == "smallint" && to == "integer") || (from == "real" && to == "double precision");
}

class ChangeType final : public Change, public Versioned {
public:
  ChangeType(ShadowSpec spec, Located<std::string> type) : m_spec(std::move(spec)), m_type(type) {}

  std::string_view kind() const override { return "change_type"; }
  std::vector<Touch> touches() const override { return shadow_touches(m_spec); }

  void validate(const ChangeContext& ctx) const override {
    validate_shadow(resolved(ctx), ctx);
    const Column& column =
        *ctx.before.table(ctx.schema, m_spec.table.value)->column(m_spec.column.value);
    if (column.type == m_type.value) {
      throw PlanError(ctx.file, m_type.mark.line, m_type.mark.column,
                      fmt::format("change_type: {}.{} already is of type {}", m_spec.table.value,
                                  m_spec.column.value, m_type.value));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    return transition_work(shadow_transition(resolved(ctx), ctx), phase, table_of(ctx));
  }

  std::vector<Step> rollback(Phase, const ChangeContext& ctx) const override {
    return transition_rollback(shadow_transition(resolved(ctx), ctx), table_of(ctx));
  }

  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    return transition_live_checks(shadow_transition(resolved(ctx), ctx), table_of(ctx),
                                  live_table(ctx, m_spec.table.value));
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    shadow_apply(resolved(ctx), catalog, ctx);
  }

  std::vector<VersionedColumn> version_columns(const ChangeContext& ctx) const override {
    return {shadow_versioned(resolved(ctx))};
  }

private:
  const Table& table_of(const ChangeContext& ctx) const {
    return *ctx.before.table(ctx.schema, m_spec.table.value);
  }

  // Without `up`/`down`, the column itself each way, assigned as ALTER COLUMN TYPE would; NOT
  // NULL carries over.
  ShadowSpec resolved(const ChangeContext& ctx) const {
    ShadowSpec s = m_spec;
    const Table* table = ctx.before.table(ctx.schema, s.table.value);
    const Column* column = table ? table->column(s.column.value) : nullptr;
    s.not_null = column != nullptr && column->not_null;
    s.up_cannot_fail = s.up.value.empty() && column != nullptr && widens(column->type, s.type);
    return s;
  }

  ShadowSpec m_spec;
  Located<std::string> m_type;
};

} // namespace

std::unique_ptr<Change> parse_change_type(Fields& fields) {
  fields.expect({"table", "column", "type", "up", "down"});
  ShadowSpec spec;
  spec.kind = "change_type";
  spec.table = fields.required_identifier("table");
  spec.column = fields.required_identifier("column");
  auto type = fields.required_string("type");
  auto up = fields.optional_string("up");
  auto down = fields.optional_string("down");
  fields.finish();
  if (type.value.find(';') != std::string::npos || type.value.empty()) {
    fields.fail(type.mark, "change_type: 'type' must be a type name such as bigint or "
                           "varchar(64)");
  }
  spec.type = type.value;
  if (up) {
    spec.up = *up;
  }
  if (down) {
    spec.down = *down;
  }
  return std::make_unique<ChangeType>(std::move(spec), std::move(type));
}

} // namespace orchestrate
