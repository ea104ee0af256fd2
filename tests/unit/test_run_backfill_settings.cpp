#include <doctest/doctest.h>

#include "run/backfill_settings.hpp"

namespace test_run_backfill_settings {

using namespace orchestrate;

TEST_SUITE_BEGIN("run_backfill_settings");

TEST_CASE("a fleet target's backfill settings hold where the flags give none") {
  const BackfillSettings target{.max_rows_per_second = 500.0,
                                .workers = 2,
                                .max_replica_lag = "2s",
                                .replicas = {"eu-1-dr"},
                                .max_wal_rate = "16MB"};
  const BackfillSettings flags{.batch_size = 100, .workers = 4, .max_replica_lag = "5s"};
  const BackfillSettings merged = overlay_backfill_settings(target, flags);
  CHECK(merged.batch_size == 100);
  CHECK(merged.workers == 4);
  CHECK(*merged.max_rows_per_second == doctest::Approx(500.0));
  CHECK(merged.max_replica_lag == "5s");
  CHECK(merged.replicas == std::vector<std::string>{"eu-1-dr"});
  CHECK(merged.max_wal_rate == "16MB");
  CHECK_FALSE(merged.window);
  CHECK_FALSE(merged.max_xact_age);
  const BackfillSettings named = overlay_backfill_settings(target, {.replicas = {"other"}});
  CHECK(named.replicas == std::vector<std::string>{"other"});
}

TEST_SUITE_END();

} // namespace test_run_backfill_settings
