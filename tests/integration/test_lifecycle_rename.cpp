#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <csignal>

#include <chrono>
#include <thread>

#include "fixture.hpp"
#include "public_state.hpp"
#include "writes.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"

namespace test_lifecycle_rename {

using namespace std::chrono_literals;

namespace {


// Stops a writer and asserts it saw no error and that every write it committed is in place.
std::map<long long, std::string> finish(example::Writer& writer,
                                        const itest::TestDb& db,
                                        std::map<long long, std::string> earlier,
                                        const std::vector<std::string>& columns) {
  writer.stop();
  INFO("writer errors: " << (writer.error_messages().empty() ? "" : writer.error_messages()[0]));
  CHECK(writer.errors() == 0);
  CHECK(writer.commits() > 0);
  for (const auto& [id, value] : writer.committed()) {
    earlier[id] = value;
  }
  example::WriterOptions options;
  options.url = db.url();
  auto report = example::verify_writes(db.url(), options, earlier, columns);
  INFO("verify samples: " << (report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.checked == static_cast<long long>(earlier.size()));
  CHECK(report.ok());
  return earlier;
}

} // namespace

TEST_SUITE_BEGIN("lifecycle_rename");

TEST_CASE("rename_column moves through all five phases while the application writes") {
  itest::TestDb db("lifecycle", 5000);
  example::WriterOptions options;
  options.url = db.url();

  auto r = db.orchestrate({"start", itest::rename_plan_path()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);

  // The old application writes phone_number through expand, dual-write and backfill.
  example::Writer old_app(options);
  old_app.start(example::Version::old_app);
  for (const char* phase : {"expand", "dual_write", "backfill"}) {
    itest::let_it_write({&old_app});
    r = db.orchestrate({"next", "--batch-size", "500"});
    INFO(phase << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(itest::plan_state(db) == phase);
  }
  itest::let_it_write({&old_app});
  auto written = finish(old_app, db, {}, {"phone_number", "phone"});

  // The new application writes phone from transition on; the trigger still keeps both equal.
  example::Writer new_app(options);
  new_app.start(example::Version::new_app);
  itest::let_it_write({&new_app});
  r = db.orchestrate({"next"});
  INFO("transition: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  itest::let_it_write({&new_app});
  written = finish(new_app, db, written, {"phone_number", "phone"});

  example::Writer final_app(options);
  final_app.start(example::Version::new_app);
  itest::let_it_write({&final_app});
  r = db.orchestrate({"next"});
  INFO("contract: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  itest::let_it_write({&final_app});
  written = finish(final_app, db, written, {"phone"});

  // Every pre-existing row was copied, and the schema is the plan's target.
  CHECK(db.value("SELECT count(*) FROM users WHERE phone IS NULL OR phone = ''") == "0");
  CHECK(db.value("SELECT count(*) FROM users WHERE id <= 5000 AND phone LIKE '+1-555-%'") ==
        db.value("SELECT count(*) FROM users WHERE id <= 5000"));
  CHECK(db.value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND "
                 "attname = 'phone'") == "t");
  CHECK(db.value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND "
                 "attname = 'phone_number' AND NOT attisdropped") == "0");
  CHECK(db.value("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_phone_idx'::regclass") ==
        "t");
  CHECK(db.value("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'users'::regclass AND NOT "
                 "tgisinternal") == "0");
  CHECK(db.value("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_orc\\_%'") == "0");
  CHECK(db.value("SELECT count(*) FROM pg_constraint WHERE conname LIKE '\\_orc\\_%'") == "0");

  r = db.orchestrate({"--json", "status", "rename-users-phone"});
  REQUIRE(r.exit_code == 0);
  auto status = nlohmann::json::parse(r.out);
  CHECK(status["phase"] == "done");
  CHECK(status["search_path"].is_null());
  CHECK(status["paused"] == false);
  CHECK(status["backfill"]["rows_done"].get<long long>() >= 5000);
  CHECK(status.contains("gate"));
}

TEST_CASE("a gate that does not pass stops next with exit 3 and names the check") {
  itest::TestDb db("tampered", 500);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  // Someone drops the dual-write trigger by hand.
  db.exec("DROP TRIGGER _orc_sync_upd_users_phone ON users");
  auto r = db.orchestrate({"next"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("FAIL] rename_column.users.phone.trigger") != std::string::npos);
  CHECK(r.err.find("gate of dual_write did not pass") != std::string::npos);
  CHECK(itest::plan_state(db) == "dual_write");
  r = db.orchestrate({"verify"});
  CHECK(r.exit_code == 3);
  // Putting the phase right (running its idempotent steps again is what on-call would do
  // after a rollback; here the trigger is recreated by hand) lets the gate pass again.
  REQUIRE(db.orchestrate({"rollback"}).exit_code == 0);
  CHECK(itest::plan_state(db) == "rolled_back");
}

TEST_CASE("two concurrent next calls: one runs, the other exits 4 naming the holder") {
  itest::TestDb db("concurrent", 500);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  // A long transaction holds the table so the first `next` waits (retrying its lock_timeout)
  // while the second one starts.
  pqxx::connection blocker(db.url());
  pqxx::work hold(blocker);
  hold.exec("LOCK TABLE users IN SHARE MODE");
  test_support::Child first(db.orchestrate_argv({"next"}));
  const std::string waiting = "FROM pg_stat_activity WHERE application_name = 'orchestrate "
                              "next' AND wait_event_type = 'Lock'";
  REQUIRE_MESSAGE(db.wait_until("SELECT count(*) > 0 " + waiting),
                  "the first next never waited for the table's lock");
  // Its statement ran into lock_timeout and was tried again: a wait that started later.
  const std::string first_wait = db.value("SELECT min(query_start)::text " + waiting);
  REQUIRE_MESSAGE(db.wait_until("SELECT count(*) > 0 " + waiting + " AND query_start > '" +
                                first_wait + "'::timestamptz"),
                  "the first next never retried its lock");
  auto second = db.orchestrate({"next"});
  hold.abort();
  auto first_result = first.wait();
  INFO(first_result.out << first_result.err);
  CHECK(first_result.exit_code == 0);
  CHECK(second.exit_code == 4);
  CHECK(second.err.find("locked by another orchestrate session (pid") != std::string::npos);
  CHECK(second.err.find("orchestrate next") != std::string::npos);
  CHECK(first_result.err.find("lock not available within lock_timeout") != std::string::npos);
  CHECK(itest::plan_state(db) == "expand");
}

TEST_CASE("a signalled backfill exits 75 and `backfill` resumes it to zero differing rows") {
  itest::TestDb db("resume", 6000);
  example::WriterOptions options;
  options.url = db.url();
  example::Writer app(options);
  app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  test_support::Child backfill(
      db.orchestrate_argv({"next", "--batch-size", "100", "--max-rows-per-second", "2000"}));
  REQUIRE_MESSAGE(db.wait_for_backfill_rows(1000), "status never showed 1000 rows copied");
  backfill.signal(SIGTERM);
  auto stopped = backfill.wait();
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 75);
  const auto status = itest::status_json(db)["backfill"];
  const long long copied = status.value("rows_done", 0LL);
  CHECK(copied > 0);
  CHECK(copied < 6000);
  CHECK(status.value("state", "") == "stopped");
  // The gate does not pass while rows still differ (`next` would finish the copy first).
  auto gate = db.orchestrate({"verify"});
  CHECK(gate.exit_code == 3);
  CHECK((gate.out + gate.err).find("[FAIL] rename_column.users.phone.parity") != std::string::npos);
  auto resumed = db.orchestrate({"backfill"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(db.value("SELECT count(*) FROM users WHERE phone IS DISTINCT FROM phone_number") == "0");
  CHECK(db.orchestrate({"verify"}).exit_code == 0);
  finish(app, db, {}, {"phone_number", "phone"});
}

TEST_SUITE_END();

} // namespace test_lifecycle_rename
