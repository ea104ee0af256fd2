#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/reporter.hpp"

namespace orchestrate {

// What the metrics server serves: the Prometheus text exposition format (version 0.0.4), as a
// scrape gets it.
class MetricsSource {
public:
  virtual ~MetricsSource() = default;
  virtual std::string render() const = 0;
};

// The backfill's figures in a prometheus-cpp registry: gauges for the latest progress report,
// counters that only grow (retries, seconds spent throttled by reason) and a histogram of batch
// durations. Fed by the reporter on the engine's thread; the registry is what the metrics
// server exposes (prometheus-cpp's own locking keeps scrapes consistent).
class BackfillMetrics : public MetricsSource {
public:
  // Every series carries the label plan, and target when one is given (a fleet's).
  explicit BackfillMetrics(std::string plan, std::string target = "");

  void update(const Progress& p);
  std::shared_ptr<prometheus::Registry> registry() const { return m_registry; }
  // The Prometheus text exposition format (version 0.0.4), as a scrape gets it.
  std::string render() const override;
  std::vector<prometheus::MetricFamily> collect() const { return m_registry->Collect(); }

private:
  using Clock = std::chrono::steady_clock;
  using Gauges = prometheus::Family<prometheus::Gauge>;
  using Counters = prometheus::Family<prometheus::Counter>;

  prometheus::Gauge& gauge(const char* name, const char* help);

  std::mutex m_mutex;
  prometheus::Labels m_labels;
  std::shared_ptr<prometheus::Registry> m_registry;
  prometheus::Gauge& m_rows_done;
  prometheus::Gauge& m_rows_estimated;
  prometheus::Gauge& m_rows_per_second;
  prometheus::Gauge& m_eta_seconds;
  prometheus::Gauge& m_batch_size;
  prometheus::Gauge& m_batch_seconds;
  prometheus::Gauge& m_throttled;
  prometheus::Gauge& m_lock_waiters;
  prometheus::Gauge& m_started;
  prometheus::Counter& m_retries;
  prometheus::Counter& m_reports;
  prometheus::Histogram& m_batch_duration;
  Counters& m_throttled_seconds;
  Gauges& m_throttled_by;
  Gauges& m_replica_lag_seconds;
  Gauges& m_replica_lag_bytes;
  Gauges& m_wal_rate;
  Gauges& m_xact_age;
  Progress m_last{};
  long long m_updates = 0;
  Clock::time_point m_last_at{};
};

// The backfill figures of a fleet's targets, one BackfillMetrics each (labelled target), served
// together: each family once, with every target's series.
class FleetMetrics : public MetricsSource {
public:
  explicit FleetMetrics(std::string plan) : m_plan(std::move(plan)) {}
  // The target's metrics, made on first use.
  std::shared_ptr<BackfillMetrics> of(const std::string& target);
  std::string render() const override;

private:
  mutable std::mutex m_mutex;
  std::string m_plan;
  std::map<std::string, std::shared_ptr<BackfillMetrics>> m_targets;
};

} // namespace orchestrate
