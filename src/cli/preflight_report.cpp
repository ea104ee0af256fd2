#include "cli/preflight_report.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "core/errors.hpp"
#include "planner/planner.hpp"
#include "planner/render_for_role.hpp"
#include "planner/preflight.hpp"

namespace orchestrate {

void run_preflight(Session& s, const Plan& plan, bool replica_lag_flag, bool verbose) {
  std::string note;
  const PlanWork work = render_for_role(*s.conn, plan, s.catalog(), note);
  const auto needs = check_privileges(
      *s.conn, privilege_query(plan, work, s.global.state_schema, replica_lag_flag));
  std::string missing;
  nlohmann::json all = nlohmann::json::array();
  for (const auto& n : needs) {
    all.push_back({{"what", n.what},
                   {"why", n.why},
                   {"required", n.required},
                   {"held", n.held},
                   {"fix", n.fix.empty() ? nlohmann::json() : nlohmann::json(n.fix)}});
    const char* mark = n.held ? "ok" : (n.required ? "MISSING" : "blind");
    const std::string line = fmt::format("  [{}] {}: {}{}", mark, n.what, n.why,
                                         n.held || n.fix.empty() ? "" : "\n      fix: " + n.fix);
    if (!n.held) {
      s.reporter.warn(line);
    } else if (verbose) {
      s.reporter.info(line);
    }
    if (n.required && !n.held) {
      missing += (missing.empty() ? "" : "; ") + n.what;
    }
  }
  if (s.global.json && verbose) {
    std::printf("%s\n", all.dump(2).c_str());
  }
  if (!missing.empty()) {
    throw InputError(fmt::format("plan {} needs privileges role {} does not hold: {} (each "
                                 "listed above with the statement that grants it)",
                                 plan.name.value, s.conn->username(), missing));
  }
}

} // namespace orchestrate
