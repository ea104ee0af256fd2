#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "backfill/options.hpp"
#include "core/reporter.hpp"

namespace orchestrate {

// The select-list items (each preceded by a comma) that sample the server's health for the
// backfill's monitor: the primary's WAL position in bytes, the standbys of
// pg_stat_replication as a JSON array (when $3 is true), and the oldest transaction of this
// database pinning the xmin horizon as a JSON object (when $4 is true). $2 is the int[] of the
// backfill's own backends, left out of the transactions.
std::string health_columns_sql();

struct ReplicaSample {
  std::string name{};                   // application_name
  std::string state{};                  // streaming, catchup, ...
  std::optional<long long> replay_lsn{}; // bytes; none before the standby reported one
  std::optional<double> reported_lag{};  // pg_stat_replication.replay_lag, seconds
};

struct XactSample {
  int pid = 0; // 0: a prepared transaction
  std::string application{};
  double age_seconds = 0;
};

struct HealthSample {
  std::chrono::steady_clock::time_point at{};
  long long wal_lsn = 0;
  std::vector<ReplicaSample> replicas{};
  std::optional<XactSample> oldest_xact{};
  long long lock_waiters = 0;
};

// The health columns as the query returns them (text; JSON for the standbys and the
// transaction, empty when not read).
HealthSample parse_health_sample(std::chrono::steady_clock::time_point at,
                                 const std::string& wal_lsn,
                                 const std::string& replicas_json,
                                 const std::string& xact_json,
                                 long long lock_waiters);

struct HealthVerdict {
  std::string reason{}; // replica_lag, xact_age, wal_rate, lock_waiters; empty: all within limits
  std::string detail{}; // what crossed its limit, with the measured value and the limit
  HealthFigures figures{};
};

// A throttle as the control row keeps it and `status --json` shows it: reason, detail and
// every figure measured.
nlohmann::json throttle_json(const std::string& reason,
                             const std::string& detail,
                             const HealthFigures& figures);

// Turns samples into a verdict against the limits of BackfillOptions.
//
// A standby's lag is measured against the primary's own WAL position: in bytes,
// pg_current_wal_lsn() minus its replay_lsn; in time, how long ago the primary had first
// written past that replay_lsn, from the WAL positions this watch has sampled (before its
// first sample, pg_stat_replication's replay_lag). A standby that replayed everything is 0
// behind however long it has been idle, and a paused one falls further behind every second
// even when nothing new is written. With `replicas` named, only those count, and one that is
// not connected holds the backfill. The WAL rate is the primary's WAL position advancing over
// the last two seconds (every writer's WAL counts).
class HealthWatch {
public:
  using clock = std::chrono::steady_clock;

  explicit HealthWatch(const BackfillOptions& limits);

  HealthVerdict observe(const HealthSample& s);

  // Whether the limits need pg_stat_replication, or other sessions' transactions.
  static bool watches_replicas(const BackfillOptions& o);
  static bool watches_xacts(const BackfillOptions& o);

private:
  struct WalPoint {
    clock::time_point at{};
    long long lsn = 0;
  };

  double seconds_behind(const ReplicaSample& r, const HealthSample& s) const;
  std::optional<double> wal_rate(const HealthSample& s) const;
  void forget_old(const HealthSample& s);

  const BackfillOptions& m_limits;
  std::deque<WalPoint> m_wal; // the primary's WAL position as sampled, oldest first
};

} // namespace orchestrate
