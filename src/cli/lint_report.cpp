#include "cli/lint_report.hpp"

#include <cstdio>

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
  return lint_plan(plan, live);
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

} // namespace orchestrate
