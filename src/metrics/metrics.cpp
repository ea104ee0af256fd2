#include "metrics/metrics.hpp"

#include <fmt/format.h>

namespace orchestrate {

namespace {
// Label values escape backslash, double quote and newline.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void metric(std::string& out,
            const char* name,
            const char* type,
            const char* help,
            const std::string& labels,
            double value) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{}{{{}}} {}\n", name, help, name, type, name,
                     labels, value);
}
} // namespace

BackfillMetrics::BackfillMetrics(std::string plan) : m_plan(std::move(plan)) {}

void BackfillMetrics::update(const Progress& p) {
  std::lock_guard lock(m_mutex);
  const auto now = Clock::now();
  if (m_updates > 0) {
    const double since = std::chrono::duration<double>(now - m_last_at).count();
    // Throttled time is charged to the reason in force during the interval that just ended.
    if (!m_last.throttled_by.empty()) {
      m_throttled_seconds[m_last.throttled_by] += since;
    }
  }
  m_last = p;
  m_last_at = now;
  ++m_updates;
}

std::string BackfillMetrics::render() const {
  std::lock_guard lock(m_mutex);
  const std::string plan = "plan=\"" + label(m_plan) + "\"";
  std::string out;
  metric(out, "orchestrate_backfill_rows_done", "gauge",
         "Rows the backfill has processed (counted).", plan,
         static_cast<double>(m_last.rows_done));
  metric(out, "orchestrate_backfill_rows_estimated", "gauge",
         "Rows the backfill expects to process in all: an estimate from table statistics, "
         "exact once it is done.",
         plan, static_cast<double>(m_last.rows_estimated));
  metric(out, "orchestrate_backfill_rows_per_second", "gauge", "Current backfill rate.", plan,
         m_last.rows_per_second);
  metric(out, "orchestrate_backfill_eta_seconds", "gauge",
         "Estimated seconds left (-1 when unknown).", plan, m_last.eta_seconds);
  metric(out, "orchestrate_backfill_batch_size", "gauge", "Current batch size in rows.", plan,
         static_cast<double>(m_last.batch_size));
  metric(out, "orchestrate_backfill_batch_seconds", "gauge",
         "How long the latest batch took, round trip included.", plan, m_last.batch_ms / 1000);
  metric(out, "orchestrate_backfill_retries_total", "counter",
         "Batches run again after a retryable error (lock timeout, serialization failure, "
         "deadlock) or a lost connection.",
         plan, static_cast<double>(m_last.retries));
  metric(out, "orchestrate_backfill_progress_reports_total", "counter",
         "Progress reports received from the backfill engine.", plan,
         static_cast<double>(m_updates));
  metric(out, "orchestrate_backfill_throttled", "gauge",
         "1 while the backfill is throttled, 0 while it runs freely.", plan,
         m_last.throttled_by.empty() ? 0.0 : 1.0);
  out += "# HELP orchestrate_backfill_throttled_seconds_total Seconds the backfill spent "
         "throttled, by reason.\n# TYPE orchestrate_backfill_throttled_seconds_total counter\n";
  for (const auto& [reason, seconds] : m_throttled_seconds) {
    out += fmt::format("orchestrate_backfill_throttled_seconds_total{{{},reason=\"{}\"}} {}\n",
                       plan, label(reason), seconds);
  }
  if (m_throttled_seconds.empty()) {
    out += fmt::format("orchestrate_backfill_throttled_seconds_total{{{},reason=\"none\"}} 0\n",
                       plan);
  }
  if (!m_last.throttled_by.empty()) {
    metric(out, "orchestrate_backfill_throttled_by", "gauge",
           "1, labelled with what throttles the backfill as of the latest report.",
           plan + ",reason=\"" + label(m_last.throttled_by) + "\"", 1.0);
  }
  const HealthFigures& h = m_last.health;
  const std::string replica =
      h.replica.empty() ? plan : plan + ",replica=\"" + label(h.replica) + "\"";
  if (h.replica_lag_seconds) {
    metric(out, "orchestrate_backfill_replica_lag_seconds", "gauge",
           "How long ago the primary wrote the oldest WAL the standby furthest behind has not "
           "replayed.",
           replica, *h.replica_lag_seconds);
  }
  if (h.replica_lag_bytes) {
    metric(out, "orchestrate_backfill_replica_lag_bytes", "gauge",
           "WAL bytes that standby has not replayed.", replica,
           static_cast<double>(*h.replica_lag_bytes));
  }
  if (h.wal_bytes_per_second) {
    metric(out, "orchestrate_backfill_wal_bytes_per_second", "gauge",
           "The server's WAL rate over the last seconds.", plan, *h.wal_bytes_per_second);
  }
  if (h.xact_age_seconds) {
    metric(out, "orchestrate_backfill_oldest_xact_seconds", "gauge",
           "Age of the oldest transaction pinning the xmin horizon in this database.", plan,
           *h.xact_age_seconds);
  }
  metric(out, "orchestrate_backfill_lock_waiters", "gauge",
         "Sessions waiting for locks a batch holds.", plan, static_cast<double>(h.lock_waiters));
  metric(out, "orchestrate_backfill_running_seconds", "gauge",
         "Seconds since this process started serving metrics.", plan,
         std::chrono::duration<double>(Clock::now() - m_started).count());
  return out;
}

} // namespace orchestrate
