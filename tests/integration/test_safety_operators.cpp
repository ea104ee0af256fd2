#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <csignal>

#include <chrono>
#include <thread>

#include "fixture.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"
#include "writes.hpp"

namespace test_safety_operators {

using namespace std::chrono_literals;

// Two operators at once: one command per plan runs, the others exit 4 naming the holder; and
// two plans that touch one table are never active together.

namespace {


bool names_holder(const test_support::ProcessResult& r, int pid) {
  return r.err.find("locked by another orchestrate session (pid " + std::to_string(pid)) !=
         std::string::npos;
}

} // namespace

TEST_SUITE_BEGIN("safety_operators");

TEST_CASE("while a backfill runs, a second backfill, next or rollback exits 4 naming it") {
  itest::TestDb db("ops_backfill", 3000);
  example::WriterOptions options;
  options.url = db.url();
  example::Writer app(options);
  app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  test_support::Child running(
      db.orchestrate_argv({"next", "--batch-size", "50", "--max-rows-per-second", "300"}));
  // Wait until the backfill holds the plan's lock and has started copying.
  std::string holder;
  for (int i = 0; i < 100 && holder.empty(); ++i) {
    std::this_thread::sleep_for(100ms);
    holder = db.value("SELECT min(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                      "AND objid = hashtext('rename-users-phone')::oid");
  }
  REQUIRE(!holder.empty());
  itest::wait_until([&] { return itest::backfill_rows_done(db) > 0; }, "the copy started");
  REQUIRE(running.running());
  const int pid = std::stoi(holder);
  for (const char* command : {"backfill", "next", "rollback"}) {
    CAPTURE(command);
    auto r = db.orchestrate({command, "rename-users-phone"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    CHECK(names_holder(r, pid));
    CHECK(r.err.find("application_name 'orchestrate next'") != std::string::npos);
  }
  running.signal(SIGTERM);
  auto stopped = running.wait();
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 75);
  // Nothing the refused commands did got in the way: the backfill resumes and finishes.
  auto r = db.orchestrate({"backfill"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(plan_state(db) == "backfill");
  itest::check_writes(app, options, {"phone_number", "phone"});
}

TEST_CASE("rollback and backfill refuse while another session holds the plan's lock") {
  itest::TestDb db("ops_lock", 100);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  pqxx::connection other(db.url());
  pqxx::nontransaction tx(other);
  tx.exec("SET application_name = 'orchestrate rollback'");
  tx.exec("SELECT pg_advisory_lock(hashtext('orchestrate'), hashtext('rename-users-phone'))");
  for (const char* command : {"rollback", "backfill", "next"}) {
    CAPTURE(command);
    auto r = db.orchestrate({command});
    CHECK(r.exit_code == 4);
    CHECK(names_holder(r, other.backendpid()));
  }
  tx.exec("SELECT pg_advisory_unlock_all()");
  CHECK(db.orchestrate({"rollback"}).exit_code == 0);
}

TEST_CASE("a plan touching a table another active plan changes is refused at start") {
  itest::TestDb db("ops_overlap", 100);
  db.exec("CREATE TABLE orders (id bigint PRIMARY KEY, note text)");
  const std::string same_table = db.write_plan(
      "rename-email.yaml",
      "name: rename-email\nchanges:\n  - rename_column: {table: users, from: email, to: mail}\n");
  const std::string other_table = db.write_plan(
      "rename-note.yaml",
      "name: rename-note\nchanges:\n  - rename_column: {table: orders, from: note, to: memo}\n");
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  REQUIRE(db.orchestrate({"next", "rename-users-phone"}).exit_code == 0);
  const std::string before = db.dump();

  auto r = db.orchestrate({"start", same_table});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("rename-users-phone") != std::string::npos);
  CHECK(r.err.find("public.users") != std::string::npos);
  CHECK(itest::plan_state(db, "rename-email") == "");
  CHECK(db.dump() == before);

  // Another table is fine, and so is the same table once the first plan is no longer active.
  CHECK(db.orchestrate({"start", other_table}).exit_code == 0);
  REQUIRE(db.orchestrate({"rollback", "rename-users-phone"}).exit_code == 0);
  r = db.orchestrate({"start", same_table});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
}

TEST_SUITE_END();

} // namespace test_safety_operators
