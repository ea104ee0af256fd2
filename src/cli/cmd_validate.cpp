#include "cli/lint_report.hpp"
#include "cli/session.hpp"
#include "planner/live_checks.hpp"
#include "planner/planner.hpp"

namespace orchestrate {

namespace {
struct ValidateOptions {
  std::string plan;
  bool offline = false;
  bool strict = false;
};

int run_validate(const ValidateOptions& o, const GlobalOptions& g) {
  Plan plan = load_plan(o.plan);
  ConsoleReporter out(g.json);
  if (o.offline) {
    out.info(o.plan + ": plan " + plan.name.value + " is well-formed (" +
             std::to_string(plan.changes.size()) + " changes; live schema not checked)");
    return report_lint(o.plan, lint_loaded_plan(plan, nullptr), o.strict, g);
  }
  Session s(g, "validate", StateUse::none);
  validate_plan(plan, s.catalog());
  for (const auto& notice : check_plan_live(*s.conn, plan, s.catalog())) {
    out.info(notice);
  }
  out.info(o.plan + ": plan " + plan.name.value + " is valid against the live schema (" +
           std::to_string(plan.changes.size()) + " changes)");
  return report_lint(o.plan, lint_loaded_plan(plan, &s), o.strict, g);
}
} // namespace

void setup_validate(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<ValidateOptions>();
  auto* sub = app.add_subcommand("validate", "Parse and check a plan, against the live schema "
                                             "unless --offline; changes nothing");
  sub->add_option("PLAN", o->plan, "plan file")->required();
  sub->add_flag("--offline", o->offline, "do not connect; check the file alone");
  sub->add_flag("--strict", o->strict, "treat lint warnings as errors (exit 2 when there are any)");
  sub->callback([&action, o, &g] { action = [o, &g] { return run_validate(*o, g); }; });
}

} // namespace orchestrate
