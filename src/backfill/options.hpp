#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace orchestrate {

// min(4, hardware threads): more workers than cores only queue behind each other on the server.
int default_backfill_workers();

struct BackfillOptions {
  int workers = default_backfill_workers();
  long long batch_size = 1000;   // the first batch; adapted afterwards
  long long min_batch = 100;
  long long max_batch = 100000;
  int target_batch_ms = 200;
  int ranges_per_worker = 4;     // key ranges planned per worker, so fast workers take more
  long long min_range_rows = 10000; // smaller tables get fewer (down to one) ranges
  std::optional<double> max_rows_per_second{};
  std::optional<std::string> window{}; // "HH:MM-HH:MM", local time
  // Health limits (see backfill/health.hpp): the backfill holds while one is crossed.
  std::optional<std::chrono::milliseconds> max_replica_lag{}; // time behind the primary
  std::optional<long long> max_replica_lag_bytes{};           // WAL bytes not yet replayed
  std::vector<std::string> replicas{}; // application_names the lag limits watch; empty: every one
  std::optional<long long> max_wal_rate{};                    // WAL bytes a second
  std::optional<std::chrono::milliseconds> max_xact_age{};    // oldest transaction pinning xmin
  bool throttle = true;              // false for `up`: no rate limit, no window
};

// True when `now_minutes` (minutes since local midnight) falls inside "HH:MM-HH:MM"; the
// window may cross midnight. Throws InputError for a malformed window.
bool inside_window(const std::string& window, int now_minutes);

// What `up` runs with (new or development databases, nobody to protect): no throttle, and
// large batches from the first.
BackfillOptions unthrottled_backfill_options();

} // namespace orchestrate
