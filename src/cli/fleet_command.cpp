#include "cli/fleet_command.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "cli/console.hpp"
#include "cli/session.hpp"
#include "core/errors.hpp"
#include "fleet/targets.hpp"

namespace orchestrate {

namespace {
nlohmann::json result_json(const FleetResult& r) {
  auto targets = nlohmann::json::array();
  for (const auto& t : r.targets) {
    targets.push_back({{"target", t.target},
                       {"wave", t.wave},
                       {"exit_code", t.exit_code},
                       {"state", t.state},
                       {"error", t.message.empty() ? nlohmann::json() : nlohmann::json(t.message)},
                       {"failed_checks", t.failed_checks}});
  }
  return {{"targets", targets},
          {"stopped", r.stopped.empty() ? nlohmann::json() : nlohmann::json(r.stopped)},
          {"exit_code", r.exit_code()}};
}
} // namespace

void add_fleet_flags(CLI::App& sub, FleetFlags& flags, bool on_error) {
  sub.add_option("--targets", flags.targets,
                 "a targets file: run on every database it names, wave by wave (see the README's "
                 "Fleets)");
  if (on_error) {
    sub.add_option("--on-error", flags.on_error,
                   "stop: no target starts after one failed (the default); continue: finish the "
                   "wave and report every failure (the next wave still does not start)")
        ->check(CLI::IsMember({"stop", "continue"}))
        ->capture_default_str();
  }
}

int run_fleet(const GlobalOptions& g,
              const FleetFlags& flags,
              const BackfillSettings& backfill,
              bool unthrottled,
              const std::function<FleetResult(Fleet&)>& op,
              const ObserverFlags& observers) {
  ConsoleReporter console(g.json);
  FleetSettings settings{.state_schema = g.state_schema,
                         .exec = g.exec(),
                         .backfill = backfill,
                         .unthrottled = unthrottled,
                         .continue_on_error = flags.on_error == "continue",
                         .stop = install_stop_handlers(),
                         .observers = observers};
  Fleet fleet(parse_targets_file(flags.targets), settings, console);
  const FleetResult result = op(fleet);
  const int code = result.exit_code();
  if (g.json) {
    std::printf("%s\n", result_json(result).dump().c_str());
  } else {
    for (const auto& t : result.targets) {
      std::printf("%s\n", (t.exit_code == 0
                               ? fmt::format("target {} ({}): {}", t.target, t.wave, t.state)
                               : fmt::format("target {} ({}): FAILED (exit {}) in {}: {}",
                                             t.target, t.wave, t.exit_code, t.state, t.message))
                              .c_str());
      for (const auto& c : t.failed_checks) {
        std::printf("  failing check on %s: %s\n", t.target.c_str(), c.c_str());
      }
    }
    int failed = 0;
    for (const auto& t : result.targets) {
      failed += t.exit_code == 0 ? 0 : 1;
    }
    std::printf("%s\n", fmt::format("fleet: {} target(s), {} failed{}", result.targets.size(),
                                    failed, result.stopped.empty() ? "" : "; " + result.stopped)
                            .c_str());
  }
  std::fflush(stdout);
  if (code != 0) {
    for (const auto& t : result.targets) {
      if (t.exit_code == code) {
        std::string checks;
        for (const auto& c : t.failed_checks) {
          checks += (checks.empty() ? " (failing: " : ", ") + c;
        }
        throw Error(code, fmt::format("target {}: {}{}{}", t.target, t.message, checks,
                                      checks.empty() ? "" : ")"));
      }
    }
  }
  return code;
}

} // namespace orchestrate
