#pragma once

#include <vector>

#include "core/work.hpp"

namespace orchestrate {

// Contract's steps that end a dual-write on one table (`Step::ends_dual_write`) joined into one
// step in one transaction: every trigger of the table dropped first, then the columns swapped or
// dropped in the plan's order. The step stands where the table's first such step stood and
// keeps its id when one change ends there alone; other steps keep their order.
std::vector<Step> join_dual_write_ends(std::vector<Step> steps);

} // namespace orchestrate
