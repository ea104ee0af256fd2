#pragma once

#include <string>
#include <vector>

#include "changes/change.hpp"
#include "changes/version_schema.hpp"
#include "core/work.hpp"

namespace orchestrate {

// A column replaced in place by a temporary physical column `_orc_new_<column>` that holds what
// the column will hold afterwards (change_type, set_not_null). The old application keeps the
// old column; the new one sees the temporary column under the column's name through the version
// schema. A trigger keeps both in step, the backfill fills existing rows, the column's indexes
// and constraints are rebuilt on the temporary column, and contract drops the old column and
// renames the temporary one (and its indexes and constraints) to the old names in one
// transaction.
struct ShadowSpec {
  std::string kind;       // for step ids: "<kind>.<table>.<column>"
  Located<std::string> table;
  Located<std::string> column;
  std::string type;       // the type the column ends with
  std::string up;         // over the row as the old application sees it
  std::string down;       // over the row as the new application sees it; empty: copy as is
  bool not_null = false;  // the column ends NOT NULL
};

// Refuses key, referenced, identity and generated columns, and tables without a row key.
void validate_shadow(const ShadowSpec& spec, const ChangeContext& ctx);
PhaseWork shadow_work(const ShadowSpec& spec, Phase phase, const ChangeContext& ctx);
std::vector<Step> shadow_rollback(const ShadowSpec& spec, const ChangeContext& ctx);
std::vector<Touch> shadow_touches(const ShadowSpec& spec);
VersionedColumn shadow_versioned(const ShadowSpec& spec);
void shadow_apply(const ShadowSpec& spec, Catalog& catalog, const ChangeContext& ctx);

// `_orc_new_<column>`, shortened to 63 bytes when needed.
std::string shadow_column_name(const std::string& column);

} // namespace orchestrate
