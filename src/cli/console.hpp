#pragma once

#include <chrono>
#include <string>

#include "core/reporter.hpp"

namespace orchestrate {

// Prints for people on a terminal or in logs. Lines go to stdout (to stderr with --json, whose
// stdout carries only JSON lines); backfill progress is a live bar on a terminal, otherwise a
// line every few seconds. With --json, progress and gate results are JSON lines on stdout (see
// cli/json_lines.hpp), labelled with the plan set by set_plan.
class ConsoleReporter : public Reporter {
public:
  explicit ConsoleReporter(bool json);
  void info(const std::string& line) override;
  void warn(const std::string& line) override;
  void progress(const Progress& p) override;
  void progress_done() override;
  void gate(const std::string& phase, const std::vector<CheckLine>& checks) override;

  void set_plan(const std::string& plan) { m_plan = plan; }
  bool json() const { return m_json; }

private:
  void clear_bar();
  bool m_json;
  std::string m_plan;
  bool m_tty;
  bool m_bar_shown = false;
  std::chrono::steady_clock::time_point m_last_line{};
};

std::string format_duration_s(double seconds);

} // namespace orchestrate
