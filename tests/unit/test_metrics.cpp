#include <doctest/doctest.h>

#include "metrics/metrics.hpp"

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

TEST_SUITE_END();
