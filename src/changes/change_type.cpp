// change_type: the column keeps its name and gets a new type. The new values live in a
// temporary column until contract (see shadow_column.hpp); `up` says how the old application's
// value becomes the new one, `down` how a value the new application writes goes back.
#include <fmt/format.h>

#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
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

class ChangeType final : public ShadowChange {
public:
  ChangeType(ShadowSpec spec, Located<std::string> type)
      : ShadowChange(std::move(spec)), m_type(std::move(type)) {}

private:
  void validate_kind(const ShadowSpec& spec,
                     const Column& column,
                     const ChangeContext& ctx) const override {
    if (column.type == m_type.value) {
      throw PlanError(ctx.file, m_type.mark.line, m_type.mark.column,
                      fmt::format("change_type: {}.{} already is of type {}", spec.table.value,
                                  spec.column.value, m_type.value));
    }
  }

  // Without `up`/`down`, the column itself each way, assigned as ALTER COLUMN TYPE would; NOT
  // NULL carries over.
  ShadowSpec resolved(const ShadowSpec& spec, const Column* column) const override {
    ShadowSpec s = spec;
    s.not_null = column != nullptr && column->not_null;
    s.up_cannot_fail = s.up.value.empty() && column != nullptr && widens(column->type, s.type);
    return s;
  }

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

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json change_type_fields() {
  using namespace json_fields;
  return object({{"table", ident("table")},
                             {"column", ident("column")},
                             {"type", str("the new SQL type")},
                             {"up", expr("old row -> new value, e.g. balance::bigint")},
                             {"down", expr("new row -> old value, e.g. balance::integer")}},
                            {"table", "column", "type"});
}
} // namespace

ChangeKind change_kind_change_type() {
  return {.name = "change_type",
          .doc = "Changes a column's type: a new column filled by the backfill and swapped in at "
                 "contract. up gives the new value from the old row, down the old value from the "
                 "new row, which the old application reads of the new one's writes (default for "
                 "both: the column itself, converted as ALTER COLUMN TYPE would).",
          .example = text_block(R"yaml(
- change_type: {table: accounts, column: balance, type: bigint,
                up: balance::bigint, down: balance::integer}
)yaml"),
          .parse = &parse_change_type,
          .fields = &change_type_fields};
}

} // namespace orchestrate
