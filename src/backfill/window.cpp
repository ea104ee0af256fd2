#include <algorithm>
#include <regex>
#include <thread>

#include "backfill/options.hpp"
#include "core/errors.hpp"

namespace orchestrate {

int default_backfill_workers() {
  const unsigned threads = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(threads, 1U, 4U));
}

bool inside_window(const std::string& window, int now_minutes) {
  static const std::regex k_window(R"(([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d))");
  std::smatch m;
  if (!std::regex_match(window, m, k_window)) {
    throw InputError("window '" + window + "' must look like 22:00-06:00");
  }
  const int start = std::stoi(m[1]) * 60 + std::stoi(m[2]);
  const int end = std::stoi(m[3]) * 60 + std::stoi(m[4]);
  if (start == end) {
    return true;
  }
  if (start < end) {
    return now_minutes >= start && now_minutes < end;
  }
  return now_minutes >= start || now_minutes < end;
}

} // namespace orchestrate
