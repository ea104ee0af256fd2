// set_not_null: the column keeps its name and ends NOT NULL, its NULLs replaced by `fill` (or
// every value by `up`, with `down` for the way back).
//
// The filled values live in a temporary column shown to the new application through the
// version schema, not in the column itself: the old application may still write NULL until
// contract, and it keeps reading back exactly what it wrote (a NULL stays NULL for it), while
// the new application sees `fill` and may rely on NOT NULL from transition on. The simpler
// in-place route (a NOT VALID check, filling NULL rows, VALIDATE, SET NOT NULL) would need a
// trigger that rewrites the old application's NULLs under its feet, changing what its own
// queries (`WHERE col IS NULL`, RETURNING) see before it was ever deployed to expect that.
#include <fmt/format.h>

#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class SetNotNull final : public ShadowChange {
public:
  SetNotNull(ShadowSpec spec, std::optional<Located<std::string>> fill)
      : ShadowChange(std::move(spec)), m_fill(std::move(fill)) {}

  // A `fill` is what the plan wrote, where `up` is derived from it.
  ChangeFacts facts() const override {
    ChangeFacts f = ShadowChange::facts();
    for (auto& e : f.expressions) {
      if (m_fill && e.role == "up") {
        e = {.role = "fill", .sql = *m_fill};
      }
    }
    return f;
  }

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

  std::optional<Located<std::string>> m_fill;
};

} // namespace

std::unique_ptr<Change> parse_set_not_null(Fields& fields) {
  fields.expect({"table", "column", "fill", "up", "down"});
  ShadowSpec spec;
  spec.kind = "set_not_null";
  spec.table = fields.required_identifier("table");
  spec.column = fields.required_identifier("column");
  auto fill = fields.optional_string("fill");
  auto up = fields.optional_string("up");
  auto down = fields.optional_string("down");
  fields.finish();
  if (fill && up) {
    fields.fail(up->mark, "set_not_null: give 'fill' (the value of NULLs) or 'up' (the new "
                          "value of every row), not both");
  }
  if (!fill && !up) {
    fields.fail(fields.mark(), "set_not_null: missing required field 'fill' (or 'up')");
  }
  const Located<std::string>& given = fill ? *fill : *up;
  if (given.value.empty()) {
    fields.fail(given.mark, fmt::format("set_not_null: '{}' must be an SQL expression",
                                        fill ? "fill" : "up"));
  }
  // `up` rewrites every row the old application writes (a value it accepts that the new rule
  // refuses, not only NULL); `down` gives the old column the new application's values back.
  spec.up = fill ? Located<std::string>{fmt::format("COALESCE({}, ({}))",
                                                    quote_ident(spec.column.value), fill->value),
                                        fill->mark}
                 : *up;
  if (down) {
    spec.down = *down;
  }
  spec.not_null = true;
  return std::make_unique<SetNotNull>(std::move(spec), std::move(fill));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json set_not_null_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"column", ident("column")},
       {"fill", expr("SQL expression for rows where the column is NULL (or give up)")},
       {"up", expr("instead of fill: old row -> the new value of every row, never NULL")},
       {"down", expr("new row -> the old column's value (default: the column itself)")}},
      {"table", "column"});
}
} // namespace

ChangeKind change_kind_set_not_null() {
  return {.name = "set_not_null",
          .doc = "Makes an existing column NOT NULL; fill gives existing NULLs a value. Or up, "
                 "the new value of every row (not only NULLs), and down, the way back for the old "
                 "application (default: the value as it is); both through a shadow column as "
                 "change_type.",
          .example = text_block(R"yaml(
- set_not_null: {table: users, column: email, fill: "'unknown@example.com'"}
# Or up, the new value of every row, and down, the way back.
- set_not_null: {table: users, column: login, up: "COALESCE(lower(login), 'none')",
                 down: "login"}
)yaml"),
          .parse = &parse_set_not_null,
          .fields = &set_not_null_fields};
}

} // namespace orchestrate
