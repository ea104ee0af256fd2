#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace orchestrate {

struct BackfillOptions {
  int workers = 2;
  long long batch_size = 1000;   // the first batch; adapted afterwards
  long long min_batch = 100;
  long long max_batch = 50000;
  int target_batch_ms = 200;
  std::optional<double> max_rows_per_second;
  std::optional<std::string> window; // "HH:MM-HH:MM", local time
  std::optional<std::chrono::milliseconds> max_replica_lag;
  bool throttle = true;              // false for `up`: no rate limit, no window
};

// True when `now_minutes` (minutes since local midnight) falls inside "HH:MM-HH:MM"; the
// window may cross midnight. Throws InputError for a malformed window.
bool inside_window(const std::string& window, int now_minutes);

} // namespace orchestrate
