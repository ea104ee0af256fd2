#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "fixture.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"
#include "writes.hpp"

namespace test_rollback_rename_table {

using namespace std::chrono_literals;

// rename_table's rollback behind a long transaction, with the old application writing through
// the old name all along: the old name must exist at every moment (a view, then the table
// again), so not one of its statements fails, and a rollback that gives up leaves the plan's
// expand schema intact and says so.

namespace {

const char* k_plan = "name: users-to-members\nchanges:\n  - rename_table: {from: users, to: members}\n";

// A report reading the renamed table in a transaction it keeps open until released.
class LongTransaction {
public:
  explicit LongTransaction(const std::string& url) : m_conn(url) {
    m_tx = std::make_unique<pqxx::work>(m_conn);
    m_tx->exec("SELECT count(*) FROM members");
  }
  void release() {
    if (m_tx) {
      m_tx->commit();
      m_tx.reset();
    }
  }

private:
  pqxx::connection m_conn;
  std::unique_ptr<pqxx::work> m_tx;
};

bool orchestrate_waits_for_a_lock(const itest::TestDb& db) {
  return db.value("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND application_name LIKE 'orchestrate%' AND wait_event_type = 'Lock'") != "0";
}

std::string relkind(const itest::TestDb& db, const std::string& name) {
  return db.value("SELECT relkind FROM pg_class WHERE oid = to_regclass('" + name + "')");
}

} // namespace

TEST_SUITE_BEGIN("rollback_rename_table");

TEST_CASE("rename_table rolled back behind a long transaction: the old application's writes "
          "through the old name never fail") {
  itest::TestDb db("rt_rb_long", 1000);
  REQUIRE(db.orchestrate({"start", db.write_plan("m.yaml", k_plan)}).exit_code == 0);
  const std::string original = db.dump();
  example::WriterOptions options;
  options.url = db.url();
  options.threads = 2;
  example::Writer app(options);
  app.start(example::Version::old_app);
  auto expand = db.orchestrate({"next"});
  INFO(expand.out << expand.err);
  REQUIRE(expand.exit_code == 0);
  REQUIRE(relkind(db, "users") == "v");

  LongTransaction report(db.url());
  test_support::Child rollback(db.orchestrate_argv({"rollback"}));
  itest::wait_until([&] { return orchestrate_waits_for_a_lock(db); },
             "the rollback queues behind the long transaction");
  // Keep it blocked while the application goes on writing through the old name.
  const long long before = app.commits();
  itest::wait_until([&] { return app.commits() >= before + 200; },
             "the application commits 200 writes while the rollback is held up");
  CHECK(relkind(db, "users") == "v");
  CHECK(relkind(db, "members") == "r");
  report.release();
  auto r = rollback.wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("lock not available within lock_timeout") != std::string::npos);
  const long long after_rollback = app.commits();
  itest::wait_until([&] { return app.commits() >= after_rollback + 50; },
             "the application commits 50 writes to the table under its old name again");
  app.stop();
  MESSAGE("failed statements of the old application during the rollback: "
          << app.errors() << " of " << app.commits() + app.errors());
  INFO("writer errors: " << (app.error_messages().empty() ? "" : app.error_messages()[0]));
  CHECK(app.errors() == 0);
  auto report_writes = example::verify_writes(db.url(), options, app.committed(), {"phone_number"});
  CHECK(report_writes.ok());
  CHECK(relkind(db, "users") == "r");
  CHECK(db.value("SELECT to_regclass('members') IS NULL") == "t");
  CHECK(plan_state(db) == "rolled_back");
  CHECK(db.dump() == original);
}

TEST_CASE("a rename_table rollback that runs out of lock-retry-for changes nothing, and status "
          "says it did not finish") {
  itest::TestDb db("rt_rb_giveup", 500);
  REQUIRE(db.orchestrate({"start", db.write_plan("m.yaml", k_plan)}).exit_code == 0);
  const std::string original = db.dump();
  example::WriterOptions options;
  options.url = db.url();
  example::Writer app(options);
  app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  const std::string in_expand = db.dump();

  LongTransaction report(db.url());
  auto r = db.orchestrate({"--lock-timeout", "200ms", "--lock-retry-for", "1s", "rollback"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("rollback.rename_table.users.members.restore failed [55P03]") !=
        std::string::npos);
  // Both names, exactly as expand left them, and status says a rollback is unfinished.
  CHECK(relkind(db, "users") == "v");
  CHECK(relkind(db, "members") == "r");
  CHECK(db.dump() == in_expand);
  auto status = db.orchestrate({"--json", "status"});
  INFO(status.out << status.err);
  REQUIRE(status.exit_code == 0);
  auto j = nlohmann::json::parse(status.out);
  CHECK(j["phase"] == "expand");
  CHECK(j["rollback"]["steps_done"] == 0);
  CHECK(j["rollback"]["failed_step"] == "rollback.rename_table.users.members.restore");
  CHECK(db.orchestrate({"status"}).out.find("rollback started and not finished") !=
        std::string::npos);

  report.release();
  auto again = db.orchestrate({"rollback"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  app.stop();
  CHECK(app.errors() == 0);
  CHECK(app.commits() > 0);
  CHECK(db.dump() == original);
  CHECK(db.orchestrate({"--json", "status", "users-to-members"}).out.find("\"rollback\": null") !=
        std::string::npos);
}

TEST_SUITE_END();

} // namespace test_rollback_rename_table
