#include "state/backfill_control.hpp"

#include <algorithm>

#include "core/ident.hpp"

namespace orchestrate {

namespace {
std::string control(const std::string& state_schema) {
  return quote_qualified(state_schema, "control");
}
} // namespace

BackfillTotals begin_backfill_run(pqxx::work& tx,
                                  const std::string& state_schema,
                                  const std::string& plan,
                                  const std::string& host) {
  auto r = tx.exec_params("SELECT coalesce(sum(rows_done), 0), coalesce(sum(rows_estimate), 0) "
                          "FROM " + quote_qualified(state_schema, "backfill_ranges") +
                              " WHERE plan = $1",
                          plan);
  BackfillTotals out;
  out.rows_done = r[0][0].as<long long>();
  out.rows_estimated = std::max(r[0][1].as<long long>(), out.rows_done);
  tx.exec_params("UPDATE " + control(state_schema) +
                     " SET running_on = $2, heartbeat = now(), throttled_by = NULL "
                     "WHERE plan = $1",
                 plan, host);
  return out;
}

bool backfill_paused(pqxx::transaction_base& tx,
                     const std::string& state_schema,
                     const std::string& plan) {
  auto r = tx.exec_params("SELECT paused FROM " + control(state_schema) + " WHERE plan = $1",
                          plan);
  return !r.empty() && r[0][0].as<bool>();
}

std::string backfill_paused_expression(const std::string& state_schema) {
  return "coalesce((SELECT paused FROM " + control(state_schema) + " WHERE plan = $1), false)";
}

std::optional<BackfillProgressRow> read_backfill_progress(pqxx::transaction_base& tx,
                                                          const std::string& state_schema,
                                                          const std::string& plan) {
  // The control row's rows_total holds the backfill's estimate. Rows done are the ranges'
  // (committed with each batch), so a killed backfill's count is exact, not its last sample.
  auto c = tx.exec_params(
      "SELECT paused, greatest(rows_done, (SELECT coalesce(sum(rows_done), 0) FROM " +
          quote_qualified(state_schema, "backfill_ranges") +
          " WHERE plan = $1)), rows_total, rows_per_second, throttled_by, batch_size, "
          "settings->'throttle' FROM " +
          control(state_schema) + " WHERE plan = $1",
      plan);
  if (c.empty()) {
    return std::nullopt;
  }
  BackfillProgressRow out;
  out.paused = c[0][0].as<bool>();
  out.rows_done = c[0][1].as<long long>();
  out.rows_estimated = c[0][2].as<long long>();
  out.rows_per_second = c[0][3].as<double>();
  if (!c[0][4].is_null()) {
    out.throttled_by = c[0][4].as<std::string>();
  }
  out.batch_size = c[0][5].as<long long>();
  if (!c[0][6].is_null()) {
    out.throttle = c[0][6].as<std::string>();
  }
  return out;
}

// The control row's rows_total column holds the estimate (Progress::rows_estimated).
std::string backfill_progress_sql(const std::string& state_schema) {
  return "UPDATE " + control(state_schema) +
         " SET rows_done = $2::bigint, rows_total = $3::bigint, rows_per_second = "
         "$4::double precision, throttled_by = $5, batch_size = $6::bigint, heartbeat = now(), "
         "settings = jsonb_set(settings, '{throttle}', $7::jsonb) WHERE plan = $1";
}

} // namespace orchestrate
