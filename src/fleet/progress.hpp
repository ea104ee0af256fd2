#pragma once

#include <chrono>
#include <map>
#include <string>

#include "core/reporter.hpp"

namespace orchestrate {

// Backfill progress of a fleet's targets: each target's latest report, and the fleet's total,
// shown through `console` (one line per copying target and a fleet line, at most every few
// seconds, so interleaved copies do not fight over one progress bar).
class FleetProgress {
public:
  explicit FleetProgress(Reporter& console) : m_console(console) {}
  void update(const std::string& target, const Progress& p);
  // The target's copy ended: its last report stays in the total.
  void done(const std::string& target);
  // Every target's rows processed and estimated, added up.
  Progress total() const;

private:
  void show();
  Reporter& m_console;
  std::map<std::string, Progress> m_latest;
  std::map<std::string, bool> m_copying;
  std::chrono::steady_clock::time_point m_shown{};
};

// A Reporter for one target: lines prefixed with `[target] `, progress to the fleet's.
class TargetReporter : public Reporter {
public:
  TargetReporter(Reporter& console, std::string target, FleetProgress& progress)
      : m_console(console), m_target(std::move(target)), m_progress(progress) {}
  void info(const std::string& line) override { m_console.info(prefixed(line)); }
  void warn(const std::string& line) override { m_console.warn(prefixed(line)); }
  void progress(const Progress& p) override { m_progress.update(m_target, p); }
  void progress_done() override { m_progress.done(m_target); }
  void gate(const std::string& phase, const std::vector<CheckLine>& checks) override {
    m_console.gate(phase, checks);
  }

private:
  std::string prefixed(const std::string& line) const;
  Reporter& m_console;
  std::string m_target;
  FleetProgress& m_progress;
};

} // namespace orchestrate
