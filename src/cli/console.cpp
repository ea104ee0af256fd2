#include "cli/console.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>

#include "backfill/health.hpp"
#include "cli/json_lines.hpp"

namespace orchestrate {

std::string format_duration_s(double seconds) {
  if (seconds < 0) {
    return "?";
  }
  long long s = static_cast<long long>(seconds + 0.5);
  if (s < 60) {
    return fmt::format("{}s", s);
  }
  if (s < 3600) {
    return fmt::format("{}m{:02}s", s / 60, s % 60);
  }
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

ConsoleReporter::ConsoleReporter(bool json) : m_json(json), m_tty(isatty(STDERR_FILENO) != 0) {}

void ConsoleReporter::clear_bar() {
  if (m_bar_shown) {
    std::fputs("\r\033[K", stderr);
    m_bar_shown = false;
  }
}

void ConsoleReporter::info(const std::string& line) {
  clear_bar();
  std::FILE* out = m_json ? stderr : stdout;
  std::fputs((line + "\n").c_str(), out);
  std::fflush(out);
}

void ConsoleReporter::warn(const std::string& line) {
  clear_bar();
  std::fflush(stdout);
  std::fputs((line + "\n").c_str(), stderr);
  std::fflush(stderr);
}

void ConsoleReporter::progress(const Progress& p) {
  const double pct = p.rows_estimated > 0 ? 100.0 * p.rows_done / p.rows_estimated : 0;
  if (m_json) {
    write_json_line("progress", m_plan,
                    {{"rows_done", p.rows_done},
                     {"rows_estimated", p.rows_estimated},
                     {"rows_per_second", p.rows_per_second},
                     {"eta_seconds",
                      p.eta_seconds < 0 ? nlohmann::json() : nlohmann::json(p.eta_seconds)},
                     {"batch_size", p.batch_size},
                     {"retries", p.retries},
                     {"throttled_by", p.throttled_by.empty() ? nlohmann::json()
                                                             : nlohmann::json(p.throttled_by)},
                     {"throttle", p.throttled_by.empty()
                                      ? nlohmann::json()
                                      : throttle_json(p.throttled_by, p.throttle_detail,
                                                      p.health)}});
    return;
  }
  const std::string text =
      fmt::format("{:>12} rows processed of ~{} estimated ({:.1f}%)  {:>9.0f} rows/s  ETA {}  "
                  "batch {}{}",
                  p.rows_done, p.rows_estimated, pct, p.rows_per_second,
                  format_duration_s(p.eta_seconds),
                  p.batch_size,
                  p.throttled_by.empty()
                      ? ""
                      : "  throttled: " + p.throttled_by +
                            (p.throttle_detail.empty() ? "" : " (" + p.throttle_detail + ")"));
  if (m_tty) {
    const int width = 24;
    const int filled = static_cast<int>(pct / 100.0 * width + 0.5);
    std::string bar = "[" + std::string(std::min(filled, width), '#') +
                      std::string(width - std::min(filled, width), '.') + "] ";
    std::fputs(("\r\033[K" + bar + text).c_str(), stderr);
    std::fflush(stderr);
    m_bar_shown = true;
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (now - m_last_line >= std::chrono::seconds(3)) {
    m_last_line = now;
    std::fputs(("backfill: " + text + "\n").c_str(), stdout);
    std::fflush(stdout);
  }
}

void ConsoleReporter::gate(const std::string& phase, const std::vector<CheckLine>& checks) {
  if (!m_json) {
    return; // the lines were printed already
  }
  nlohmann::json list = nlohmann::json::array();
  bool passed = true;
  for (const auto& c : checks) {
    passed = passed && c.passed;
    list.push_back({{"id", c.id},
                    {"description", c.description},
                    {"passed", c.passed},
                    {"detail", c.detail}});
  }
  write_json_line("gate", m_plan, {{"phase", phase}, {"passed", passed}, {"checks", list}});
}

void ConsoleReporter::progress_done() {
  if (m_bar_shown) {
    std::fputs("\n", stderr);
    m_bar_shown = false;
  }
}

} // namespace orchestrate
