#pragma once

#include <chrono>
#include <optional>
#include <string>

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
  std::optional<std::chrono::milliseconds> max_replica_lag{};
  bool throttle = true;              // false for `up`: no rate limit, no window
};

// True when `now_minutes` (minutes since local midnight) falls inside "HH:MM-HH:MM"; the
// window may cross midnight. Throws InputError for a malformed window.
bool inside_window(const std::string& window, int now_minutes);

} // namespace orchestrate
