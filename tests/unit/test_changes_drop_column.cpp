#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_drop_column {

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

TEST_CASE("with down, a trigger gives the new application's inserts the column's value and "
          "NOT NULL stays") {
  auto w = render("  - drop_column: {table: users, column: nickname, down: \"'n-' || name\"}\n");
  CHECK(w.at(Phase::expand).steps.empty());
  const auto& dw = w.at(Phase::dual_write);
  REQUIRE(dw.steps.size() == 1);
  const std::string& install = dw.steps[0].sql;
  CHECK(dw.steps[0].id == "drop_column.users.nickname.down");
  CHECK(install.find("CREATE OR REPLACE FUNCTION \"public\".\"_orc_down_users_nickname\"() "
                     "RETURNS trigger") != std::string::npos);
  // Only sessions marked as the plan's new application, and only their inserts.
  CHECK(install.find("IF COALESCE('p' = ANY (pg_catalog.string_to_array(pg_catalog.replace("
                     "pg_catalog.current_setting('orchestrate.new_app', true)") !=
        std::string::npos);
  CHECK(install.find("\"name\" text := NEW.\"name\";") != std::string::npos);
  CHECK(install.find("\"nickname\" text := NEW") == std::string::npos);
  CHECK(install.find("NEW.\"nickname\" := CAST(('n-' || name) AS text);") != std::string::npos);
  CHECK(install.find("CREATE TRIGGER \"_orc_down_users_nickname\" BEFORE INSERT ON "
                     "\"public\".\"users\" FOR EACH ROW") != std::string::npos);
  CHECK(install.find("BEFORE UPDATE") == std::string::npos);
  // down is evaluated over a real row before anything goes live.
  CHECK(install.find("PERFORM CAST(('n-' || name) AS text) FROM (SELECT \"id\", \"name\", "
                     "\"email\" FROM \"public\".\"users\" LIMIT 1) AS _view;") !=
        std::string::npos);
  CHECK(has_check(dw, "drop_column.users.nickname.down"));
  // NOT NULL stays: the old application never meets a NULL it did not write.
  CHECK_FALSE(has_step(dw, "DROP NOT NULL"));
  const auto& contract = w.at(Phase::contract);
  // One step: the trigger goes with the column, so no insert meets the table between them.
  REQUIRE(contract.steps.size() == 1);
  const std::string drop_trigger = "DROP TRIGGER IF EXISTS \"_orc_down_users_nickname\" ON "
                                   "\"public\".\"users\";\nDROP FUNCTION IF EXISTS "
                                   "\"public\".\"_orc_down_users_nickname\"()";
  CHECK(contract.steps[0].id == "drop_column.users.nickname.drop_column");
  CHECK(contract.steps[0].sql == drop_trigger + ";\nALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"nickname\"");
  CHECK(w.rollback[static_cast<int>(Phase::expand)].empty());
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition}) {
    CAPTURE(p);
    const auto& rb = w.rollback[static_cast<int>(p)];
    REQUIRE(rb.size() == 1);
    CHECK(rb[0].sql == drop_trigger);
  }
  CHECK(plan_error("  - drop_column: {table: users, column: nickname, down: ' '}\n")
            .find("p.yaml:3:57: drop_column: 'down' must be an SQL expression") !=
        std::string::npos);
}

TEST_CASE("with down, validate compiles it over the row the new application sees") {
  auto plan = parse_plan_text("name: p\nchanges:\n  - drop_column: {table: users, column: "
                              "nickname, down: upper(name)}\n",
                              "p.yaml");
  const auto checks = plan_live_checks(plan, catalog());
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].what == "drop_column.down");
  CHECK(checks[0].mark.line == 3);
  CHECK(checks[0].mark.column == 57);
  CHECK(checks[0].sql.find("SELECT CAST((upper(name)) AS text) FROM pg_temp._orc_row") !=
        std::string::npos);
  CHECK(checks[0].sql.find("nickname") == std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_drop_column
