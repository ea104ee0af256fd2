#include "metrics/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <sstream>

namespace orchestrate {

namespace {

prometheus::Family<prometheus::Gauge>& gauges(prometheus::Registry& r,
                                              const char* name,
                                              const char* help,
                                              const prometheus::Labels& labels) {
  return prometheus::BuildGauge().Name(name).Help(help).Labels(labels).Register(r);
}

prometheus::Family<prometheus::Counter>& counters(prometheus::Registry& r,
                                                  const char* name,
                                                  const char* help,
                                                  const prometheus::Labels& labels) {
  return prometheus::BuildCounter().Name(name).Help(help).Labels(labels).Register(r);
}

prometheus::Labels labels_of(const std::string& plan, const std::string& target) {
  prometheus::Labels labels{{"plan", plan}};
  if (!target.empty()) {
    labels["target"] = target;
  }
  return labels;
}

} // namespace

prometheus::Gauge& BackfillMetrics::gauge(const char* name, const char* help) {
  return gauges(*m_registry, name, help, m_labels).Add({});
}

BackfillMetrics::BackfillMetrics(std::string plan, std::string target)
    : m_labels(labels_of(plan, target)), m_registry(std::make_shared<prometheus::Registry>()),
      m_rows_done(gauge("orchestrate_backfill_rows_done",
                        "Rows the backfill has processed (counted).")),
      m_rows_estimated(gauge("orchestrate_backfill_rows_estimated",
                             "Rows the backfill expects to process in all: an estimate from "
                             "table statistics, exact once it is done.")),
      m_rows_per_second(gauge("orchestrate_backfill_rows_per_second", "Current backfill rate.")),
      m_eta_seconds(gauge("orchestrate_backfill_eta_seconds",
                          "Estimated seconds left (-1 when unknown).")),
      m_batch_size(gauge("orchestrate_backfill_batch_size", "Current batch size in rows.")),
      m_batch_seconds(gauge("orchestrate_backfill_batch_seconds",
                            "How long the latest batch took, round trip included.")),
      m_throttled(gauge("orchestrate_backfill_throttled",
                        "1 while the backfill is throttled, 0 while it runs freely.")),
      m_lock_waiters(gauge("orchestrate_backfill_lock_waiters",
                           "Sessions waiting for locks a batch holds.")),
      m_started(gauge("orchestrate_backfill_start_time_seconds",
                      "When this process started serving metrics, in seconds since the epoch.")),
      m_retries(counters(*m_registry, "orchestrate_backfill_retries_total",
                         "Batches run again after a retryable error (lock timeout, "
                         "serialization failure, deadlock) or a lost connection.",
                         m_labels)
                    .Add({})),
      m_reports(counters(*m_registry, "orchestrate_backfill_progress_reports_total",
                         "Progress reports received from the backfill engine.", m_labels)
                    .Add({})),
      m_batch_duration(prometheus::BuildHistogram()
                           .Name("orchestrate_backfill_batch_duration_seconds")
                           .Help("How long each batch took, round trip included.")
                           .Labels(m_labels)
                           .Register(*m_registry)
                           .Add({}, prometheus::Histogram::BucketBoundaries{
                                        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})),
      m_throttled_seconds(counters(*m_registry, "orchestrate_backfill_throttled_seconds_total",
                                   "Seconds the backfill spent throttled, by reason.", m_labels)),
      m_throttled_by(gauges(*m_registry, "orchestrate_backfill_throttled_by",
                            "1, labelled with what throttles the backfill as of the latest "
                            "report.",
                            m_labels)),
      m_replica_lag_seconds(gauges(*m_registry, "orchestrate_backfill_replica_lag_seconds",
                                   "How long ago the primary wrote the oldest WAL the standby "
                                   "furthest behind has not replayed.",
                                   m_labels)),
      m_replica_lag_bytes(gauges(*m_registry, "orchestrate_backfill_replica_lag_bytes",
                                 "WAL bytes that standby has not replayed.", m_labels)),
      m_wal_rate(gauges(*m_registry, "orchestrate_backfill_wal_bytes_per_second",
                        "The server's WAL rate over the last seconds.", m_labels)),
      m_xact_age(gauges(*m_registry, "orchestrate_backfill_oldest_xact_seconds",
                        "Age of the oldest transaction pinning the xmin horizon in this "
                        "database.",
                        m_labels)) {
  m_started.SetToCurrentTime();
  m_throttled_seconds.Add({{"reason", "none"}});
}

void BackfillMetrics::update(const Progress& p) {
  std::lock_guard lock(m_mutex);
  const auto now = Clock::now();
  if (m_updates > 0 && !m_last.throttled_by.empty()) {
    // Throttled time is charged to the reason in force during the interval that just ended.
    m_throttled_seconds.Add({{"reason", m_last.throttled_by}})
        .Increment(std::chrono::duration<double>(now - m_last_at).count());
  }
  m_rows_done.Set(static_cast<double>(p.rows_done));
  m_rows_estimated.Set(static_cast<double>(p.rows_estimated));
  m_rows_per_second.Set(p.rows_per_second);
  m_eta_seconds.Set(p.eta_seconds);
  m_batch_size.Set(static_cast<double>(p.batch_size));
  m_batch_seconds.Set(p.batch_ms / 1000);
  m_throttled.Set(p.throttled_by.empty() ? 0.0 : 1.0);
  m_lock_waiters.Set(static_cast<double>(p.health.lock_waiters));
  if (p.retries > m_last.retries) {
    m_retries.Increment(static_cast<double>(p.retries - m_last.retries));
  }
  // A report after a batch ran: its duration goes into the histogram once.
  if (p.rows_done != m_last.rows_done && p.batch_ms > 0) {
    m_batch_duration.Observe(p.batch_ms / 1000);
  }
  m_reports.Increment();

  if (m_last.throttled_by != p.throttled_by && !m_last.throttled_by.empty()) {
    m_throttled_by.Remove(&m_throttled_by.Add({{"reason", m_last.throttled_by}}));
  }
  if (!p.throttled_by.empty()) {
    m_throttled_by.Add({{"reason", p.throttled_by}}).Set(1);
  }
  const HealthFigures& h = p.health;
  const HealthFigures& was = m_last.health;
  const prometheus::Labels replica =
      h.replica.empty() ? prometheus::Labels{} : prometheus::Labels{{"replica", h.replica}};
  const prometheus::Labels old_replica =
      was.replica.empty() ? prometheus::Labels{} : prometheus::Labels{{"replica", was.replica}};
  auto show = [](Gauges& family, const prometheus::Labels& labels,
                 const prometheus::Labels& old_labels, bool had, const auto& value) {
    // A figure no limit asks for any more, or measured on another standby, does not stay.
    if (had && (!value || labels != old_labels)) {
      family.Remove(&family.Add(old_labels));
    }
    if (value) {
      family.Add(labels).Set(static_cast<double>(*value));
    }
  };
  show(m_replica_lag_seconds, replica, old_replica, was.replica_lag_seconds.has_value(),
       h.replica_lag_seconds);
  show(m_replica_lag_bytes, replica, old_replica, was.replica_lag_bytes.has_value(),
       h.replica_lag_bytes);
  show(m_wal_rate, {}, {}, was.wal_bytes_per_second.has_value(), h.wal_bytes_per_second);
  show(m_xact_age, {}, {}, was.xact_age_seconds.has_value(), h.xact_age_seconds);
  m_last = p;
  m_last_at = now;
  ++m_updates;
}

std::string BackfillMetrics::render() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, m_registry->Collect());
  return out.str();
}

std::shared_ptr<BackfillMetrics> FleetMetrics::of(const std::string& target) {
  std::lock_guard lock(m_mutex);
  auto& m = m_targets[target];
  if (!m) {
    m = std::make_shared<BackfillMetrics>(m_plan, target);
  }
  return m;
}

std::string FleetMetrics::render() const {
  std::vector<prometheus::MetricFamily> families;
  {
    std::lock_guard lock(m_mutex);
    for (const auto& [target, metrics] : m_targets) {
      for (auto& family : metrics->collect()) {
        auto same = std::find_if(families.begin(), families.end(),
                                 [&](const auto& f) { return f.name == family.name; });
        if (same == families.end()) {
          families.push_back(std::move(family));
        } else {
          same->metric.insert(same->metric.end(), family.metric.begin(), family.metric.end());
        }
      }
    }
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

} // namespace orchestrate
