#pragma once

#include <chrono>
#include <string>

#include "core/reporter.hpp"

namespace orchestrate {

// Prints for people on a terminal or in logs. Lines go to stdout (to stderr with --json, whose
// stdout carries only JSON); backfill progress is a live bar on a terminal, otherwise a line
// every few seconds (JSON lines with --json).
class ConsoleReporter : public Reporter {
public:
  explicit ConsoleReporter(bool json);
  void info(const std::string& line) override;
  void warn(const std::string& line) override;
  void progress(const Progress& p) override;
  void progress_done() override;

private:
  void clear_bar();
  bool m_json;
  bool m_tty;
  bool m_bar_shown = false;
  std::chrono::steady_clock::time_point m_last_line{};
};

std::string format_duration_s(double seconds);

} // namespace orchestrate
