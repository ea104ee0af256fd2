#include <algorithm>
#include <filesystem>

#include "run/observers.hpp"
#include "cli/fleet_command.hpp"
#include "cli/session.hpp"
#include "core/errors.hpp"
#include "run/registration.hpp"
#include "run/runner.hpp"
#include "state/lock.hpp"

namespace orchestrate {

namespace {
struct UpOptions {
  std::string dir;
  ObserverFlags observers;
  FleetFlags fleet;
};

std::vector<std::string> plan_files(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) {
    throw InputError(dir + " is not a directory");
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

int run_up(const UpOptions& o, const GlobalOptions& g) {
  if (!o.fleet.targets.empty()) {
    const auto files = plan_files(o.dir);
    std::vector<Plan> plans;
    for (const auto& f : files) {
      plans.push_back(load_plan(f));
    }
    return run_fleet(g, o.fleet, {}, true, [&](Fleet& f) { return f.up(plans, files); },
                     o.observers);
  }
  const auto files = plan_files(o.dir);
  // Parse everything first: a broken plan late in the list stops the run before anything moved.
  std::vector<Plan> plans;
  for (const auto& f : files) {
    plans.push_back(load_plan(f));
  }
  Session s(g, "up");
  int applied = 0;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const Plan& plan = plans[i];
    PlanLock lock(*s.conn, g.state_schema, plan.name.value);
    if (register_plan(*s.conn, *s.store, s.catalog(), plan, files[i], s.reporter) ==
        Registration::already_done) {
      continue;
    }
    s.reporter.info("== " + files[i] + " (" + plan.name.value + ")");
    RunnerOptions ro;
    ro.url = s.url;
    ro.exec = g.exec();
    ro.backfill = unthrottled_backfill_options();
    ro.stop = install_stop_handlers();
    Observers observers(o.observers, *s.store->find(plan.name.value), s.reporter, *s.store);
    ro.hooks = observers.hooks();
    Runner runner(*s.store, observers.reporter(), ro);
    runner.run_to_done(plan.name.value,
                       [&](const std::function<std::string()>& phase,
                           const std::function<void()>& move) { observers.guard(phase, move); });
    ++applied;
  }
  s.reporter.info(applied == 0 ? "nothing to do: every plan in " + o.dir + " is done"
                               : "applied " + std::to_string(applied) + " plan(s) from " + o.dir);
  return 0;
}
} // namespace

void setup_up(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<UpOptions>();
  auto* sub = app.add_subcommand(
      "up", "For new or development databases: run every plan in DIR not yet done, in file-name "
            "order, through all five phases without throttling");
  sub->add_option("DIR", o->dir, "directory of plan files")->required();
  add_hook_flag(*sub, o->observers);
  add_fleet_flags(*sub, o->fleet);
  sub->callback([&action, o, &g] { action = [o, &g] { return run_up(*o, g); }; });
}

} // namespace orchestrate
