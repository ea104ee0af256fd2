#include <doctest/doctest.h>

#include "backfill/options.hpp"
#include "core/errors.hpp"

namespace test_backfill_window {

using namespace orchestrate;

TEST_SUITE_BEGIN("backfill_window");

TEST_CASE("a window is HH:MM-HH:MM or H:MM-H:MM and may cross midnight") {
  CHECK(inside_window("9:00-17:00", 9 * 60));
  CHECK(inside_window("09:00-17:00", 16 * 60 + 59));
  CHECK_FALSE(inside_window("9:00-17:00", 17 * 60));
  CHECK_FALSE(inside_window("9:00-17:00", 8 * 60 + 59));
  CHECK(inside_window("22:00-6:00", 23 * 60));
  CHECK(inside_window("22:00-6:00", 5 * 60));
  CHECK_FALSE(inside_window("22:00-6:00", 12 * 60));
  CHECK_THROWS_AS(inside_window("25:00-06:00", 0), InputError);
  CHECK_THROWS_AS(inside_window("9-17", 0), InputError);
}

TEST_SUITE_END();

} // namespace test_backfill_window
