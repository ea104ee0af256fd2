#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

#include "backfill/options.hpp"
#include "core/work.hpp"

namespace orchestrate {

// A key value as stored in backfill_ranges: the key columns' values, as text.
using KeyText = std::vector<std::string>;

// One range of one backfill: keys in (lo, hi], walked from `cursor` (exclusive). A missing
// lo means "from the first key", a missing hi "to the last key".
struct KeyRange {
  std::size_t spec = 0; // index into the job's specs
  int range_no = 0;
  std::optional<KeyText> lo{};
  std::optional<KeyText> hi{};
  std::optional<KeyText> cursor{};
  long long rows_estimate = 0;
  long long rows_done = 0;
};

// How many ranges a table of about `rows` rows gets: enough for every worker to take several
// (so that one slow range does not leave the others idle at the end), never ranges smaller
// than `min_range_rows`, and at least one.
int range_count(long long rows, int workers, int per_worker, long long min_range_rows);

// Splits the integer keys [min, max] into `pieces` ranges of equal width, as (lo, hi] pairs:
// the first lo is min - 1 (none when that would overflow), the last hi is max. Fewer pieces
// come back when there are fewer keys than pieces.
std::vector<std::pair<std::optional<long long>, long long>>
split_integer_range(long long min, long long max, int pieces);

// The TABLESAMPLE SYSTEM percentage that yields about `wanted` rows of a table of `rows`.
double sample_percent(long long rows, long long wanted);

// On the first run, plans the ranges of every spec that has none yet (integer keys by value,
// other keys by boundaries sampled from the table) and stores them in backfill_ranges. Later
// runs reuse what is stored. Returns every range not yet done, in order.
std::vector<KeyRange> prepare_ranges(pqxx::connection& conn,
                                     const std::string& state_schema,
                                     const std::string& plan,
                                     const std::vector<BackfillSpec>& specs,
                                     const BackfillOptions& options);

} // namespace orchestrate
