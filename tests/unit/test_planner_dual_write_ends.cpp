#include <doctest/doctest.h>

#include "planner/dual_write_ends.hpp"

namespace test_planner_dual_write_ends {

using namespace orchestrate;

TEST_SUITE_BEGIN("planner_dual_write_ends");

TEST_CASE("contract ends each table's dual-writes in one step, every trigger dropped first") {
  const std::vector<Step> steps = {
      {.id = "a.drop_sync", .sql = "DROP TRIGGER a", .ends_dual_write = "users", .drops_trigger = true},
      {.id = "a.swap", .sql = "SWAP a", .ends_dual_write = "users"},
      {.id = "x.other", .sql = "OTHER"},
      {.id = "c.drop_sync", .sql = "DROP TRIGGER c", .ends_dual_write = "orders", .drops_trigger = true},
      {.id = "c.swap", .sql = "SWAP c", .ends_dual_write = "orders"},
      {.id = "b.drop_sync", .sql = "DROP TRIGGER b", .ends_dual_write = "users", .drops_trigger = true},
      {.id = "b.swap", .sql = "SWAP b", .ends_dual_write = "users"},
  };
  const auto out = join_dual_write_ends(steps);
  REQUIRE(out.size() == 3);
  CHECK(out[0].id == "a.swap+b.swap");
  CHECK(out[0].sql == "DROP TRIGGER a;\nDROP TRIGGER b;\nSWAP a;\nSWAP b");
  CHECK(out[0].in_transaction);
  CHECK(out[1].id == "x.other");
  // A table one change ends alone keeps that change's id: drop and swap as one step.
  CHECK(out[2].id == "c.swap");
  CHECK(out[2].sql == "DROP TRIGGER c;\nSWAP c");
}

TEST_CASE("a table with only a trigger to drop keeps its step as it is") {
  const auto out = join_dual_write_ends(
      {{.id = "t.drop_touch", .sql = "DROP TRIGGER t", .ends_dual_write = "users", .drops_trigger = true}});
  REQUIRE(out.size() == 1);
  CHECK(out[0].id == "t.drop_touch");
  CHECK(out[0].sql == "DROP TRIGGER t");
}

TEST_SUITE_END();

} // namespace test_planner_dual_write_ends
