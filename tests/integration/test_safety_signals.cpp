// Stopping on request: a signal or a window's end stops within one lock_timeout and one batch,
// even while a batch waits on an application's row locks or a concurrent index build waits for
// old snapshots; a lock left behind by a killed orchestrate is named with the call that ends it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <csignal>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "fixture.hpp"
#include "public_state.hpp"

namespace test_safety_signals {

using namespace std::chrono_literals;

namespace {
using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}
} // namespace

TEST_SUITE_BEGIN("safety_signals");

TEST_CASE("SIGTERM while a batch waits on an application's row locks stops within one "
          "lock_timeout and names the blocker") {
  itest::TestDb db("sig_rowlock", 20000);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  // Into the backfill phase without copying (the dual-write gate's probes write rows too).
  REQUIRE(db.orchestrate({"pause"}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 75);
  REQUIRE(db.orchestrate({"resume"}).exit_code == 0);
  // The application holds every row: each batch waits lock_timeout (500 ms) and is retried.
  pqxx::connection app(db.url());
  pqxx::work hold(app);
  hold.exec("SET application_name = 'app holding rows'");
  hold.exec("SELECT id FROM users FOR UPDATE");

  test_support::Child backfill(db.orchestrate_argv({"backfill"}));
  // Wait until a batch has waited and been retried twice (three distinct waits on a lock).
  std::set<std::string> waits;
  for (int i = 0; i < 600 && waits.size() < 3 && backfill.running(); ++i) {
    std::this_thread::sleep_for(50ms);
    const auto started = db.value(
        "SELECT min(query_start)::text FROM pg_stat_activity WHERE application_name LIKE "
        "'orchestrate backfill worker%' AND wait_event_type = 'Lock'");
    if (!started.empty()) {
      waits.insert(started);
    }
  }
  REQUIRE_MESSAGE(waits.size() >= 3, "no backfill batch was seen waiting on the row locks");
  const auto signalled = steady::now();
  backfill.signal(SIGTERM);
  auto r = backfill.wait();
  const double took = seconds_since(signalled);
  INFO(r.out << r.err);
  MESSAGE("SIGTERM to exit while a batch waited on row locks: " << took << " s");
  CHECK(r.exit_code == 75);
  CHECK(took < 3.0); // one lock_timeout (0.5 s), one batch, and the way out
  CHECK(r.err.find("blocked by pid " + std::to_string(app.backendpid()) +
                   " (application 'app holding rows'") != std::string::npos);
  hold.abort();
  CHECK(db.orchestrate({"backfill"}).exit_code == 0);
}

TEST_CASE("SIGTERM wakes a backfill waiting on its rate limit at once, and it resumes later") {
  itest::TestDb db("sig_rate", 20000);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  REQUIRE(db.orchestrate({"pause"}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 75);
  REQUIRE(db.orchestrate({"resume"}).exit_code == 0);
  // 20 rows a second: after its first batches each worker waits seconds for the rate limit.
  test_support::Child backfill(
      db.orchestrate_argv({"backfill", "--max-rows-per-second", "20", "--workers", "2"}));
  REQUIRE_MESSAGE(db.wait_for_backfill_rows(1), "the rate-limited backfill copied no row");
  const auto signalled = steady::now();
  backfill.signal(SIGTERM);
  auto r = backfill.wait();
  const double took = seconds_since(signalled);
  INFO(r.out << r.err);
  MESSAGE("SIGTERM to exit while the backfill waited on its rate limit: " << took << " s");
  CHECK(r.exit_code == 75);
  // A wait of seconds is cut short; what remains is a batch in flight and the way out.
  CHECK(took < 5.0);
  CHECK(itest::status_json(db)["backfill"].value("rows_done", 0LL) < 20000);
  CHECK(db.orchestrate({"backfill"}).exit_code == 0);
  CHECK(db.value("SELECT count(*) FROM users WHERE phone IS DISTINCT FROM phone_number") == "0");
}

TEST_CASE("Ctrl-C during a concurrent index build that waits for an old snapshot cancels it, "
          "drops the invalid index and leaves the phase resumable") {
  itest::TestDb db("sig_cic", 2000);
  db.exec("CREATE TABLE elsewhere (id int)");
  const auto plan = db.write_plan("idx.yaml", "name: email-idx\nchanges:\n"
                                              "  - create_index: {table: users, name: "
                                              "users_email_idx, columns: [email]}\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  // A snapshot older than the build, on another table: the build waits for it to end.
  pqxx::connection old(db.url());
  pqxx::transaction<pqxx::repeatable_read> snapshot(old);
  snapshot.exec("SELECT count(*) FROM elsewhere");

  test_support::Child next(db.orchestrate_argv({"next"}));
  std::string waiting;
  for (int i = 0; i < 600 && waiting != "1" && next.running(); ++i) {
    std::this_thread::sleep_for(50ms);
    waiting = db.value("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX "
                       "CONCURRENTLY%' AND wait_event_type = 'Lock'");
  }
  REQUIRE_MESSAGE(waiting == "1", "the index build was never seen waiting");
  const auto signalled = steady::now();
  next.signal(SIGINT);
  auto r = next.wait();
  const double took = seconds_since(signalled);
  INFO(r.out << r.err);
  MESSAGE("Ctrl-C to exit during a waiting CREATE INDEX CONCURRENTLY: " << took << " s");
  CHECK(r.exit_code == 75);
  CHECK(took < 5.0);
  CHECK(r.err.find("interrupted by a signal during step") != std::string::npos);
  CHECK(db.value("SELECT count(*) FROM pg_class WHERE relname = 'users_email_idx'") == "0");
  CHECK(db.value("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX "
                 "CONCURRENTLY%'") == "0");
  CHECK(itest::phase_and_applying(db) == "planned/expand");
  const auto events = itest::status_json(db)["events"];
  CHECK(std::count_if(events.begin(), events.end(), [](const nlohmann::json& e) {
          return e.value("outcome", "") == "interrupted";
        }) == 1);

  snapshot.abort();
  auto again = db.orchestrate({"next"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(db.value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                 "'users_email_idx'::regclass") == "t");
}

TEST_CASE("a plan lock held by a session left behind is named with the call that ends it") {
  itest::TestDb db("sig_orphan", 100);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  pqxx::connection orphan(db.url());
  pqxx::nontransaction tx(orphan);
  tx.exec("SET application_name = 'orchestrate next'");
  tx.exec("SELECT pg_advisory_lock(hashtext('orchestrate'), hashtext('rename-users-phone'))");
  auto r = db.orchestrate({"next"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  const std::string call =
      "SELECT pg_terminate_backend(" + std::to_string(orphan.backendpid()) + ");";
  CHECK(r.err.find(call) != std::string::npos);
  CHECK(r.err.find("idle for") != std::string::npos);
  // The call given works, and then the plan moves.
  db.exec(call);
  for (int i = 0; i < 100 && db.value("SELECT count(*) FROM pg_locks WHERE locktype = "
                                      "'advisory'") != "0";
       ++i) {
    std::this_thread::sleep_for(50ms);
  }
  CHECK(db.orchestrate({"next"}).exit_code == 0);
}

TEST_SUITE_END();

} // namespace test_safety_signals
