#pragma once

#include "backfill/options.hpp"
#include "cli/options.hpp"
#include "state/store.hpp"

namespace orchestrate {

// The plan's own backfill defaults, overridden by whatever flags were given.
BackfillOptions resolve_backfill_options(const PlanRecord& record, const BackfillFlags& flags);

} // namespace orchestrate
