#include "cli/preflight_report.hpp"
#include "cli/session.hpp"

namespace orchestrate {

namespace {
struct PreflightOptions {
  std::string plan;
  bool replica_lag = false;
};

int run_preflight_command(const PreflightOptions& o, const GlobalOptions& g) {
  Plan plan = load_plan(o.plan);
  Session s(g, "preflight", StateUse::none);
  s.reporter.info("privileges plan " + plan.name.value + " needs, as role " +
                  std::string(s.conn->username()) + ":");
  run_preflight(s, plan, o.replica_lag, true);
  s.reporter.info("every privilege the plan needs is held");
  return 0;
}
} // namespace

void setup_preflight(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<PreflightOptions>();
  auto* sub = app.add_subcommand(
      "preflight", "List every privilege a plan needs and check each against the connected role "
                   "(exit 2 naming what is missing); `start` runs the same checks first");
  sub->add_option("PLAN", o->plan, "plan file")->required();
  sub->add_flag("--with-replica-lag", o->replica_lag,
                "the backfill will run with --max-replica-lag: pg_read_all_stats is required");
  sub->callback([&action, o, &g] { action = [o, &g] { return run_preflight_command(*o, g); }; });
}

} // namespace orchestrate
