#include <fmt/format.h>

#include "cli/lint_report.hpp"
#include "cli/session.hpp"
#include "core/errors.hpp"
#include "lint/live.hpp"

namespace orchestrate {

std::vector<LintWarning> lint_loaded_plan(const Plan& plan, Session* session) {
  LintLive live;
  Catalog catalog;
  if (session != nullptr) {
    catalog = session->catalog();
    live.catalog = &catalog;
    load_lint_live(*session->conn, plan.schema, session->global.state_schema, live);
  }
  return lint_plan(plan.body, plan.schema, live);
}

int report_lint(const std::string& file,
                const std::vector<LintWarning>& warnings,
                bool strict,
                const GlobalOptions& g) {
  for (const auto& w : warnings) {
    if (g.json) {
      const nlohmann::json j = {{"file", file},         {"line", w.mark.line},
                                {"column", w.mark.column}, {"rule", w.rule},
                                {"severity", strict ? "error" : "warning"},
                                {"message", w.message}, {"alternative", w.alternative}};
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf("%s:%d:%d: %s [%s]: %s\n    safe alternative: %s\n", file.c_str(), w.mark.line,
                  w.mark.column, strict ? "error" : "warning", w.rule.c_str(), w.message.c_str(),
                  w.alternative.c_str());
    }
  }
  std::fflush(stdout);
  return strict && !warnings.empty() ? k_exit_bad_input : k_exit_ok;
}

namespace {
struct LintOptions {
  std::string plan;
  bool offline = false;
  bool strict = false;
};

int run_lint(const LintOptions& o, const GlobalOptions& g) {
  const Plan plan = load_plan(o.plan);
  std::vector<LintWarning> warnings;
  if (o.offline) {
    warnings = lint_loaded_plan(plan, nullptr);
  } else {
    Session s(g, "lint", true);
    warnings = lint_loaded_plan(plan, &s);
  }
  const int rc = report_lint(o.plan, warnings, o.strict, g);
  if (!g.json) {
    std::fprintf(warnings.empty() ? stdout : stderr, "%s: %zu warning(s)%s\n", o.plan.c_str(),
                 warnings.size(), o.offline ? " (offline: live-schema rules skipped)" : "");
  }
  return rc;
}
} // namespace

void setup_lint(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<LintOptions>();
  auto* sub = app.add_subcommand(
      "lint",
      "Warn about what would hurt under load before anything runs: unsafe statements in sql "
      "changes (parsed with PostgreSQL's parser), views, rules and functions a change would "
      "break, tables without a key to page by; each warning names the safe alternative");
  sub->add_option("PLAN", o->plan, "plan file")->required();
  sub->add_flag("--offline", o->offline,
                "do not connect; skip the rules that need the live schema");
  sub->add_flag("--strict", o->strict, "treat warnings as errors (exit 2 when there are any)");
  sub->callback([&action, o, &g] { action = [o, &g] { return run_lint(*o, g); }; });
}

} // namespace orchestrate
