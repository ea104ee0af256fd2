#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orchestrate {

// The hours a backfill may run, local time: "22:00-06:00" or "9:00-17:00" (a window may cross
// midnight; equal ends mean all day). This file is the one definition of the format: the plan
// parser, the --window flag, the JSON Schema and the backfill all use it.
struct TimeWindow {
  int start_minutes = 0; // since local midnight
  int end_minutes = 0;

  bool contains(int now_minutes) const;
};

// The format as a regular expression without anchors, valid for std::regex and JSON Schema.
extern const char* const k_time_window_pattern;
// How to write one, for error messages.
extern const char* const k_time_window_example;

std::optional<TimeWindow> parse_time_window(std::string_view text);

} // namespace orchestrate
