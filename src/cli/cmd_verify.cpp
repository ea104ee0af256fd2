#include "cli/fleet_command.hpp"
#include "cli/session.hpp"
#include "core/errors.hpp"
#include "run/runner.hpp"

namespace orchestrate {

namespace {
struct VerifyOptions {
  std::string name;
  FleetFlags fleet;
};

int run_verify(const VerifyOptions& o, const GlobalOptions& g) {
  if (!o.fleet.targets.empty()) {
    return run_fleet(g, o.fleet, {}, false,
                     [&](Fleet& f) { return f.verify(f.resolve_plan(o.name)); });
  }
  Session s(g, "verify", StateUse::read);
  const std::string name = s.resolve_plan(o.name);
  RunnerOptions ro;
  ro.url = s.url;
  ro.exec = g.exec();
  Runner runner(*s.store, s.reporter, ro);
  auto results = runner.verify(name);
  if (g.json) {
    std::printf("%s\n", gate_json(results).dump(2).c_str());
  }
  if (!all_passed(results)) {
    throw GateFailed("the gate of plan " + name + " does not pass");
  }
  return 0;
}
} // namespace

void setup_verify(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<VerifyOptions>();
  auto* sub = app.add_subcommand("verify", "Run the current phase's gate and print each check; "
                                           "changes nothing (exit 3 when it fails)");
  sub->add_option("NAME", o->name, "plan name (may be left out when one plan is active)");
  add_fleet_flags(*sub, o->fleet, false);
  sub->callback([&action, o, &g] { action = [o, &g] { return run_verify(*o, g); }; });
}

} // namespace orchestrate
