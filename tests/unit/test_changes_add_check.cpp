#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_add_check {

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_add_check");

TEST_CASE("a check is added NOT VALID at expand and validated at transition") {
  auto w = render("  - add_check: {table: accounts, name: balance_positive, check: balance >= 0}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql.find("IF NOT EXISTS (SELECT 1 FROM pg_constraint") != std::string::npos);
  CHECK(expand.steps[0].sql.find("ALTER TABLE \"public\".\"accounts\" ADD CONSTRAINT "
                                 "\"balance_positive\" CHECK (balance >= 0) NOT VALID") !=
        std::string::npos);
  CHECK(w.at(Phase::dual_write).steps.empty());
  CHECK(w.at(Phase::backfill).steps.empty());
  CHECK(w.at(Phase::backfill).backfills.empty());
  const auto& tr = w.at(Phase::transition);
  REQUIRE(tr.steps.size() == 1);
  // Guarded: run again once validated (or once gone), it does nothing.
  CHECK(tr.steps[0].sql.find("conname = 'balance_positive' AND NOT convalidated") !=
        std::string::npos);
  CHECK(tr.steps[0].sql.find("ALTER TABLE \"public\".\"accounts\" VALIDATE CONSTRAINT "
                             "\"balance_positive\";") != std::string::npos);
  REQUIRE(tr.gate.size() == 1);
  CHECK(tr.gate[0].sql.find("AND convalidated") != std::string::npos);
  CHECK(w.at(Phase::contract).steps.empty());
  CHECK(rollback_has(w, Phase::transition, "DROP CONSTRAINT IF EXISTS \"balance_positive\""));
}

TEST_CASE("add_check refuses a name already taken and an unknown table") {
  CHECK(plan_error("  - add_check: {table: accounts, name: accounts_pkey, check: id > 0}\n")
            .find("already taken") != std::string::npos);
  CHECK(plan_error("  - add_check: {table: nope, name: c, check: id > 0}\n")
            .find("table public.nope does not exist") != std::string::npos);
  CHECK(plan_error("  - add_check: {table: accounts, name: c}\n")
            .find("missing required field 'check'") != std::string::npos);
}

TEST_CASE("no_inherit makes the check NO INHERIT from expand on, with or without up") {
  auto w = render("  - add_check: {table: accounts, name: balance_positive, check: balance >= 0, "
                  "no_inherit: true}\n");
  CHECK(has_step(w.at(Phase::expand), "ADD CONSTRAINT \"balance_positive\" CHECK (balance >= 0) "
                                      "NO INHERIT NOT VALID"));
  CHECK(has_step(w.at(Phase::transition), "VALIDATE CONSTRAINT \"balance_positive\""));
  w = render("  - add_check: {table: accounts, name: balance_positive, check: balance >= 0, "
             "no_inherit: true, column: balance, up: \"greatest(balance, 0)\"}\n");
  CHECK(has_step(w.at(Phase::dual_write), "CHECK (\"_orc_new_balance\" >= 0) NO INHERIT NOT VALID"));
  CHECK(plan_error("  - add_check: {table: accounts, name: c, check: balance >= 0, no_inherit: "
                   "perhaps}\n")
            .find("no_inherit") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_add_check
