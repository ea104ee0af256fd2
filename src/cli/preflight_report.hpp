#pragma once

#include "cli/session.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// Checks every privilege `plan` needs against the session's role and prints one line per
// privilege (a JSON array on stdout with --json): held, missing (with the statement that
// grants it), or not held but optional (what orchestrate cannot see without it). Throws
// InputError (exit 2) naming what is missing. `verbose` false prints only what is not held.
void run_preflight(Session& s, const Plan& plan, bool replica_lag_flag, bool verbose);

} // namespace orchestrate
