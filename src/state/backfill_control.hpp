#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>

namespace orchestrate {

// The backfill's row of the control table, as a running backfill reads and writes it. (What
// other processes read of it is BackfillRun, backfill_run.hpp.)

struct BackfillTotals {
  long long rows_done = 0;      // by earlier runs
  long long rows_estimated = 0; // never below rows_done
};

// At the start of a run: the totals earlier runs left, and the control row marked as running on
// `host` with a fresh heartbeat and no throttle left over (a stop reason from the previous run
// would tell `status` this one stopped already).
BackfillTotals begin_backfill_run(pqxx::work& tx,
                                  const std::string& state_schema,
                                  const std::string& plan,
                                  const std::string& host);

// Whether the plan's backfill is paused (`orchestrate pause`).
bool backfill_paused(pqxx::transaction_base& tx,
                     const std::string& state_schema,
                     const std::string& plan);

// A boolean SQL expression for the same, the plan's name being parameter $1, for a statement
// that asks other things in the same round trip.
std::string backfill_paused_expression(const std::string& state_schema);

// Publishes progress. Parameters: plan, rows_done, rows_estimated, rows_per_second,
// throttled_by, batch_size, the throttle's details (jsonb).
std::string backfill_progress_sql(const std::string& state_schema);

// What the backfill last published, as `status` shows it.
struct BackfillProgressRow {
  bool paused = false;
  long long rows_done = 0;
  long long rows_estimated = 0;
  double rows_per_second = 0;
  std::optional<std::string> throttled_by{};
  long long batch_size = 0;
  std::optional<std::string> throttle{}; // JSON: the figures measured when last throttled
};

// nullopt when the plan has no control row.
std::optional<BackfillProgressRow> read_backfill_progress(pqxx::transaction_base& tx,
                                                          const std::string& state_schema,
                                                          const std::string& plan);

} // namespace orchestrate
