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

TEST_SUITE_END();
