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

#include "changes/kinds.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class SetNotNull final : public ShadowChange {
public:
  using ShadowChange::ShadowChange;

private:
  void validate_kind(const ShadowSpec& spec,
                     const Column& column,
                     const ChangeContext& ctx) const override {
    if (column.not_null) {
      throw PlanError(ctx.file, spec.column.mark.line, spec.column.mark.column,
                      fmt::format("set_not_null: {}.{} is NOT NULL already", spec.table.value,
                                  spec.column.value));
    }
  }

  // The type is the column's own; the new application's values go back unchanged.
  ShadowSpec resolved(const ShadowSpec& spec, const Column* column) const override {
    ShadowSpec s = spec;
    s.type = column ? column->type : "";
    return s;
  }
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
