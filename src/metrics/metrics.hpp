#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "core/reporter.hpp"

namespace orchestrate {

// The backfill's figures as Prometheus wants them: gauges for the latest progress report and
// counters that only grow (seconds spent throttled, by reason). Fed by the reporter on the
// engine's thread, read by the metrics server on its own; one mutex keeps them consistent.
class BackfillMetrics {
public:
  explicit BackfillMetrics(std::string plan);

  void update(const Progress& p);
  // The Prometheus text exposition format (version 0.0.4).
  std::string render() const;

private:
  using Clock = std::chrono::steady_clock;

  mutable std::mutex m_mutex;
  std::string m_plan;
  Progress m_last;
  long long m_updates = 0;
  std::map<std::string, double> m_throttled_seconds;
  Clock::time_point m_last_at{};
  Clock::time_point m_started = Clock::now();
};

} // namespace orchestrate
