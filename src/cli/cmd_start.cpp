#include "cli/preflight_report.hpp"
#include "cli/fleet_command.hpp"
#include "cli/session.hpp"
#include "run/registration.hpp"
#include "state/lock.hpp"

namespace orchestrate {

namespace {
struct StartOptions {
  std::string plan;
  FleetFlags fleet;
};

int run_start(const StartOptions& o, const GlobalOptions& g) {
  if (!o.fleet.targets.empty()) {
    const Plan plan = load_plan(o.plan);
    return run_fleet(g, o.fleet, {}, false, [&](Fleet& f) { return f.start(plan, o.plan); });
  }
  Plan plan = load_plan(o.plan);
  // Privileges first: a role that may not create the state schema learns what to grant before
  // anything is created.
  Session s(g, "start", StateUse::none);
  run_preflight(s, plan, false, g.verbose);
  s.store->ensure_schema();
  PlanLock lock(*s.conn, g.state_schema, plan.name.value);
  refuse_overlapping_plans(*s.store, plan);
  switch (register_plan(*s.conn, *s.store, s.catalog(), plan, o.plan, s.reporter)) {
  case Registration::registered:
    s.reporter.info("registered plan " + plan.name.value + " (" +
                    std::to_string(plan.changes.size()) + " changes, checksum " + plan.checksum +
                    "); `orchestrate next` runs expand");
    break;
  case Registration::already_registered:
    s.reporter.info("plan " + plan.name.value + " is already registered");
    break;
  case Registration::already_done:
    s.reporter.info("plan " + plan.name.value + " is already done");
    break;
  }
  return 0;
}
} // namespace

void setup_start(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<StartOptions>();
  auto* sub = app.add_subcommand("start", "Register a plan (state planned)");
  sub->add_option("PLAN", o->plan, "plan file")->required();
  add_fleet_flags(*sub, o->fleet);
  sub->callback([&action, o, &g] { action = [o, &g] { return run_start(*o, g); }; });
}

} // namespace orchestrate
