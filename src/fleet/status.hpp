#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "fleet/fleet.hpp"

namespace orchestrate {

// One target's line of `status --targets`: where the plan is, its last gate, its copy.
struct TargetStatus {
  std::string target{};
  std::string wave{};
  std::string error{};       // why the target could not be read ("" when it could)
  std::string phase{};       // the plan's state ("not registered" when it is not there)
  std::string applying{};    // a phase an interrupted run left half-applied
  std::string gate_phase{};
  std::string gate{};        // "passed", "failed", "stale" (taken before the plan moved) or ""
  std::vector<std::string> failed_checks{};
  std::string backfill{};    // the copy's state: not_started, running, paused, stopped, died, done
  long long rows_done = 0;
  long long rows_estimated = 0;
  double rows_per_second = 0;
  std::string throttled_by{};
  std::string throttle_detail{};
  bool paused = false;
};

// Reads every target's status of `plan` (an unreachable target is a status with its error).
std::vector<TargetStatus> fleet_status(Fleet& fleet, const std::string& plan);

nlohmann::json target_status_json(const TargetStatus& s);

} // namespace orchestrate
