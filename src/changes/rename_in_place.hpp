#pragma once

#include <string>

#include "changes/change.hpp"
#include "core/work.hpp"

namespace orchestrate {

// rename_column with `copy: false`: no new column, no trigger, no backfill. While the plan
// runs, the new application's version schema shows the column under its new name (a view
// column `"from" AS "to"`, see version_schema.hpp) and the old application's shows it as it
// is; contract renames it in place, a catalog change under a lock held for a moment, which
// rewrites no row. Views select columns by number, so the new schema's view goes on showing
// the renamed column until contract drops it. Indexes and constraints follow the column and
// keep their names.
struct RenameInPlace {
  std::string id{}; // step ids are "<id>.<step>"
  std::string schema{};
  std::string table{};
  std::string from{};
  std::string to{};
};

// Contract's rename and its gate; every other phase is empty. Safe to run twice.
PhaseWork rename_in_place_work(const RenameInPlace& r, Phase phase);

// Refuses, at `validate` and `start`, a role that may not CREATE on the database: without the
// version schemas the new application would have no name to reach the column by until contract.
LiveCheck version_schemas_required(Mark mark, const std::string& what);

} // namespace orchestrate
