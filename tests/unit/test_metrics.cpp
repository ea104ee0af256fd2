#include <doctest/doctest.h>

#include "core/errors.hpp"
#include "metrics/metrics.hpp"
#include "metrics/server.hpp"

namespace test_metrics {

using namespace orchestrate;

TEST_SUITE_BEGIN("metrics");

TEST_CASE("metrics keep the rows processed and the estimate apart, each under its own name") {
  BackfillMetrics m("p");
  Progress p;
  p.rows_done = 5;
  p.rows_estimated = 100;
  m.update(p);
  const std::string out = m.render();
  INFO(out);
  CHECK(out.find("orchestrate_backfill_rows_done{plan=\"p\"} 5\n") != std::string::npos);
  CHECK(out.find("orchestrate_backfill_rows_estimated{plan=\"p\"} 100\n") != std::string::npos);
  CHECK(out.find("# HELP orchestrate_backfill_rows_estimated") != std::string::npos);
  CHECK(out.find("an estimate") != std::string::npos);
  CHECK(out.find("rows_total") == std::string::npos);
}

TEST_CASE("metrics say what throttles the backfill, with the health figures measured") {
  BackfillMetrics m("p");
  Progress p;
  p.throttled_by = "replica_lag";
  p.health.replica = "replica-1";
  p.health.replica_lag_seconds = 3.5;
  p.health.replica_lag_bytes = 4096;
  p.health.lock_waiters = 2;
  m.update(p);
  const std::string out = m.render();
  INFO(out);
  CHECK(out.find("orchestrate_backfill_throttled_by{plan=\"p\",reason=\"replica_lag\"} 1\n") !=
        std::string::npos);
  CHECK(out.find("orchestrate_backfill_replica_lag_seconds{plan=\"p\",replica=\"replica-1\"} "
                 "3.5\n") != std::string::npos);
  CHECK(out.find("orchestrate_backfill_replica_lag_bytes{plan=\"p\",replica=\"replica-1\"} "
                 "4096\n") != std::string::npos);
  CHECK(out.find("orchestrate_backfill_lock_waiters{plan=\"p\"} 2\n") != std::string::npos);
  // A figure no limit asked for is not made up.
  CHECK(out.find("orchestrate_backfill_wal_bytes_per_second") == std::string::npos);

  p.throttled_by.clear();
  m.update(p);
  CHECK(m.render().find("orchestrate_backfill_throttled_by{") == std::string::npos);
}

TEST_CASE("each batch's duration lands once in the histogram, throttled time by reason") {
  BackfillMetrics m("p");
  Progress p;
  p.rows_done = 100;
  p.batch_ms = 40;
  m.update(p);
  m.update(p); // a report with no new batch (a throttle's) observes nothing
  p.rows_done = 200;
  p.batch_ms = 700;
  p.throttled_by = "lock_waiters";
  m.update(p);
  p.throttled_by.clear();
  m.update(p);
  const std::string out = m.render();
  INFO(out);
  CHECK(out.find("# TYPE orchestrate_backfill_batch_duration_seconds histogram") !=
        std::string::npos);
  CHECK(out.find("orchestrate_backfill_batch_duration_seconds_count{plan=\"p\"} 2\n") !=
        std::string::npos);
  CHECK(out.find("orchestrate_backfill_batch_duration_seconds_bucket{plan=\"p\",le=\"0.05\"} 1\n") !=
        std::string::npos);
  CHECK(out.find("orchestrate_backfill_batch_duration_seconds_bucket{plan=\"p\",le=\"1\"} 2\n") !=
        std::string::npos);
  CHECK(out.find("orchestrate_backfill_throttled_seconds_total{plan=\"p\",reason=\"lock_waiters\"}") !=
        std::string::npos);
  CHECK(out.find("orchestrate_backfill_progress_reports_total{plan=\"p\"} 4\n") !=
        std::string::npos);
}

TEST_CASE("a lag measured on another standby replaces the first one's series") {
  BackfillMetrics m("p");
  Progress p;
  p.health.replica = "a";
  p.health.replica_lag_bytes = 10;
  m.update(p);
  p.health.replica = "b";
  p.health.replica_lag_bytes = 20;
  m.update(p);
  const std::string out = m.render();
  INFO(out);
  CHECK(out.find("replica=\"a\"") == std::string::npos);
  CHECK(out.find("orchestrate_backfill_replica_lag_bytes{plan=\"p\",replica=\"b\"} 20\n") !=
        std::string::npos);
}

TEST_CASE("the server binds at once: it says where, and a port in use is bad input") {
  auto metrics = std::make_shared<BackfillMetrics>("p");
  MetricsServer first("127.0.0.1", 0, metrics);
  REQUIRE(first.port() > 0);
  CHECK(first.endpoint() == "127.0.0.1:" + std::to_string(first.port()));
  CHECK_THROWS_AS(MetricsServer("127.0.0.1", first.port(), metrics), InputError);
  CHECK_THROWS_WITH_AS(MetricsServer("localhost", 0, metrics),
                       doctest::Contains("is not an IP address"), InputError);
  MetricsServer v6("::1", 0, metrics);
  CHECK(v6.endpoint() == "[::1]:" + std::to_string(v6.port()));
}

TEST_SUITE_END();

TEST_CASE("a fleet's metrics carry a target label and list each family once") {
  FleetMetrics fleet("p");
  Progress a;
  a.rows_done = 7;
  a.throttled_by = "replica_lag";
  fleet.of("eu-1")->update(a);
  Progress b;
  b.rows_done = 9;
  fleet.of("us-1")->update(b);
  const std::string out = fleet.render();
  INFO(out);
  CHECK(out.find("orchestrate_backfill_rows_done{plan=\"p\",target=\"eu-1\"} 7\n") !=
        std::string::npos);
  CHECK(out.find("orchestrate_backfill_rows_done{plan=\"p\",target=\"us-1\"} 9\n") !=
        std::string::npos);
  CHECK(out.find("orchestrate_backfill_throttled_by{plan=\"p\",target=\"eu-1\",reason="
                 "\"replica_lag\"} 1\n") != std::string::npos);
  const auto help = out.find("# HELP orchestrate_backfill_rows_done ");
  REQUIRE(help != std::string::npos);
  CHECK(out.find("# HELP orchestrate_backfill_rows_done ", help + 1) == std::string::npos);
}

} // namespace test_metrics
