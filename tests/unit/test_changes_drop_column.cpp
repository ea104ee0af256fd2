#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_drop_column");

TEST_CASE("a nullable column is only dropped at contract") {
  auto w = render("  - drop_column: {table: users, column: email}\n");
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(w.at(p).steps.empty());
    CHECK(w.at(p).gate.empty());
    CHECK(w.rollback[static_cast<int>(p)].empty());
  }
  const auto& c = w.at(Phase::contract);
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].sql == "ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"email\"");
  CHECK(has_check(c, "drop_column.users.email.gone"));
}

TEST_CASE("a NOT NULL column without default stops being required at dual-write") {
  auto w = render("  - drop_column: {table: users, column: nickname}\n");
  CHECK(w.at(Phase::expand).steps.empty());
  const auto& dw = w.at(Phase::dual_write);
  REQUIRE(dw.steps.size() == 1);
  CHECK(dw.steps[0].sql ==
        "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"nickname\" DROP NOT NULL");
  CHECK(has_check(dw, "drop_column.users.nickname.nullable"));
  // Nothing was changed at expand; from dual-write on, rollback restores NOT NULL through a
  // validated check.
  CHECK(w.rollback[static_cast<int>(Phase::expand)].empty());
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(rollback_has(w, p, "CHECK (\"nickname\" IS NOT NULL) NOT VALID"));
    CHECK(rollback_has(w, p, "VALIDATE CONSTRAINT \"_orc_nn_users_nickname\""));
    CHECK(rollback_has(w, p, "ALTER COLUMN \"nickname\" SET NOT NULL"));
  }
  // A NOT NULL column with a default needs nothing: inserts without it get the default.
  auto with_default = render("  - drop_column: {table: accounts, column: balance}\n");
  CHECK(with_default.at(Phase::dual_write).steps.empty());
}

TEST_CASE("drop_column refuses key columns and unknown columns") {
  CHECK(plan_error("  - drop_column: {table: users, column: id}\n").find("primary key") !=
        std::string::npos);
  CHECK(plan_error("  - drop_column: {table: users, column: nope}\n")
            .find("p.yaml:3:41: column users.nope does not exist") != std::string::npos);
  CHECK(plan_error("  - drop_column: {table: logs, column: line}\n").find("use drop_table") !=
        std::string::npos);
}

TEST_SUITE_END();
