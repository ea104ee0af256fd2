#pragma once

#include <functional>
#include <string>

#include "cli/options.hpp"
#include "fleet/fleet.hpp"

namespace orchestrate {

// `--targets FILE` and `--on-error stop|continue`, on the commands a fleet runs.
struct FleetFlags {
  std::string targets{};
  std::string on_error = "stop";
};

void add_fleet_flags(CLI::App& sub, FleetFlags& flags, bool on_error = true);

// Runs one fleet operation on the targets of `flags.targets`, prints every target's outcome and
// a summary (an object with --json), and returns the exit code: 3 when a gate failed on some
// target, else the first failure's.
int run_fleet(const GlobalOptions& g,
              const FleetFlags& flags,
              const BackfillSettings& backfill,
              bool unthrottled,
              const std::function<FleetResult(Fleet&)>& op,
              const ObserverFlags& observers = {});

} // namespace orchestrate
