#include "cli/json_lines.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>

namespace orchestrate {

namespace {
// Set once per process by the one command that runs; read by the top-level handler.
std::optional<std::string> g_outcome_plan;
} // namespace

std::string iso8601_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  localtime_r(&t, &tm);
  char date[32];
  char zone[8];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  std::strftime(zone, sizeof zone, "%z", &tm); // +hhmm; ISO 8601's extended form wants +hh:mm
  const std::string z = zone;
  return fmt::format("{}.{:03}{}:{}", date, ms, z.substr(0, 3), z.substr(3, 2));
}

void write_json_line(const std::string& type, const std::string& plan, nlohmann::json fields) {
  nlohmann::json line = {{"type", type},
                         {"plan", plan.empty() ? nlohmann::json() : nlohmann::json(plan)},
                         {"at", iso8601_now()}};
  for (auto& [key, value] : fields.items()) {
    line[key] = value;
  }
  // Bytes that are not UTF-8 (a database message may hold some) become U+FFFD, never an error.
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

void json_outcome_for(const std::string& plan) {
  g_outcome_plan = plan;
}

bool json_outcome_wanted() {
  return g_outcome_plan.has_value();
}

void write_json_outcome(int exit_code, const std::string& message) {
  static const char* const k_names[] = {"done", "failed", "bad_input", "gate_failed", "locked"};
  std::string outcome = exit_code == 75 ? "stopped_early" : "failed";
  if (exit_code >= 0 && exit_code <= 4) {
    outcome = k_names[exit_code];
  }
  write_json_line("outcome", g_outcome_plan.value_or(""),
                  {{"outcome", outcome}, {"exit_code", exit_code}, {"message", message}});
}

} // namespace orchestrate
