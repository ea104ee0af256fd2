#include "fleet/progress.hpp"

#include <fmt/format.h>

namespace orchestrate {

namespace {
constexpr auto k_show_every = std::chrono::seconds(2);

std::string rows_line(const Progress& p) {
  std::string line = fmt::format("{} of ~{} rows", p.rows_done, p.rows_estimated);
  if (p.rows_per_second > 0) {
    line += fmt::format(", {:.0f} rows/s", p.rows_per_second);
  }
  if (!p.throttled_by.empty()) {
    line += ", throttled by " + p.throttled_by +
            (p.throttle_detail.empty() ? "" : " (" + p.throttle_detail + ")");
  }
  return line;
}
} // namespace

std::string TargetReporter::prefixed(const std::string& line) const {
  return "[" + m_target + "] " + line;
}

void FleetProgress::update(const std::string& target, const Progress& p) {
  m_latest[target] = p;
  m_copying[target] = true;
  if (std::chrono::steady_clock::now() - m_shown >= k_show_every) {
    show();
  }
}

void FleetProgress::done(const std::string& target) {
  m_copying[target] = false;
}

Progress FleetProgress::total() const {
  Progress sum;
  for (const auto& [target, p] : m_latest) {
    sum.rows_done += p.rows_done;
    sum.rows_estimated += p.rows_estimated;
    if (m_copying.at(target)) {
      sum.rows_per_second += p.rows_per_second;
    }
  }
  return sum;
}

void FleetProgress::show() {
  m_shown = std::chrono::steady_clock::now();
  int copying = 0;
  int throttled = 0;
  for (const auto& [target, p] : m_latest) {
    if (!m_copying[target]) {
      continue;
    }
    ++copying;
    throttled += p.throttled_by.empty() ? 0 : 1;
    m_console.info(fmt::format("[{}] backfill: {}", target, rows_line(p)));
  }
  const Progress sum = total();
  m_console.info(fmt::format("fleet backfill: {} of ~{} rows on {} target(s), {} copying, {} "
                             "throttled, {:.0f} rows/s",
                             sum.rows_done, sum.rows_estimated, m_latest.size(), copying,
                             throttled, sum.rows_per_second));
}

} // namespace orchestrate
