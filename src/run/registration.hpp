#pragma once

#include <pqxx/pqxx>

#include <string>

#include "core/catalog.hpp"
#include "core/reporter.hpp"
#include "plan/model.hpp"
#include "state/store.hpp"

namespace orchestrate {

enum class Registration { registered, already_registered, already_done };

// Registers `plan` (read from `path`) in state `planned`, rendering its work against the live
// schema (`catalog`, loaded from `conn`). A name already used by a plan with another checksum
// is refused (exit 2); a rolled back plan of the same checksum is registered afresh. The caller
// holds the plan's lock. A note on how the plan was rendered for the role goes to `reporter`.
Registration register_plan(pqxx::connection& conn,
                           StateStore& store,
                           const Catalog& catalog,
                           const Plan& plan,
                           const std::string& path,
                           Reporter& reporter);

// Two active plans on one table would interleave their triggers, backfills and contracts, so
// a plan touching a table that another active plan touches is refused: throws InputError
// (exit 2) naming the other plan and the table. A plan of the same name is not a conflict.
// So is a plan whose version schemas would share a name with another active plan's (or with the
// state schema): the two would create, fill and drop one schema.
void refuse_overlapping_plans(StateStore& store, const Plan& plan);

} // namespace orchestrate
