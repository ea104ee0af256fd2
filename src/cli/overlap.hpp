#pragma once

#include <string>

#include "plan/model.hpp"
#include "state/store.hpp"

namespace orchestrate {

// Two active plans on one table would interleave their triggers, backfills and contracts, so
// a plan touching a table that another active plan touches is refused: throws InputError
// (exit 2) naming the other plan and the table. A plan of the same name is not a conflict.
// So is a plan whose version schemas would share a name with another active plan's (or with the
// state schema): the two would create, fill and drop one schema.
void refuse_overlapping_plans(StateStore& store, const Plan& plan);

} // namespace orchestrate
