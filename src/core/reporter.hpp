#pragma once

#include <optional>
#include <string>
#include <vector>

namespace orchestrate {

// What the backfill last measured of the server's health. A figure is set only when a limit
// asks for it (lock waiters are always counted).
struct HealthFigures {
  // The standby furthest behind among those watched: its application_name, how long ago the
  // primary wrote the oldest WAL it has not replayed, and how many bytes of WAL that is.
  std::string replica{};
  std::optional<double> replica_lag_seconds{};
  std::optional<long long> replica_lag_bytes{};
  std::optional<double> wal_bytes_per_second{}; // the server's WAL rate over the last seconds
  // The oldest transaction pinning the xmin horizon in this database: its age and backend.
  std::optional<double> xact_age_seconds{};
  int xact_pid = 0; // 0 for a prepared transaction
  std::string xact_application{};
  long long lock_waiters = 0; // sessions waiting for locks a batch holds
};

// Backfill progress as shown on a terminal, in log lines and in `status`.
struct Progress {
  long long rows_done = 0;      // rows processed (counted), by every run of this backfill
  // The rows the backfill expects to process in all: planned from the table's statistics, so
  // only an estimate (never below rows_done); once the backfill is done, rows_done.
  long long rows_estimated = 0;
  double rows_per_second = 0;
  double eta_seconds = -1; // unknown when negative
  long long batch_size = 0;
  double batch_ms = 0;      // how long the latest batch took, round trip included
  long long retries = 0;    // batches run again after a retryable error or a lost connection
  std::string throttled_by{}; // empty when running freely
  std::string throttle_detail{}; // what crossed its limit, with the measured value
  HealthFigures health{};
};

// One check of a gate as reported.
struct CheckLine {
  std::string id{};
  std::string description{};
  bool passed = false;
  std::string detail{};
};

// Where lower layers send what a person should see. Only the CLI implements it (and prints);
// the library never writes to stdout or stderr itself.
class Reporter {
public:
  virtual ~Reporter() = default;
  virtual void info(const std::string& line) = 0;
  virtual void warn(const std::string& line) = 0;
  virtual void progress(const Progress& p) = 0;
  // The progress display is finished (clear a live bar, say, before other output).
  virtual void progress_done() {}
  // A gate's results, after they were also reported line by line through info/warn; for
  // machine-readable output.
  virtual void gate(const std::string& phase, const std::vector<CheckLine>& checks) {
    (void)phase;
    (void)checks;
  }
};

} // namespace orchestrate
