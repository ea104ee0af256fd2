#include "run/backfill_settings.hpp"
#include "cli/json_lines.hpp"
#include "run/observers.hpp"
#include "cli/reconnecting.hpp"
#include "cli/fleet_command.hpp"
#include "cli/session.hpp"
#include "run/runner.hpp"
#include "state/lock.hpp"

namespace orchestrate {

namespace {
struct BackfillCommandOptions {
  std::string name;
  BackfillFlags backfill;
  ObserverFlags observers;
  FleetFlags fleet;
};

int run_backfill_command(const BackfillCommandOptions& o, const GlobalOptions& g) {
  if (!o.fleet.targets.empty()) {
    return run_fleet(g, o.fleet, o.backfill, false,
                     [&](Fleet& f) { return f.backfill(f.resolve_plan(o.name)); }, o.observers);
  }
  if (g.json) {
    json_outcome_for(""); // an outcome line even when the command fails before naming its plan
  }
  Session s(g, "backfill");
  const std::string name = s.resolve_plan(o.name);
  s.json_lines_for(name);
  PlanLock lock(*s.conn, g.state_schema, name);
  const PlanRecord record = *s.store->find(name);
  RunnerOptions ro;
  ro.url = s.url;
  ro.exec = g.exec();
  ro.backfill = resolve_backfill_options(record, o.backfill);
  ro.stop = install_stop_handlers();
  Observers observers(o.observers, record, s.reporter, *s.store);
  ro.hooks = observers.hooks();
  Runner runner(*s.store, observers.reporter(), ro);
  observers.guard("backfill",
                  [&] { run_reconnecting(s, lock, record, backfill_move(runner, name)); });
  return 0;
}
} // namespace

void setup_backfill(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<BackfillCommandOptions>();
  auto* sub = app.add_subcommand(
      "backfill", "Run or resume the backfill until done, paused, outside its window or "
                  "signalled (exit 75 when stopped early)");
  sub->add_option("NAME", o->name, "plan name (may be left out when one plan is active)");
  add_backfill_flags(*sub, o->backfill);
  add_hook_flag(*sub, o->observers);
  add_metrics_flag(*sub, o->observers);
  add_fleet_flags(*sub, o->fleet);
  sub->callback([&action, o, &g] { action = [o, &g] { return run_backfill_command(*o, g); }; });
}

} // namespace orchestrate
