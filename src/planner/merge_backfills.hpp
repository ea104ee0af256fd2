#pragma once

#include <vector>

#include "core/work.hpp"

namespace orchestrate {

// Adds `more` to a phase's copies, merging each into the copy of the same table already there:
// one pass that writes every change's new columns into a row at once. Two passes would each
// write a row version in which the other change's new column is still empty, and that change's
// NOT NULL check or copied CHECK (NOT VALID, yet applied to every new row version) would refuse
// it with 23514.
void add_backfills(std::vector<BackfillSpec>& into, const std::vector<BackfillSpec>& more);

// One copy doing what `a` and `b` (of one table, along one key) do: each column is set only in
// the rows its own copy has not reached, so a row one change has already copied, or that an
// application wrote since, keeps that change's columns as they are.
BackfillSpec merge_backfills(const BackfillSpec& a, const BackfillSpec& b);

} // namespace orchestrate
