#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"
#include "planner/render_sql.hpp"

namespace test_changes_sql {

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

TEST_CASE("sql needs an up that holds SQL, and down is optional but must hold SQL when given") {
  CHECK(plan_error("  - sql: {down: select 1}\n").find("missing required field 'up'") !=
        std::string::npos);
  CHECK(plan_error("  - sql: {up: ';', down: select 1}\n").find("'up' must hold SQL") !=
        std::string::npos);
  CHECK(plan_error("  - sql: {up: select 1, down: ' ;'}\n").find("'down' must hold SQL") !=
        std::string::npos);
  CHECK(plan_error("  - sql: {up: select 1}\n").empty());
}

TEST_CASE("without down, rollback from every phase is refused naming the change's position") {
  auto w = render("  - add_column: {table: users, column: note, type: text}\n"
                  "  - sql: {up: CREATE TABLE IF NOT EXISTS notes (id int)}\n");
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CAPTURE(p);
    CHECK(w.rollback_refused[static_cast<int>(p)] ==
          "p.yaml:4:5: the sql change there has no `down`, so the `up` it ran at expand cannot "
          "be undone");
    CHECK_FALSE(rollback_has(w, p, "notes"));
  }
  REQUIRE(w.at(Phase::expand).steps.size() >= 1);
  CHECK(w.at(Phase::expand).steps.back().sql == "CREATE TABLE IF NOT EXISTS notes (id int)");
  // Stored with the plan and read back as rendered.
  const nlohmann::json j = w;
  CHECK(j.at("rollback_refused").at(1).get<std::string>().find("p.yaml:4:5") !=
        std::string::npos);
  CHECK(j.get<PlanWork>().rollback_refused == w.rollback_refused);
  // A plan whose sql changes all have down stores no refusals at all.
  const nlohmann::json plain = render("  - sql: {up: select 1, down: select 2}\n");
  CHECK_FALSE(plain.contains("rollback_refused"));
}

TEST_CASE("on_complete runs up at contract, needs no down and has nothing to roll back") {
  auto w = render("  - sql:\n      up: CREATE TABLE IF NOT EXISTS notes (id int)\n"
                  "      on_complete: true\n");
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(w.at(p).steps.empty());
    CHECK(w.rollback[static_cast<int>(p)].empty());
    CHECK(w.rollback_refused[static_cast<int>(p)].empty());
  }
  const auto& contract = w.at(Phase::contract);
  REQUIRE(contract.steps.size() == 1);
  CHECK(contract.steps[0].id == "sql.line3.up");
  CHECK(contract.steps[0].sql == "CREATE TABLE IF NOT EXISTS notes (id int)");
  CHECK(contract.steps[0].in_transaction);
  CHECK(plan_error("  - sql: {up: select 1, down: select 2, on_complete: true}\n")
            .find("p.yaml:3:31: sql: 'down' cannot go with 'on_complete: true'") !=
        std::string::npos);
  // on_complete: false is the default: up at expand.
  w = render("  - sql: {up: select 1, down: select 2, on_complete: false}\n");
  CHECK(w.at(Phase::expand).steps.size() == 1);
  CHECK(w.at(Phase::contract).steps.empty());
}

TEST_CASE("plan prints where up runs and that rollback is refused") {
  auto w = render("  - sql: {up: select 1}\n  - sql: {up: select 2, on_complete: true}\n");
  const std::string expand = render_phase_sql("p", w, Phase::expand);
  CHECK(expand.find("-- step sql.line3.up\nselect 1;") != std::string::npos);
  CHECK(expand.find("refused, before anything is undone: p.yaml:3:5: the sql change there has "
                    "no `down`") != std::string::npos);
  const std::string contract = render_phase_sql("p", w, Phase::contract);
  CHECK(contract.find("-- step sql.line4.up\nselect 2;") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_sql
