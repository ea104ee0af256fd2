#include <doctest/doctest.h>

#include "kinds_meta_catalog.hpp"

namespace test_changes_drop_index {

using namespace orchestrate;
using kinds_basic::has_check;
using kinds_basic::has_step;
using kinds_meta::plan_error;
using kinds_meta::render;

TEST_SUITE_BEGIN("changes_drop_index");

TEST_CASE("an index is dropped concurrently at contract and nothing happens before") {
  auto w = render("  - drop_index: {table: users, name: users_name_idx}\n");
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(w.at(p).steps.empty());
    CHECK(w.at(p).gate.empty());
    CHECK(w.rollback[static_cast<int>(p)].empty());
  }
  const auto& contract = w.at(Phase::contract);
  REQUIRE(contract.steps.size() == 1);
  const Step& drop = contract.steps[0];
  CHECK(drop.id == "drop_index.users_name_idx.drop");
  CHECK(drop.sql == "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_name_idx\"");
  CHECK_FALSE(drop.in_transaction);
  CHECK_FALSE(drop.under_lock_timeout);
  // An interrupted drop leaves the index behind: the step is done only once it is gone.
  CHECK(drop.verify == "SELECT to_regclass('\"public\".\"users_name_idx\"') IS NULL");
  CHECK(has_check(contract, "drop_index.users_name_idx.gone"));
}

TEST_CASE("drop_index finds the table itself, and the name stays taken for later changes") {
  auto w = render("  - drop_index: {name: users_name_idx}\n");
  CHECK(has_step(w.at(Phase::contract), "DROP INDEX CONCURRENTLY IF EXISTS"));
  // The index goes at contract, after a later change's expand would build another.
  CHECK(plan_error("  - drop_index: {name: users_name_idx}\n"
                   "  - create_index: {table: users, name: users_name_idx, columns: [email]}\n")
            .find("the name users_name_idx is already taken") != std::string::npos);
  CHECK(plan_error("  - drop_index: {name: users_name_idx}\n"
                   "  - drop_index: {name: users_name_idx}\n")
            .find("p.yaml:4:24: drop_index: index public.users_name_idx does not exist") !=
        std::string::npos);
}

TEST_CASE("drop_index refuses a missing index, another table's, and one backing a constraint") {
  CHECK(plan_error("  - drop_index: {name: nope}\n") ==
        "p.yaml:3:24: drop_index: index public.nope does not exist");
  CHECK(plan_error("  - drop_index: {table: accounts, name: users_name_idx}\n") ==
        "p.yaml:3:41: drop_index: index public.users_name_idx does not exist on table accounts");
  CHECK(plan_error("  - drop_index: {name: users_email_key}\n") ==
        "p.yaml:3:24: drop_index: index users_email_key backs constraint users_email_key of "
        "table users; drop the constraint instead (drop_constraint), which drops its index");
  CHECK(plan_error("  - drop_index: {name: users_pkey}\n").find("backs constraint users_pkey") !=
        std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_drop_index
