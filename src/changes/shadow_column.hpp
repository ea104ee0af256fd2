#pragma once

#include <string>
#include <vector>

#include "changes/change.hpp"
#include "changes/column_transition.hpp"
#include "changes/version_schema.hpp"

namespace orchestrate {

// A column replaced in place by a temporary physical column `_orc_new_<column>` that holds what
// the column will hold afterwards (change_type, set_not_null). The old application keeps the
// old column; the new one sees the temporary column under the column's name through the version
// schema. The column's indexes and constraints get twins on the temporary column, and contract
// drops the old column and renames the temporary one (and the twins) to the old names in one
// transaction, so the column then stands last in the table, as the version schema shows it
// from the start.
struct ShadowSpec {
  std::string kind;      // for step ids: "<kind>.<table>.<column>"
  Located<std::string> table;
  Located<std::string> column;
  std::string type;      // the type the column ends with
  // Over the row as the old application sees it; empty: the column itself, assigned to the new
  // type as ALTER COLUMN TYPE would (an error, never truncation, when a value does not fit).
  Located<std::string> up;
  // Over the row as the new application sees it; empty: the column itself, likewise.
  Located<std::string> down;
  bool not_null = false; // the column ends NOT NULL
  bool up_cannot_fail = false;
};

// Refuses key, referenced, identity and generated columns, tables that views depend on, and
// tables without a row key.
void validate_shadow(const ShadowSpec& spec, const ChangeContext& ctx);
ColumnTransition shadow_transition(const ShadowSpec& spec, const ChangeContext& ctx);
std::vector<Touch> shadow_touches(const ShadowSpec& spec);
VersionedColumn shadow_versioned(const ShadowSpec& spec);
// The column takes its new type and moves to the end of the table.
void shadow_apply(const ShadowSpec& spec, Catalog& catalog, const ChangeContext& ctx);

// `_orc_new_<column>`, shortened to 63 bytes when needed.
std::string shadow_column_name(const std::string& column);

} // namespace orchestrate
