#pragma once

#include <string>
#include <vector>

#include "state/store.hpp"

namespace orchestrate {

// What the backfill of a plan is doing, as far as another process can tell from the state
// schema and the plan's advisory lock: `status` uses it to tell running from stopped.
struct BackfillRun {
  // not_started, running, paused, stopped (by `stop_reason`), died, done
  std::string state{};
  std::string stop_reason{};          // window, signal, error, paused: why a stopped one stopped
  std::string throttled_by{};         // as the backfill last reported it
  std::string running_on{};           // host of the process that last reported
  std::string heartbeat{};            // ISO 8601 with the zone offset; empty before the first
  double seconds_since_heartbeat = -1;
  int lock_holder_pid = 0;          // backend holding the plan's lock, 0 when none
  std::vector<std::string> blind{};   // what the backfill cannot see (see StateStore::set_blind)
};

// A backfill that reported nothing for this long while its plan is locked is taken for dead.
inline constexpr double k_heartbeat_stale_seconds = 15;

BackfillRun read_backfill_run(StateStore& store, const std::string& plan);

} // namespace orchestrate
