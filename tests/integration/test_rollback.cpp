#include <doctest/doctest.h>

#include "fixture.hpp"
#include "rollback_chain.hpp"
#include "writes.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"

namespace test_rollback {

TEST_SUITE_BEGIN("rollback");

TEST_CASE("rollback from every phase before contract leaves the schema as it was") {
  std::string before;
  itest::RollbackChain chain;
  chain.tag = "rollback";
  chain.rows = 1000;
  chain.start = [&](const itest::TestDb& db) {
    REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
    before = db.dump();
  };
  chain.check = [&](const itest::TestDb& db, int) {
    CHECK(db.dump() == before);
    CHECK(plan_state(db) == "rolled_back");
    CHECK(db.orchestrate({"next", "rename-users-phone"}).exit_code == 2);
  };
  itest::rollback_from_each_phase(chain);
}

TEST_CASE("rollback is refused once contract has run") {
  itest::TestDb db("rollback_done", 200);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  auto r = db.orchestrate({"rollback", "rename-users-phone"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("nothing to roll back") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_rollback
