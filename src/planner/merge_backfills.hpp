#pragma once

#include <vector>

#include "core/work.hpp"

namespace orchestrate {

// A phase's copies with those of one table merged into one pass that writes every change's new
// columns into a row at once, in the order the table first appears. Two passes would each
// write a row version in which the other change's new column is still empty, and that
// change's NOT NULL check or copied CHECK (NOT VALID, yet applied to every new row version)
// would refuse it with 23514. In the merged copy each column is set only in the rows its own
// copy has not reached, so a row one change has already copied, or that an application wrote
// since, keeps that change's columns as they are.
std::vector<BackfillSpec> merge_backfills(const std::vector<BackfillSpec>& copies);

} // namespace orchestrate
