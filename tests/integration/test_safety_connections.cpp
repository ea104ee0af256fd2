#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <chrono>
#include <thread>

#include "fixture.hpp"
#include "writes.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"

namespace test_safety_connections {

using namespace std::chrono_literals;

// Lost connections and restarts: the orchestrator's connections are terminated mid-phase, and
// PostgreSQL restarts mid-backfill. The running command reconnects, takes the plan's lock again
// and finishes, and nothing is lost.

namespace {

std::string state(const itest::TestDb& db) {
  return itest::state_and_applying(db);
}

// Runs `next` (or `backfill` when a backfill stopped early) until the plan reaches `until`.
void converge(const itest::TestDb& db, const std::string& until) {
  bool backfilled = false;
  for (int i = 0; i < 12 && state(db) != until; ++i) {
    // An interrupted backfill is resumed by `backfill`; `next` would first gate it.
    const bool resume = state(db) == "backfill" && !backfilled;
    auto r = db.orchestrate({resume ? "backfill" : "next", "--batch-size", "200"});
    INFO(state(db) << ": " << r.out << r.err);
    REQUIRE((r.exit_code == 0 || r.exit_code == 75));
    backfilled = resume && r.exit_code == 0;
  }
  CHECK(state(db) == until);
}

void check_writes(example::Writer& writer,
                  const itest::TestDb& db,
                  bool expect_no_errors,
                  const std::vector<std::string>& columns) {
  writer.stop();
  if (expect_no_errors) {
    INFO("writer errors: " << (writer.error_messages().empty() ? "" : writer.error_messages()[0]));
    CHECK(writer.errors() == 0);
  }
  CHECK(writer.commits() > 0);
  example::WriterOptions options;
  options.url = db.url();
  auto report = example::verify_writes(db.url(), options, writer.committed(), columns);
  INFO("verify samples: " << (report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.ok());
}

int terminate_orchestrators(const itest::TestDb& db) {
  return std::stoi(db.value(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name "
      "LIKE 'orchestrate%' AND datname = current_database() AND pid <> pg_backend_pid()"));
}

} // namespace

TEST_SUITE_BEGIN("safety_connections");

TEST_CASE("orchestrator connections terminated while a step waits: next reconnects, takes the "
          "lock again and finishes") {
  itest::TestDb db("conn_terminate", 1000);
  example::WriterOptions options;
  options.url = db.url();
  example::Writer app(options);
  app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);

  pqxx::connection blocker(db.url());
  auto hold = std::make_unique<pqxx::work>(blocker);
  hold->exec("SELECT count(*) FROM users");
  test_support::Child waiting(db.orchestrate_argv({"next"}));
  REQUIRE_MESSAGE(db.wait_until("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE "
                                "application_name LIKE 'orchestrate%' AND wait_event_type = "
                                "'Lock' AND datname = current_database())"),
                  "next never waited for the lock the open transaction holds");
  CHECK(terminate_orchestrators(db) >= 1);
  // Back, and holding the plan's lock again: a second `next` is refused.
  itest::wait_until(
      [&] { return itest::count_events(db, "rename-users-phone", "reconnected") > 0; },
      "next reconnected and took the plan's lock again");
  auto second = db.orchestrate({"next"});
  CHECK(second.exit_code == 4);
  hold->commit();
  hold.reset();
  auto r = waiting.wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("reconnecting") != std::string::npos);
  CHECK(state(db) == "expand");
  CHECK(itest::count_events(db, "rename-users-phone", "reconnected") > 0);

  converge(db, "transition");
  app.set_version(example::Version::new_app);
  itest::let_it_write({&app});
  converge(db, "done");
  check_writes(app, db, true, {"phone"});
}

TEST_CASE("orchestrator connections terminated mid-backfill: next reconnects and finishes it") {
  itest::TestDb db("conn_backfill", 4000);
  example::WriterOptions options;
  options.url = db.url();
  example::Writer app(options);
  app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  test_support::Child backfill(
      db.orchestrate_argv({"next", "--batch-size", "100", "--max-rows-per-second", "1500"}));
  REQUIRE_MESSAGE(db.wait_for_backfill_rows(500), "status never showed 500 rows copied");
  CHECK(terminate_orchestrators(db) >= 2); // the session's and the workers' connections
  auto r = backfill.wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(state(db) == "backfill");
  converge(db, "transition");
  CHECK(db.value("SELECT count(*) FROM users WHERE phone IS DISTINCT FROM phone_number") == "0");
  check_writes(app, db, true, {"phone_number", "phone"});
}

TEST_CASE("a PostgreSQL restart mid-backfill is survived: the backfill resumes and nothing is lost") {
  itest::TestDb db("conn_restart", 4000);
  example::WriterOptions options;
  options.url = db.url();
  example::Writer app(options);
  app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  test_support::Child backfill(
      db.orchestrate_argv({"next", "--batch-size", "100", "--max-rows-per-second", "1500"}));
  REQUIRE_MESSAGE(db.wait_for_backfill_rows(500), "status never showed 500 rows copied");
  test_support::shared_cluster().restart();
  auto r = backfill.wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(state(db) == "backfill");
  converge(db, "transition");
  CHECK(db.value("SELECT count(*) FROM users WHERE phone IS DISTINCT FROM phone_number") == "0");
  // The application saw the restart (its connections dropped), but every write it committed
  // is in place.
  check_writes(app, db, false, {"phone_number", "phone"});
}

TEST_SUITE_END();

} // namespace test_safety_connections
