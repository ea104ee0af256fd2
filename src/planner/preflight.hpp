#pragma once

#include <string>

#include "core/work.hpp"
#include "db/privileges.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// The privileges `plan`, rendered as `work`, needs: the tables it alters, whether it creates
// objects in its schema, its version schema, and the replica-lag throttle when one is set
// (by the plan, or `replica_lag_flag` for the flag given to next/backfill).
PrivilegeQuery privilege_query(const Plan& plan,
                               const PlanWork& work,
                               const std::string& state_schema,
                               bool replica_lag_flag);

} // namespace orchestrate
