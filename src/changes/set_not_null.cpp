// set_not_null: the column keeps its name and ends NOT NULL, its NULLs replaced by `fill`.
//
// The filled values live in a temporary column shown to the new application through the
// version schema, not in the column itself: the old application may still write NULL until
// contract, and it keeps reading back exactly what it wrote (a NULL stays NULL for it), while
// the new application sees `fill` and may rely on NOT NULL from transition on. The simpler
// in-place route (a NOT VALID check, filling NULL rows, VALIDATE, SET NOT NULL) would need a
// trigger that rewrites the old application's NULLs under its feet, changing what its own
// queries (`WHERE col IS NULL`, RETURNING) see before it was ever deployed to expect that.
#include <fmt/format.h>

#include "changes/expression_checks.hpp"
#include "changes/kinds.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class SetNotNull final : public Change, public Versioned {
public:
  explicit SetNotNull(ShadowSpec spec) : m_spec(std::move(spec)) {}

  std::string_view kind() const override { return "set_not_null"; }
  std::vector<Touch> touches() const override { return shadow_touches(m_spec); }

  void validate(const ChangeContext& ctx) const override {
    validate_shadow(resolved(ctx), ctx);
    const Column& column =
        *ctx.before.table(ctx.schema, m_spec.table.value)->column(m_spec.column.value);
    if (column.not_null) {
      throw PlanError(ctx.file, m_spec.column.mark.line, m_spec.column.mark.column,
                      fmt::format("set_not_null: {}.{} is NOT NULL already", m_spec.table.value,
                                  m_spec.column.value));
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

  // The type is the column's own; the new application's values go back unchanged.
  ShadowSpec resolved(const ChangeContext& ctx) const {
    ShadowSpec s = m_spec;
    const Table* table = ctx.before.table(ctx.schema, s.table.value);
    const Column* column = table ? table->column(s.column.value) : nullptr;
    s.type = column ? column->type : "";
    return s;
  }

  ShadowSpec m_spec;
};

} // namespace

std::unique_ptr<Change> parse_set_not_null(Fields& fields) {
  fields.expect({"table", "column", "fill"});
  ShadowSpec spec;
  spec.kind = "set_not_null";
  spec.table = fields.required_identifier("table");
  spec.column = fields.required_identifier("column");
  auto fill = fields.required_string("fill");
  fields.finish();
  if (fill.value.empty()) {
    fields.fail(fill.mark, "set_not_null: 'fill' must be an SQL expression");
  }
  spec.up = {fmt::format("COALESCE({}, ({}))", quote_ident(spec.column.value), fill.value),
             fill.mark};
  spec.not_null = true;
  return std::make_unique<SetNotNull>(std::move(spec));
}

} // namespace orchestrate
