#include "cli/fleet_command.hpp"
#include "cli/session.hpp"

namespace orchestrate {

namespace {
struct PauseOptions {
  std::string name;
  FleetFlags fleet;
};

int run_pause(const PauseOptions& o, const GlobalOptions& g, bool paused) {
  if (!o.fleet.targets.empty()) {
    return run_fleet(g, o.fleet, {}, false,
                     [&](Fleet& f) { return f.set_paused(f.resolve_plan(o.name), paused); });
  }
  Session s(g, paused ? "pause" : "resume");
  const std::string name = s.resolve_plan(o.name);
  s.store->set_paused(name, paused);
  s.reporter.info(paused ? "paused " + name + "; a running backfill stops within a second (exit 75)"
                         : "resumed " + name + "; `orchestrate backfill` continues the copy");
  return 0;
}

void add(CLI::App& app, const GlobalOptions& g, Action& action, bool paused) {
  auto o = std::make_shared<PauseOptions>();
  auto* sub = app.add_subcommand(paused ? "pause" : "resume",
                                 paused ? "Ask a running backfill (on any host) to stop"
                                        : "Allow the backfill to run again");
  sub->add_option("NAME", o->name, "plan name (may be left out when one plan is active)");
  add_fleet_flags(*sub, o->fleet, false);
  sub->callback([&action, o, &g, paused] {
    action = [o, &g, paused] { return run_pause(*o, g, paused); };
  });
}
} // namespace

void setup_pause(CLI::App& app, const GlobalOptions& g, Action& action) {
  add(app, g, action, true);
  add(app, g, action, false);
}

} // namespace orchestrate
