#include "backfill/health.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/units.hpp"

namespace orchestrate {

namespace {

constexpr auto k_rate_window = std::chrono::seconds(2);
constexpr auto k_rate_min_span = std::chrono::milliseconds(500);
constexpr std::size_t k_max_wal_points = 20000; // over an hour of samples

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string limit_text(std::chrono::milliseconds ms) {
  return ms.count() % 1000 == 0 ? fmt::format("{} s", ms.count() / 1000)
                                : fmt::format("{} ms", ms.count());
}

} // namespace

std::string health_columns_sql() {
  return ", pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
         "CASE WHEN $3::boolean THEN (SELECT coalesce(json_agg(json_build_object("
         "'name', r.application_name, 'state', r.state, "
         "'replay', pg_wal_lsn_diff(r.replay_lsn, '0/0')::bigint, "
         "'lag', extract(epoch FROM r.replay_lag)::float8) ORDER BY r.application_name), "
         "'[]')::text FROM pg_stat_replication r) END, "
         // Sessions of other databases do not hold back this database's horizon; VACUUM's and
         // other background workers' snapshots are not the application's transactions.
         "CASE WHEN $4::boolean THEN (SELECT json_build_object('pid', x.pid, 'application', "
         "x.application, 'age', x.age)::text FROM ("
         "SELECT a.pid, coalesce(a.application_name, '') AS application, "
         "extract(epoch FROM now() - a.xact_start)::float8 AS age FROM pg_stat_activity a "
         "WHERE a.datname = current_database() AND a.backend_type = 'client backend' "
         "AND a.pid <> pg_backend_pid() AND a.pid <> ALL ($2::int[]) "
         "AND a.xact_start IS NOT NULL "
         "AND (a.backend_xid IS NOT NULL OR a.backend_xmin IS NOT NULL) "
         "UNION ALL SELECT 0, 'prepared transaction ' || p.gid, "
         "extract(epoch FROM now() - p.prepared)::float8 FROM pg_prepared_xacts p "
         "WHERE p.database = current_database()) x ORDER BY x.age DESC LIMIT 1) END";
}

HealthSample parse_health_sample(std::chrono::steady_clock::time_point at,
                                 const std::string& wal_lsn,
                                 const std::string& replicas_json,
                                 const std::string& xact_json,
                                 long long lock_waiters) {
  HealthSample s;
  s.at = at;
  s.wal_lsn = std::stoll(wal_lsn);
  s.lock_waiters = lock_waiters;
  if (!replicas_json.empty()) {
    for (const auto& r : nlohmann::json::parse(replicas_json)) {
      ReplicaSample one;
      one.name = r.value("name", "");
      one.state = r["state"].is_string() ? r["state"].get<std::string>() : "";
      if (r["replay"].is_number()) {
        one.replay_lsn = r["replay"].get<long long>();
      }
      if (r["lag"].is_number()) {
        one.reported_lag = r["lag"].get<double>();
      }
      s.replicas.push_back(one);
    }
  }
  if (!xact_json.empty()) {
    const auto x = nlohmann::json::parse(xact_json);
    s.oldest_xact = XactSample{.pid = x.value("pid", 0),
                               .application = x.value("application", ""),
                               .age_seconds = x.value("age", 0.0)};
  }
  return s;
}

nlohmann::json throttle_json(const std::string& reason,
                             const std::string& detail,
                             const HealthFigures& f) {
  nlohmann::json j = {{"reason", reason}, {"detail", detail}, {"lock_waiters", f.lock_waiters}};
  if (!f.replica.empty()) {
    j["replica"] = f.replica;
  }
  if (f.replica_lag_seconds) {
    j["replica_lag_seconds"] = *f.replica_lag_seconds;
  }
  if (f.replica_lag_bytes) {
    j["replica_lag_bytes"] = *f.replica_lag_bytes;
  }
  if (f.wal_bytes_per_second) {
    j["wal_bytes_per_second"] = *f.wal_bytes_per_second;
  }
  if (f.xact_age_seconds) {
    j["xact_age_seconds"] = *f.xact_age_seconds;
    if (*f.xact_age_seconds > 0) {
      j["xact_pid"] = f.xact_pid;
      j["xact_application"] = f.xact_application;
    }
  }
  return j;
}

HealthWatch::HealthWatch(const BackfillOptions& limits) : m_limits(limits) {}

bool HealthWatch::watches_replicas(const BackfillOptions& o) {
  return o.max_replica_lag.has_value() || o.max_replica_lag_bytes.has_value();
}

bool HealthWatch::watches_xacts(const BackfillOptions& o) {
  return o.max_xact_age.has_value();
}

double HealthWatch::seconds_behind(const ReplicaSample& r, const HealthSample& s) const {
  if (!r.replay_lsn || *r.replay_lsn >= s.wal_lsn) {
    return 0;
  }
  // The first sample that had WAL past the replay position: that WAL is at least this old.
  const auto first = std::find_if(m_wal.begin(), m_wal.end(),
                                  [&](const WalPoint& p) { return p.lsn > *r.replay_lsn; });
  const double since = first == m_wal.end() ? 0 : seconds(s.at - first->at);
  if (first == m_wal.begin()) {
    // The WAL it misses is older than every sample: the server's own figure may know more.
    return std::max(since, r.reported_lag.value_or(0));
  }
  return since;
}

std::optional<double> HealthWatch::wal_rate(const HealthSample& s) const {
  // The newest sample at least the window old, else the oldest there is.
  const WalPoint* from = nullptr;
  for (const auto& p : m_wal) {
    if (s.at - p.at >= k_rate_window || from == nullptr) {
      from = &p;
    }
    if (s.at - p.at < k_rate_window) {
      break;
    }
  }
  if (from == nullptr || s.at - from->at < k_rate_min_span) {
    return std::nullopt;
  }
  return static_cast<double>(std::max(0LL, s.wal_lsn - from->lsn)) / seconds(s.at - from->at);
}

void HealthWatch::forget_old(const HealthSample& s) {
  long long oldest_replay = s.wal_lsn;
  for (const auto& r : s.replicas) {
    if (r.replay_lsn) {
      oldest_replay = std::min(oldest_replay, *r.replay_lsn);
    }
  }
  // Keep one sample at or before the oldest replay position (so the first one past it is known
  // to be the first) and every sample the rate's window needs.
  while (m_wal.size() > 2 && m_wal[1].lsn <= oldest_replay &&
         s.at - m_wal[1].at >= k_rate_window) {
    m_wal.pop_front();
  }
  while (m_wal.size() > k_max_wal_points) {
    m_wal.pop_front();
  }
}

HealthVerdict HealthWatch::observe(const HealthSample& s) {
  m_wal.push_back({s.at, s.wal_lsn});
  HealthVerdict v;
  v.figures.lock_waiters = s.lock_waiters;
  std::vector<std::string> behind;

  if (watches_replicas(m_limits)) {
    const auto& named = m_limits.replicas;
    for (const auto& name : named) {
      const bool connected = std::any_of(s.replicas.begin(), s.replicas.end(),
                                         [&](const ReplicaSample& r) { return r.name == name; });
      if (!connected && v.reason.empty()) {
        v.reason = "replica_lag";
        v.detail = fmt::format("standby '{}' is not connected (not in pg_stat_replication)", name);
        v.figures.replica = name;
      }
    }
    // The figures show the standby that holds the backfill, else the one furthest behind.
    bool holding = !v.reason.empty();
    double worst = -1;
    for (const auto& r : s.replicas) {
      if (!named.empty() && std::find(named.begin(), named.end(), r.name) == named.end()) {
        continue;
      }
      const double secs = seconds_behind(r, s);
      const long long bytes = r.replay_lsn ? std::max(0LL, s.wal_lsn - *r.replay_lsn) : 0;
      const bool too_late = m_limits.max_replica_lag &&
                            secs * 1000 > static_cast<double>(m_limits.max_replica_lag->count());
      const bool too_far =
          m_limits.max_replica_lag_bytes && bytes > *m_limits.max_replica_lag_bytes;
      if (holding || (secs <= worst && !too_late && !too_far)) {
        continue;
      }
      worst = secs;
      v.figures.replica = r.name;
      v.figures.replica_lag_seconds = secs;
      v.figures.replica_lag_bytes = bytes;
      if (too_late || too_far) {
        holding = true;
        v.reason = "replica_lag";
        v.detail = fmt::format("standby '{}' is {:.1f} s and {} behind (limit {})", r.name, secs,
                               format_bytes(static_cast<double>(bytes)),
                               too_late ? limit_text(*m_limits.max_replica_lag)
                                        : format_bytes(static_cast<double>(
                                              *m_limits.max_replica_lag_bytes)));
      }
    }
  }

  if (watches_xacts(m_limits)) {
    if (s.oldest_xact) {
      const auto& x = *s.oldest_xact;
      v.figures.xact_age_seconds = x.age_seconds;
      v.figures.xact_pid = x.pid;
      v.figures.xact_application = x.application;
      if (v.reason.empty() &&
          x.age_seconds * 1000 > static_cast<double>(m_limits.max_xact_age->count())) {
        v.reason = "xact_age";
        v.detail = fmt::format(
            "{} open for {:.1f} s pins the xmin horizon (limit {})",
            x.pid == 0 ? x.application
                       : fmt::format("transaction of pid {} (application '{}')", x.pid,
                                     x.application),
            x.age_seconds, limit_text(*m_limits.max_xact_age));
      }
    } else {
      v.figures.xact_age_seconds = 0;
    }
  }

  if (m_limits.max_wal_rate) {
    v.figures.wal_bytes_per_second = wal_rate(s);
    if (v.reason.empty() && v.figures.wal_bytes_per_second &&
        *v.figures.wal_bytes_per_second > static_cast<double>(*m_limits.max_wal_rate)) {
      v.reason = "wal_rate";
      v.detail = fmt::format("WAL written at {}/s over the last {} s (limit {}/s)",
                             format_bytes(*v.figures.wal_bytes_per_second),
                             std::chrono::duration_cast<std::chrono::seconds>(k_rate_window).count(),
                             format_bytes(static_cast<double>(*m_limits.max_wal_rate)));
    }
  }

  if (v.reason.empty() && s.lock_waiters > 0) {
    v.reason = "lock_waiters";
    v.detail = fmt::format("{} session(s) wait for locks a batch holds", s.lock_waiters);
  }
  forget_old(s);
  return v;
}

} // namespace orchestrate
