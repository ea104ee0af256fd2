#pragma once

#include <vector>

#include "changes/change.hpp"
#include "core/catalog.hpp"
#include "core/work.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// Checks every change against the live schema, each seeing the schema as the plan's earlier
// changes leave it. Throws PlanError at the offending field; changes nothing.
void validate_plan(const Plan& plan, const Catalog& live);

// What every change asks `validate` to check against the live database (see LiveCheck), each
// change seeing the schema as the plan's earlier changes leave it.
std::vector<LiveCheck> plan_live_checks(const Plan& plan, const Catalog& live);

struct RenderOptions {
  // Old and new version schemas for every table the plan touches (changes/version_schema.hpp).
  // Off, only the changes that keep new data in a temporary column get the new schema.
  bool stable_shapes = true;
};

// Validates, then concatenates the changes' work phase by phase (and their rollbacks in reverse
// order), adding the plan's own gates. The result is what `plan` prints and `next` runs.
PlanWork render_plan(const Plan& plan, const Catalog& live, RenderOptions options = {});

} // namespace orchestrate
