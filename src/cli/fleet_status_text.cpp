#include "cli/fleet_status_text.hpp"

#include <fmt/format.h>

#include <map>

namespace orchestrate {

namespace {
std::string copy_text(const TargetStatus& s) {
  if (s.backfill.empty() || s.backfill == "not_started") {
    return "copy -";
  }
  std::string out = fmt::format("copy {} {}/~{} rows", s.backfill, s.rows_done, s.rows_estimated);
  if (s.rows_estimated > 0) {
    out += fmt::format(" ({:.0f}%)", 100.0 * std::min(s.rows_done, s.rows_estimated) /
                                         static_cast<double>(s.rows_estimated));
  }
  if (s.rows_per_second > 0) {
    out += fmt::format(", {:.0f} rows/s", s.rows_per_second);
  }
  return out;
}
} // namespace

std::string fleet_status_text(const std::string& plan, const std::vector<TargetStatus>& all) {
  std::string out = "plan " + plan + " on " + std::to_string(all.size()) + " target(s):\n";
  std::map<std::string, int> phases;
  std::vector<std::string> failing;
  std::vector<std::string> throttled;
  std::vector<std::string> unreachable;
  long long rows = 0;
  long long estimated = 0;
  int copying = 0;
  for (const auto& s : all) {
    if (!s.error.empty()) {
      out += fmt::format("  {:<16} {:<10} UNREACHABLE: {}\n", s.target, s.wave, s.error);
      unreachable.push_back(s.target);
      continue;
    }
    ++phases[s.phase + (s.applying.empty() ? "" : " (" + s.applying + " interrupted)")];
    std::string gate = s.gate.empty() ? "gate -" : "gate " + s.gate_phase + " " + s.gate;
    for (const auto& c : s.failed_checks) {
      gate += " [" + c + "]";
    }
    if (s.gate == "failed") {
      failing.push_back(s.target);
    }
    std::string throttle;
    if (!s.throttled_by.empty()) {
      throttle = ", throttled by " + s.throttled_by +
                 (s.throttle_detail.empty() ? "" : " (" + s.throttle_detail + ")");
      throttled.push_back(s.target);
    }
    copying += s.backfill == "running" ? 1 : 0;
    rows += s.rows_done;
    estimated += s.rows_estimated;
    out += fmt::format("  {:<16} {:<10} {:<12} {}; {}{}\n", s.target, s.wave,
                       s.phase + (s.applying.empty() ? "" : "*"), gate, copy_text(s), throttle);
  }
  std::string phase_list;
  for (const auto& [phase, n] : phases) {
    phase_list += (phase_list.empty() ? "" : ", ") + fmt::format("{} {}", n, phase);
  }
  const auto names = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& n : v) {
      s += (s.empty() ? " (" : ", ") + n;
    }
    return s.empty() ? s : s + ")";
  };
  out += fmt::format("fleet: {}; gates failing: {}{}; copying: {}; throttled: {}{}; rows {} of "
                     "~{}{}\n",
                     phase_list.empty() ? "no target readable" : phase_list, failing.size(),
                     names(failing), copying, throttled.size(), names(throttled), rows, estimated,
                     unreachable.empty() ? "" : "; unreachable: " + std::to_string(unreachable.size()) + names(unreachable));
  return out;
}

} // namespace orchestrate
