#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "cli/session.hpp"
#include "run/runner.hpp"
#include "state/lock.hpp"

namespace orchestrate {

// How long a command keeps trying to reconnect after losing its database session.
inline constexpr std::chrono::seconds k_reconnect_for{60};

// What a command does with a plan: its first run, and how to go on from the plan's record after
// the connection was lost part-way (return false when there is nothing left to do).
struct PlanMove {
  std::function<void()> run;
  std::function<bool(const PlanRecord& before, const PlanRecord& now)> resume;
};

// Runs `move.run` on the plan of `before` (its record as the command found it) and, when the database session is lost part-way (a terminated backend, a
// server restart), reconnects for up to k_reconnect_for, takes the plan's lock again (LockHeld,
// exit 4, if another session took it meanwhile) and calls `move.resume`, the way running the
// same command again would. Gives up (exit 1, saying how to resume) after repeated losses.
void run_reconnecting(Session& s, PlanLock& lock, const PlanRecord& before, const PlanMove& move);

// `next` after a loss: resumes an interrupted phase or backfill, or moves on if nothing moved.
PlanMove next_move(Runner& runner, const std::string& plan);
// `backfill` after a loss: resumes from the recorded cursors.
PlanMove backfill_move(Runner& runner, const std::string& plan);
// `rollback` after a loss: runs the (idempotent) rollback again unless it finished.
PlanMove rollback_move(Runner& runner, const std::string& plan);

} // namespace orchestrate
