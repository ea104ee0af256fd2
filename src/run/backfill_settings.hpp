#pragma once

#include "backfill/options.hpp"
#include "plan/model.hpp"
#include "state/store.hpp"

namespace orchestrate {

// The plan's own backfill defaults (`backfill:` of the registered plan), overridden by whatever
// the command line gave (`flags`: the same settings, as flags).
BackfillOptions resolve_backfill_options(const PlanRecord& record, const BackfillSettings& flags);

// `over`'s settings where it gives them, `under`'s otherwise (a fleet target's `backfill:`
// under the command line's flags).
BackfillSettings overlay_backfill_settings(const BackfillSettings& under,
                                           const BackfillSettings& over);

} // namespace orchestrate
