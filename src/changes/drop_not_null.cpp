// drop_not_null: the column keeps its name and may hold NULL after contract.
//
// The new application may write NULL from transition on, while the old application, running
// until contract, was written for a column that never holds one. So the nullable column is a
// temporary column shown to the new application through the version schema, and the column
// itself stays NOT NULL: where the new application writes NULL, the old application reads
// `down`, an expression over the row as the new application sees it. Values that are not NULL
// are the same on both sides. Contract drops the old column and gives the temporary one its
// name, indexes, constraints and comment.
//
// `down` is required: without it, a NULL the new application writes could only be refused
// (the old column's NOT NULL) or shown to the old application, which breaks one of the two.
#include <fmt/format.h>

#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class DropNotNull final : public ShadowChange {
public:
  using ShadowChange::ShadowChange;

private:
  void validate_kind(const ShadowSpec& spec,
                     const Column& column,
                     const ChangeContext& ctx) const override {
    if (!column.not_null) {
      throw PlanError(ctx.file, spec.column.mark.line, spec.column.mark.column,
                      fmt::format("drop_not_null: {}.{} is nullable already", spec.table.value,
                                  spec.column.value));
    }
  }

  // The type, collation and default are the column's own; the old application's values are
  // copied unchanged.
  ShadowSpec resolved(const ShadowSpec& spec, const Column* column) const override {
    ShadowSpec s = spec;
    s.type = column ? column->type : "";
    return s;
  }
};

} // namespace

std::unique_ptr<Change> parse_drop_not_null(Fields& fields) {
  fields.expect({"table", "column", "down"});
  ShadowSpec spec;
  spec.kind = "drop_not_null";
  spec.table = fields.required_identifier("table");
  spec.column = fields.required_identifier("column");
  auto down = fields.optional_string("down");
  fields.finish();
  if (!down || down->value.empty()) {
    fields.fail(down ? down->mark : fields.mark(),
                fmt::format("drop_not_null: 'down' is required: the old application reads "
                            "{}.{} as NOT NULL until contract, so give the SQL expression it "
                            "reads where the new application writes NULL (over the row as the "
                            "new application sees it), e.g. down: \"'unknown'\"",
                            spec.table.value, spec.column.value));
  }
  spec.down = {fmt::format("COALESCE({}, ({}))", quote_ident(spec.column.value), down->value),
               down->mark};
  return std::make_unique<DropNotNull>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json drop_not_null_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"column", ident("a NOT NULL column that may hold NULL after contract")},
       {"down", expr("SQL expression over the new row: what the old application reads where the "
                     "new one writes NULL")}},
      {"table", "column", "down"});
}
} // namespace

ChangeKind change_kind_drop_not_null() {
  return {.name = "drop_not_null",
          .doc = "Takes NOT NULL off a column: the new application may write NULL from transition "
                 "on. down (required): what the old application, which runs until contract and "
                 "never expects a NULL, reads where the new one wrote NULL (over the row as the "
                 "new application sees it; other values are the same on both sides). A down that "
                 "is NULL too makes that write fail, as NOT NULL would.",
          .example = text_block(R"yaml(
- drop_not_null: {table: users, column: name, down: "'(unknown)'"}
)yaml"),
          .parse = &parse_drop_not_null,
          .fields = &drop_not_null_fields};
}

} // namespace orchestrate
