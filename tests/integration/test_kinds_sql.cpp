// The sql change kind: `up` at expand (or at contract with on_complete), `down` optional, and
// rollback refused, before it undoes anything, past an `up` that has no `down`.
#include <doctest/doctest.h>

#include "app/writer.hpp"
#include "fixture.hpp"
#include "kinds_lifecycle.hpp"
#include "public_state.hpp"

namespace test_kinds_sql {

using namespace kinds_lifecycle;

namespace {

const char* const k_sql_plan =
    "  - add_column: {table: users, column: tier, type: text, default: \"'free'\"}\n"
    "  - sql: {up: CREATE TABLE IF NOT EXISTS early (id int)}\n"
    "  - sql: {up: CREATE TABLE IF NOT EXISTS late (id int), on_complete: true}\n";

bool table_exists(const itest::TestDb& db, const std::string& table) {
  return db.value("SELECT to_regclass('public." + table + "') IS NOT NULL") == "t";
}

} // namespace

TEST_SUITE_BEGIN("kinds_sql");

TEST_CASE("sql: up at expand, on_complete's up at contract, while both applications write") {
  Kind k{.tag = "sql_phases", .plan = k_sql_plan};
  k.after_phase = [](const itest::TestDb& db, int phase) {
    CHECK(table_exists(db, "early") == (phase >= 1));
    CHECK(table_exists(db, "late") == (phase == 5));
  };
  lifecycle(k);
}

TEST_CASE("sql: with on_complete and with down, rollback from every phase restores the schema") {
  Kind k{.tag = "sql_rb",
         .plan = "  - add_column: {table: users, column: tier, type: text, default: "
                 "\"'free'\"}\n"
                 "  - sql: {up: CREATE TABLE IF NOT EXISTS early (id int), down: DROP TABLE IF "
                 "EXISTS early}\n"
                 "  - sql: {up: CREATE TABLE IF NOT EXISTS late (id int), on_complete: true}\n"};
  rollback_from_each_phase(k);
}

TEST_CASE("sql without down: rollback is refused naming the change, before anything is undone") {
  itest::TestDb db("sql_no_down", 200);
  example::WriterOptions options;
  options.url = db.url();
  options.old_column = options.new_column = "phone_number";
  options.search_path = "sql_no_down_old, public";
  example::Writer app(options);
  app.start(example::Version::old_app);
  const std::string plan = db.write_plan("p.yaml", "name: sql_no_down\nchanges:\n" +
                                                       std::string(k_sql_plan));
  auto r = db.orchestrate({"lint", plan});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("p.yaml:4:5: warning [sql-no-down]: this sql change has no down: once its up "
                   "has run at expand, `orchestrate rollback` of the plan is refused (line 4)") !=
        std::string::npos);
  CHECK(r.out.find(":5:5: warning [sql-no-down]") == std::string::npos);
  r = db.orchestrate({"plan", plan});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("refused, before anything is undone: " + plan + ":4:5: the sql change there "
                   "has no `down`") != std::string::npos);
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  for (int phase = 1; phase <= 4; ++phase) {
    CAPTURE(phase);
    r = db.orchestrate({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    const std::string before = db.dump();
    r = db.orchestrate({"rollback"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("cannot be rolled back from") != std::string::npos);
    CHECK(r.err.find(plan + ":4:5: the sql change there has no `down`, so the `up` it ran at "
                     "expand cannot be undone. Nothing was undone") != std::string::npos);
    CHECK(db.dump() == before);
    CHECK(plan_state(db) != "rolled_back");
    CHECK(itest::count_events(db, "sql_no_down", "rollback_started") == 0);
  }
  CHECK(db.orchestrate({"next"}).exit_code == 0);
  CHECK(plan_state(db) == "done");
  app.stop();
  CHECK(app.errors() == 0);
}

TEST_SUITE_END();

} // namespace test_kinds_sql
