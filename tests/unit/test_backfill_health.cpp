#include <doctest/doctest.h>

#include "backfill/health.hpp"

namespace test_backfill_health {

using namespace orchestrate;
using namespace std::chrono_literals;

TEST_SUITE_BEGIN("backfill_health");

namespace {

const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;

HealthSample sample(std::chrono::milliseconds at,
                    long long wal,
                    std::vector<ReplicaSample> replicas = {}) {
  HealthSample s;
  s.at = t0 + at;
  s.wal_lsn = wal;
  s.replicas = std::move(replicas);
  return s;
}

ReplicaSample standby(const std::string& name,
                      long long replay,
                      std::optional<double> reported = std::nullopt) {
  return {.name = name, .state = "streaming", .replay_lsn = replay, .reported_lag = reported};
}

BackfillOptions lag_limit(std::chrono::milliseconds limit) {
  BackfillOptions o;
  o.max_replica_lag = limit;
  return o;
}

} // namespace

TEST_CASE("a standby that replayed everything is not late, however long it has been idle") {
  const auto o = lag_limit(2s);
  HealthWatch w(o);
  for (int i = 0; i <= 40; ++i) {
    // An hour-old replay_lag from the server does not count once nothing is left to replay.
    const auto v = w.observe(sample(i * 250ms, 5000, {standby("s1", 5000, 3600.0)}));
    CHECK(v.reason.empty());
    CHECK(*v.figures.replica_lag_seconds == 0);
    CHECK(*v.figures.replica_lag_bytes == 0);
  }
}

TEST_CASE("a paused standby falls further behind every second, even when nothing new is "
          "written") {
  const auto o = lag_limit(2s);
  HealthWatch w(o);
  CHECK(w.observe(sample(0ms, 1000, {standby("s1", 1000)})).reason.empty());
  // WAL past its replay position appears at 0.25 s; then the primary writes nothing more.
  CHECK(w.observe(sample(250ms, 9000, {standby("s1", 1000)})).reason.empty());
  const auto at_2s = w.observe(sample(2000ms, 9000, {standby("s1", 1000)}));
  CHECK(at_2s.reason.empty());
  CHECK(*at_2s.figures.replica_lag_seconds == doctest::Approx(1.75));
  CHECK(*at_2s.figures.replica_lag_bytes == 8000);
  const auto at_3s = w.observe(sample(3000ms, 9000, {standby("s1", 1000)}));
  CHECK(at_3s.reason == "replica_lag");
  CHECK(at_3s.figures.replica == "s1");
  CHECK(*at_3s.figures.replica_lag_seconds == doctest::Approx(2.75));
  CHECK(at_3s.detail.find("standby 's1' is 2.8 s and 7.8 kB behind (limit 2 s)") !=
        std::string::npos);
  // Replay resumed: it reported all but the latest write, which is recent.
  const auto resumed = w.observe(sample(3250ms, 9500, {standby("s1", 9000)}));
  CHECK(resumed.reason.empty());
  CHECK(*resumed.figures.replica_lag_seconds == 0);
}

TEST_CASE("WAL older than every sample is as old as the server's replay_lag says, at least") {
  const auto o = lag_limit(2s);
  HealthWatch w(o);
  const auto v = w.observe(sample(0ms, 9000, {standby("s1", 1000, 30.0)}));
  CHECK(v.reason == "replica_lag");
  CHECK(*v.figures.replica_lag_seconds == doctest::Approx(30.0));
}

TEST_CASE("a byte limit holds on the WAL left to replay") {
  BackfillOptions o;
  o.max_replica_lag_bytes = 4096;
  HealthWatch w(o);
  CHECK(w.observe(sample(0ms, 5000, {standby("s1", 1000)})).reason.empty());
  const auto v = w.observe(sample(250ms, 5200, {standby("s1", 1000)}));
  CHECK(v.reason == "replica_lag");
  CHECK(v.detail.find("(limit 4.0 kB)") != std::string::npos);
}

TEST_CASE("named standbys are the only ones watched, and one not connected holds") {
  auto o = lag_limit(2s);
  o.replicas = {"near"};
  HealthWatch w(o);
  const auto far_ignored = w.observe(sample(0ms, 9000, {standby("far", 1, 60.0), standby("near", 9000)}));
  CHECK(far_ignored.reason.empty());
  CHECK(far_ignored.figures.replica == "near");
  const auto gone = w.observe(sample(250ms, 9000, {standby("far", 1, 60.0)}));
  CHECK(gone.reason == "replica_lag");
  CHECK(gone.detail == "standby 'near' is not connected (not in pg_stat_replication)");
}

TEST_CASE("every standby counts when none is named, and the figures show the one furthest behind") {
  const auto o = lag_limit(10s);
  HealthWatch w(o);
  const auto v = w.observe(sample(0ms, 9000, {standby("a", 9000), standby("b", 100, 4.0)}));
  CHECK(v.reason.empty());
  CHECK(v.figures.replica == "b");
  CHECK(*v.figures.replica_lag_seconds == doctest::Approx(4.0));
}

TEST_CASE("an old transaction holds, naming its backend") {
  BackfillOptions o;
  o.max_xact_age = 5s;
  HealthWatch w(o);
  auto s = sample(0ms, 100);
  s.oldest_xact = XactSample{.pid = 4242, .application = "report", .age_seconds = 4};
  CHECK(w.observe(s).reason.empty());
  s.at += 2s;
  s.oldest_xact->age_seconds = 6;
  const auto v = w.observe(s);
  CHECK(v.reason == "xact_age");
  CHECK(v.detail ==
        "transaction of pid 4242 (application 'report') open for 6.0 s pins the xmin horizon "
        "(limit 5 s)");
  CHECK(v.figures.xact_pid == 4242);
  s.oldest_xact.reset();
  s.at += 1s;
  CHECK(w.observe(s).reason.empty());
}

TEST_CASE("the WAL rate is the WAL position's advance over the last two seconds") {
  BackfillOptions o;
  o.max_wal_rate = 1000;
  HealthWatch w(o);
  CHECK(!w.observe(sample(0ms, 0)).figures.wal_bytes_per_second);
  const auto slow = w.observe(sample(1000ms, 900));
  CHECK(slow.reason.empty());
  CHECK(*slow.figures.wal_bytes_per_second == doctest::Approx(900));
  const auto fast = w.observe(sample(2000ms, 3000));
  CHECK(fast.reason == "wal_rate");
  CHECK(*fast.figures.wal_bytes_per_second == doctest::Approx(1500));
  // Two quiet seconds later the window holds only them.
  w.observe(sample(3000ms, 3000));
  const auto quiet = w.observe(sample(4000ms, 3000));
  CHECK(quiet.reason.empty());
  CHECK(*quiet.figures.wal_bytes_per_second == doctest::Approx(0));
}

TEST_CASE("sessions waiting behind a batch hold last, after every limit") {
  auto o = lag_limit(1s);
  HealthWatch w(o);
  auto s = sample(0ms, 100, {standby("s1", 100)});
  s.lock_waiters = 2;
  const auto v = w.observe(s);
  CHECK(v.reason == "lock_waiters");
  CHECK(v.figures.lock_waiters == 2);
}

TEST_CASE("the query's columns parse into a sample") {
  const auto s = parse_health_sample(
      t0, "123456",
      R"([{"name": "s1", "state": "streaming", "replay": 100, "lag": 0.5},
          {"name": "s2", "state": "startup", "replay": null, "lag": null}])",
      R"({"pid": 7, "application": "psql", "age": 12.5})", 3);
  CHECK(s.wal_lsn == 123456);
  REQUIRE(s.replicas.size() == 2);
  CHECK(*s.replicas[0].replay_lsn == 100);
  CHECK(*s.replicas[0].reported_lag == 0.5);
  CHECK(!s.replicas[1].replay_lsn);
  REQUIRE(s.oldest_xact);
  CHECK(s.oldest_xact->pid == 7);
  CHECK(s.lock_waiters == 3);
  CHECK(parse_health_sample(t0, "1", "", "", 0).replicas.empty());
}

TEST_SUITE_END();

} // namespace test_backfill_health
