#pragma once

#include <pqxx/pqxx>

#include <string>

#include "core/catalog.hpp"
#include "core/work.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// Renders `plan` as the connected role may run it. Version schemas need CREATE on the
// database: without it the plan keeps only the version schema its changes cannot do without
// (a column's new data in a temporary column, which `preflight` then reports as missing), and
// `note` says what the applications lose; otherwise `note` is left empty.
PlanWork render_for_role(pqxx::connection& conn, const Plan& plan, const Catalog& live,
                         std::string& note);

} // namespace orchestrate
