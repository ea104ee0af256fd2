#include "core/time_window.hpp"

#include <regex>

namespace orchestrate {

const char* const k_time_window_pattern =
    "([01]?[0-9]|2[0-3]):([0-5][0-9])-([01]?[0-9]|2[0-3]):([0-5][0-9])";
const char* const k_time_window_example = "22:00-06:00";

bool TimeWindow::contains(int now_minutes) const {
  if (start_minutes == end_minutes) {
    return true;
  }
  if (start_minutes < end_minutes) {
    return now_minutes >= start_minutes && now_minutes < end_minutes;
  }
  return now_minutes >= start_minutes || now_minutes < end_minutes;
}

std::optional<TimeWindow> parse_time_window(std::string_view text) {
  static const std::regex k_window(k_time_window_pattern);
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, k_window)) {
    return std::nullopt;
  }
  return TimeWindow{.start_minutes = std::stoi(m[1].str()) * 60 + std::stoi(m[2].str()),
                    .end_minutes = std::stoi(m[3].str()) * 60 + std::stoi(m[4].str())};
}

} // namespace orchestrate
