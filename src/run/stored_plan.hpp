#pragma once

#include <optional>

#include "plan/model.hpp"
#include "state/store.hpp"

namespace orchestrate {

// The plan a record was registered with, parsed again from the stored body: the one place
// that does it. A body this version cannot read any more (a plan registered by an older
// orchestrate, valid then) gives nullopt, and each caller says what it does without it.
std::optional<Plan> stored_plan(const PlanRecord& record);

} // namespace orchestrate
