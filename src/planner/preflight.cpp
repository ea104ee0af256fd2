#include "planner/preflight.hpp"

#include <regex>
#include <set>

#include "changes/change.hpp"

namespace orchestrate {

namespace {
bool creates_objects(const PlanWork& work) {
  static const std::regex k_create(R"(\bCREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|TABLE|VIEW)\b)",
                                   std::regex::icase);
  for (const auto& phase : work.phases) {
    for (const auto& step : phase.steps) {
      if (std::regex_search(step.sql, k_create)) {
        return true;
      }
    }
  }
  return false;
}
} // namespace

PrivilegeQuery privilege_query(const Plan& plan,
                               const PlanWork& work,
                               const std::string& state_schema,
                               bool replica_lag_flag) {
  PrivilegeQuery q;
  q.state_schema = state_schema;
  q.plan_schema = plan.schema;
  std::set<std::string> tables;
  for (const auto& change : plan.changes) {
    for (const auto& touch : change->touches()) {
      if (touch.modifies && tables.insert(touch.table).second) {
        q.tables.push_back(touch.table);
      }
    }
  }
  q.creates_in_plan_schema = creates_objects(work);
  q.version_schema = work.version_schema;
  q.replica_lag_throttle = replica_lag_flag || plan.backfill.max_replica_lag.has_value() ||
                           plan.backfill.max_replica_lag_bytes.has_value() ||
                           plan.backfill.max_xact_age.has_value();
  return q;
}

} // namespace orchestrate
