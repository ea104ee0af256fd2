#include "run/observers.hpp"
#include "cli/reconnecting.hpp"
#include "cli/fleet_command.hpp"
#include "cli/session.hpp"
#include "run/runner.hpp"
#include "state/lock.hpp"

namespace orchestrate {

namespace {
struct RollbackOptions {
  std::string name;
  ObserverFlags observers;
  FleetFlags fleet;
};

int run_rollback(const RollbackOptions& o, const GlobalOptions& g) {
  if (!o.fleet.targets.empty()) {
    return run_fleet(g, o.fleet, {}, false,
                     [&](Fleet& f) { return f.rollback(f.resolve_plan(o.name)); }, o.observers);
  }
  Session s(g, "rollback");
  const std::string name = s.resolve_plan(o.name);
  PlanLock lock(*s.conn, g.state_schema, name);
  RunnerOptions ro;
  ro.url = s.url;
  ro.exec = g.exec();
  const PlanRecord record = *s.store->find(name);
  Observers observers(o.observers, record, s.reporter, *s.store);
  Runner runner(*s.store, observers.reporter(), ro);
  // Rollback is a move of its own: before-phase may veto it, after-phase reports it.
  observers.rollback([&] { run_reconnecting(s, lock, record, rollback_move(runner, name)); });
  return 0;
}
} // namespace

void setup_rollback(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<RollbackOptions>();
  auto* sub = app.add_subcommand(
      "rollback", "Undo every phase applied so far and leave the schema as it was (before "
                  "contract only)");
  sub->add_option("NAME", o->name, "plan name (may be left out when one plan is active)");
  add_hook_flag(*sub, o->observers);
  add_fleet_flags(*sub, o->fleet);
  sub->callback([&action, o, &g] { action = [o, &g] { return run_rollback(*o, g); }; });
}

} // namespace orchestrate
