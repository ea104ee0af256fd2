// change_type: the column keeps its name and gets a new type. The new values live in a
// temporary column until contract (see shadow_column.hpp); `up` says how the old application's
// value becomes the new one, `down` how a value the new application writes goes back.
#include <fmt/format.h>

#include "changes/kinds.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

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
    return shadow_work(resolved(ctx), phase, ctx);
  }

  std::vector<Step> rollback(Phase reached, const ChangeContext& ctx) const override {
    (void)reached;
    return shadow_rollback(resolved(ctx), ctx);
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    shadow_apply(resolved(ctx), catalog, ctx);
  }

  std::vector<VersionedColumn> version_columns(const ChangeContext& ctx) const override {
    return {shadow_versioned(resolved(ctx))};
  }

private:
  // Without `up`/`down`, a plain cast each way; NOT NULL carries over.
  ShadowSpec resolved(const ChangeContext& ctx) const {
    ShadowSpec s = m_spec;
    const Table* table = ctx.before.table(ctx.schema, s.table.value);
    const Column* column = table ? table->column(s.column.value) : nullptr;
    if (s.up.empty()) {
      s.up = fmt::format("CAST({} AS {})", quote_ident(s.column.value), s.type);
    }
    if (s.down.empty() && column != nullptr) {
      s.down = fmt::format("CAST({} AS {})", quote_ident(s.column.value), column->type);
    }
    s.not_null = column != nullptr && column->not_null;
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
  spec.up = up ? up->value : "";
  spec.down = down ? down->value : "";
  return std::make_unique<ChangeType>(std::move(spec), std::move(type));
}

} // namespace orchestrate
