#include <doctest/doctest.h>

#include <sstream>

#include "fixture.hpp"
#include "public_state.hpp"

namespace test_cli_surface {

// What the command line promises about itself: commands that only read leave the database as
// they found it, every long flag may come from the environment, and -v shows more.

namespace {

std::string state_schemas(const itest::TestDb& db) {
  return db.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'orchestrate'");
}

} // namespace

TEST_SUITE_BEGIN("cli_surface");

TEST_CASE("status, history, verify and url on a database no plan ever touched create nothing") {
  itest::TestDb db("cli_reads", 10);
  const std::string before = db.dump();

  auto r = db.orchestrate({"status"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no active plan\n");
  r = db.orchestrate({"history"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no plans registered\n");
  r = db.orchestrate({"verify"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no plan is active") != std::string::npos);
  r = db.orchestrate({"status", "rename-users-phone"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no plan named 'rename-users-phone' is registered") != std::string::npos);
  r = db.orchestrate({"url", "rename-users-phone"});
  CHECK(r.exit_code == 2);

  CHECK(state_schemas(db) == "0");
  CHECK(db.dump() == before);
}

TEST_CASE("history NAME adds the plan's whole event log, one line an event, and an unknown name "
          "exits 2 changing nothing") {
  itest::TestDb db("cli_history", 10);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  auto r = db.orchestrate({"next"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto events = itest::plan_events(db, "rename-users-phone");
  REQUIRE(events.size() >= 3);

  r = db.orchestrate({"history", "rename-users-phone"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  const std::string header = "\n  events:\n";
  const auto log = r.out.find(header);
  REQUIRE(log != std::string::npos);
  std::size_t lines = 0;
  std::istringstream rest(r.out.substr(log + header.size()));
  for (std::string line; std::getline(rest, line);) {
    lines += line.rfind("  20", 0) == 0 ? 1 : 0;
  }
  CHECK(lines == events.size());
  for (const char* outcome : {"registered", "phase_started", "gate_passed"}) {
    CHECK(r.out.find(outcome) != std::string::npos);
  }
  // Without a name: every plan's summary, no event log.
  r = db.orchestrate({"history"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("events:") == std::string::npos);

  const std::string before = db.dump();
  r = db.orchestrate({"history", "no-such-plan"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no plan named 'no-such-plan' is registered") != std::string::npos);
  CHECK(itest::plan_events(db, "rename-users-phone").size() == events.size());
  CHECK(db.dump() == before);
}

TEST_CASE("every long flag may come from ORCHESTRATE_<FLAG>, and -v makes start list what it "
          "checked") {
  itest::TestDb db("cli_env", 10);
  const std::string plan = itest::rename_plan_path();
  auto r = db.orchestrate({"-v", "start", plan});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // Held privileges are listed only with -v.
  CHECK(r.out.find("[ok] CREATE on schema public") != std::string::npos);
  CHECK(db.orchestrate({"start", plan}).out.find("[ok]") == std::string::npos);

  // A subcommand's flag: --dry-run of next, from the environment.
  r = db.orchestrate({"next"}, {{"ORCHESTRATE_DRY_RUN", "true"}});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(itest::plan_state(db) == "planned");
  // A flag of status: --json.
  r = db.orchestrate({"status"}, {{"ORCHESTRATE_JSON", "true"}});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("{", 0) == 0);
  // A value: a malformed --lock-timeout from the environment is refused like one on the line.
  r = db.orchestrate({"next"}, {{"ORCHESTRATE_LOCK_TIMEOUT", "soon"}});
  CHECK(r.exit_code == 2);
  CHECK(itest::plan_state(db) == "planned");
}

TEST_SUITE_END();

} // namespace test_cli_surface
