#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_sql");

TEST_CASE("up runs at expand in a transaction and down is every phase's rollback") {
  auto w = render("  - sql:\n      up: CREATE TABLE IF NOT EXISTS notes (id int)\n"
                  "      down: DROP TABLE IF EXISTS notes\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql == "CREATE TABLE IF NOT EXISTS notes (id int)");
  CHECK(expand.steps[0].in_transaction);
  CHECK(expand.steps[0].id == "sql.line3.up");
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition, Phase::contract}) {
    CHECK(w.at(p).steps.empty());
    CHECK(w.at(p).gate.empty());
  }
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(rollback_has(w, p, "DROP TABLE IF EXISTS notes"));
  }
}

TEST_CASE("sql needs both up and down") {
  CHECK(plan_error("  - sql: {up: select 1}\n").find("missing required field 'down'") !=
        std::string::npos);
  CHECK(plan_error("  - sql: {up: ';', down: select 1}\n").find("must hold SQL") !=
        std::string::npos);
}

TEST_SUITE_END();
