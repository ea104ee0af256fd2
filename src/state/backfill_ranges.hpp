#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace orchestrate {

// The backfill's key ranges as the state schema keeps them (table backfill_ranges): planned
// once per backfill, then advanced by each batch. Bounds and cursors are JSON arrays of the
// key columns' values as text; a missing one is NULL. Every function works inside the caller's
// transaction, so planning and reading the ranges is one unit.
struct StoredRange {
  int range_no = 0;
  std::optional<std::string> lo{};
  std::optional<std::string> hi{};
  std::optional<std::string> cursor{};
  long long rows_estimate = 0;
  long long rows_done = 0;
};

struct RangeBounds {
  std::optional<std::string> lo{};
  std::optional<std::string> hi{};
};

class BackfillRanges {
public:
  BackfillRanges(pqxx::work& tx, const std::string& state_schema, std::string plan);

  // Whether the ranges of `backfill_id` were planned (by this run or an earlier one).
  bool planned(const std::string& backfill_id);
  // Stores the planned ranges, each estimated at `rows_each` rows; none (an empty table) is
  // stored as one range already done, so a later run knows it was planned.
  void store(const std::string& backfill_id,
             const std::vector<RangeBounds>& ranges,
             long long rows_each);
  // The ranges of `backfill_id` not done yet, in order.
  std::vector<StoredRange> pending(const std::string& backfill_id);

private:
  pqxx::work& m_tx;
  std::string m_table;
  std::string m_plan;
};

// The quoted name of the ranges table.
std::string backfill_ranges_table(const std::string& state_schema);

// One range's row, which a batch advances in the same statement as it copies the range's rows.
struct RangeRow {
  std::string table{}; // backfill_ranges_table(state_schema)
  std::string plan{};
  std::string backfill_id{};
  int range_no = 0;
};

// The CTE `r` of a batch statement: moves the range's cursor to `cursor` (a jsonb expression),
// adds `rows` (a bigint expression) to its rows done and sets `done` (a boolean expression);
// the range's own parameters are appended to `params`, numbered after those already there.
std::string advance_range_cte(const RangeRow& range,
                              const std::string& cursor,
                              const std::string& rows,
                              const std::string& done,
                              std::vector<std::optional<std::string>>& params);

// The cursor of one range as JSON text (NULL before its first batch); parameters: plan,
// backfill_id, range_no.
std::string range_cursor_sql(const std::string& state_schema);

} // namespace orchestrate
