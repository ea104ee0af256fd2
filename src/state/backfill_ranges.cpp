#include "state/backfill_ranges.hpp"

#include "core/ident.hpp"

namespace orchestrate {

namespace {
std::optional<std::string> text_or_null(const pqxx::field& f) {
  return f.is_null() ? std::nullopt : std::optional<std::string>(f.as<std::string>());
}
} // namespace

std::string backfill_ranges_table(const std::string& state_schema) {
  return quote_qualified(state_schema, "backfill_ranges");
}

std::string advance_range_cte(const RangeRow& range,
                              const std::string& cursor,
                              const std::string& rows,
                              const std::string& done,
                              std::vector<std::optional<std::string>>& params) {
  params.emplace_back(range.plan);
  params.emplace_back(range.backfill_id);
  params.emplace_back(std::to_string(range.range_no));
  const auto n = params.size();
  return "r AS (UPDATE " + range.table + " SET cursor = " + cursor + ", rows_done = rows_done + " +
         rows + ", done = " + done + ", updated_at = now() WHERE plan = $" +
         std::to_string(n - 2) + " AND backfill_id = $" + std::to_string(n - 1) +
         " AND range_no = $" + std::to_string(n) + "::integer RETURNING 1)";
}

std::string range_cursor_sql(const std::string& state_schema) {
  return "SELECT cursor::text FROM " + backfill_ranges_table(state_schema) +
         " WHERE plan = $1 AND backfill_id = $2 AND range_no = $3";
}

BackfillRanges::BackfillRanges(pqxx::work& tx, const std::string& state_schema, std::string plan)
    : m_tx(tx), m_table(backfill_ranges_table(state_schema)), m_plan(std::move(plan)) {}

bool BackfillRanges::planned(const std::string& backfill_id) {
  return m_tx
             .exec_params1("SELECT count(*) FROM " + m_table +
                               " WHERE plan = $1 AND backfill_id = $2",
                           m_plan, backfill_id)[0]
             .as<long long>() > 0;
}

void BackfillRanges::store(const std::string& backfill_id,
                           const std::vector<RangeBounds>& ranges,
                           long long rows_each) {
  if (ranges.empty()) {
    m_tx.exec_params("INSERT INTO " + m_table +
                         " (plan, backfill_id, range_no, done) VALUES ($1, $2, 0, true)",
                     m_plan, backfill_id);
    return;
  }
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    m_tx.exec_params("INSERT INTO " + m_table +
                         " (plan, backfill_id, range_no, lo, hi, rows_estimate) VALUES "
                         "($1, $2, $3, $4::jsonb, $5::jsonb, $6)",
                     m_plan, backfill_id, static_cast<int>(i), ranges[i].lo, ranges[i].hi,
                     rows_each);
  }
}

std::vector<StoredRange> BackfillRanges::pending(const std::string& backfill_id) {
  std::vector<StoredRange> out;
  auto rows = m_tx.exec_params("SELECT range_no, lo::text, hi::text, cursor::text, rows_estimate, "
                               "rows_done FROM " +
                                   m_table +
                                   " WHERE plan = $1 AND backfill_id = $2 AND NOT done "
                                   "ORDER BY range_no",
                               m_plan, backfill_id);
  for (const auto& row : rows) {
    out.push_back({.range_no = row[0].as<int>(),
                   .lo = text_or_null(row[1]),
                   .hi = text_or_null(row[2]),
                   .cursor = text_or_null(row[3]),
                   .rows_estimate = row[4].as<long long>(),
                   .rows_done = row[5].as<long long>()});
  }
  return out;
}

} // namespace orchestrate
