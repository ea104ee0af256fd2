#include "backfill/options.hpp"

#include <algorithm>
#include <thread>

#include "core/errors.hpp"
#include "core/time_window.hpp"

namespace orchestrate {

int default_backfill_workers() {
  const unsigned threads = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(threads, 1U, 4U));
}

bool inside_window(const std::string& window, int now_minutes) {
  const auto w = parse_time_window(window);
  if (!w) {
    throw InputError("window '" + window + "' must look like " + k_time_window_example);
  }
  return w->contains(now_minutes);
}

BackfillOptions unthrottled_backfill_options() {
  BackfillOptions o;
  o.throttle = false;
  o.batch_size = 10000;
  o.max_batch = 100000;
  return o;
}

} // namespace orchestrate
