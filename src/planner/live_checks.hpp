#pragma once

#include <pqxx/connection>

#include <string>
#include <vector>

#include "core/catalog.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// Runs every change's live checks (expressions compiled over their views, existing rows that
// the change would refuse), each in its own transaction that is always rolled back. Throws
// PlanError at the expression's line and column, with the SQLSTATE, the count of refused rows
// and an example key; changes nothing. Returns, for the checks that only count (notice_only),
// one line each saying how many rows they found, positioned like an error.
std::vector<std::string> check_plan_live(pqxx::connection& conn,
                                         const Plan& plan,
                                         const Catalog& live);

} // namespace orchestrate
