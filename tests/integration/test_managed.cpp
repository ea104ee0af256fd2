// orchestrate as a managed PostgreSQL runs it: the migration role owns the tables but is no
// superuser and may not create schemas in the database; the application has a role of its own.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <csignal>

#include <chrono>
#include <thread>

#include "app/verify.hpp"
#include "app/writer.hpp"
#include "fixture.hpp"
#include "public_state.hpp"

namespace test_managed {

using namespace std::chrono_literals;

TEST_SUITE_BEGIN("managed");

TEST_CASE("a step refused a privilege fails naming its step id and SQLSTATE 42501") {
  itest::TestDb db("mg_sqlstate", 100);
  const std::string owner = db.make_owner_role("app_owner");
  db.exec("GRANT CREATE ON DATABASE mg_sqlstate TO app_owner");
  db.exec("CREATE TABLE secret (id int)");
  const auto plan = db.write_plan("peek.yaml", "name: peek\nchanges:\n  - sql:\n"
                                               "      up: SELECT count(*) FROM secret\n"
                                               "      down: SELECT 1\n");
  auto r = db.orchestrate_as(owner, {"start", plan});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  r = db.orchestrate_as(owner, {"next"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("step sql.") != std::string::npos);
  CHECK(r.err.find("[42501]") != std::string::npos);
  CHECK(r.err.find("permission denied for table secret") != std::string::npos);
  CHECK(r.err.find("[]") == std::string::npos);
}

TEST_CASE("url --role and --options-only give the application its search_path without the "
          "migration role's credentials") {
  itest::TestDb db("mg_url", 200);
  db.make_owner_role("app_owner");
  db.exec("GRANT CREATE ON DATABASE mg_url TO app_owner");
  db.exec("CREATE ROLE app_rw LOGIN");
  db.exec("GRANT USAGE ON SCHEMA public TO app_rw");
  db.exec("GRANT SELECT, INSERT, UPDATE ON users TO app_rw");
  // The cluster trusts local connections; the password is there to be left out.
  const std::string owner = db.url_as("app_owner") + " password=ownerpw";
  const auto plan = db.write_plan("widen.yaml", "name: widen-name\nchanges:\n"
                                                "  - change_type: {table: users, column: name, "
                                                "type: varchar(200), up: name::varchar(200), "
                                                "down: name::text}\n");
  REQUIRE(db.orchestrate_as(owner, {"start", plan}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    auto r = db.orchestrate_as(owner, {"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }

  auto r = db.orchestrate_as(owner, {"url", "--role", "app_rw"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string url = r.out.substr(0, r.out.find('\n'));
  CHECK(url.find("ownerpw") == std::string::npos);
  CHECK(url.find("app_owner") == std::string::npos);
  CHECK(r.err.find("ownerpw") == std::string::npos);
  {
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    CHECK(tx.exec1("SELECT current_user")[0].as<std::string>() == "app_rw");
    CHECK(tx.exec1("SHOW search_path")[0].as<std::string>().find("widen-name") !=
          std::string::npos);
    CHECK(tx.exec1("SELECT pg_typeof(name)::text FROM users LIMIT 1")[0].as<std::string>() ==
          "character varying");
  }

  r = db.orchestrate_as(owner, {"url", "--options-only"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string options = r.out.substr(0, r.out.find('\n'));
  CHECK(options.rfind("-c search_path=", 0) == 0);
  CHECK(options.find("ownerpw") == std::string::npos);
  {
    pqxx::connection conn(db.url_as("app_rw") + " options='" + options + "'");
    pqxx::work tx(conn);
    CHECK(tx.exec1("SELECT pg_typeof(name)::text FROM users LIMIT 1")[0].as<std::string>() ==
          "character varying");
  }

  r = db.orchestrate_as(owner, {"url", "--role", "nobody_here"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("nobody_here") != std::string::npos);
}

TEST_CASE("history names the database role and the OS user even when the environment does not") {
  itest::TestDb db("mg_history", 100);
  const std::string owner = db.make_owner_role("app_owner");
  db.exec("GRANT CREATE ON DATABASE mg_history TO app_owner");
  // As under cron or in a container: neither USER nor LOGNAME is set.
  const test_support::Environment bare = {{"USER", ""}, {"LOGNAME", ""}};
  REQUIRE(db.orchestrate_as(owner, {"start", itest::rename_plan_path()}, bare).exit_code == 0);
  REQUIRE(db.orchestrate_as(owner, {"next"}, bare).exit_code == 0);
  auto r = db.orchestrate_as(owner, {"history"}, bare);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("by app_owner (") != std::string::npos);
  CHECK(r.out.find("unknown@") == std::string::npos);
  const auto events = itest::plan_events(db, "rename-users-phone");
  REQUIRE(!events.empty());
  const std::string who = events.back()["who"];
  CHECK(who.rfind("app_owner (", 0) == 0);
  CHECK(who.find("@") != std::string::npos);
  const auto history = nlohmann::json::parse(db.orchestrate({"--json", "history"}).out);
  REQUIRE(history.size() == 1);
  CHECK(history[0]["registered_by"].get<std::string>().rfind("app_owner (", 0) == 0);
}

TEST_CASE("preflight names every missing privilege with its grant, and start refuses before "
          "creating anything") {
  itest::TestDb db("mg_preflight", 100);
  const std::string owner = db.make_owner_role("app_owner");
  db.exec("CREATE TABLE other_team (id int PRIMARY KEY, note text)");
  db.exec("REVOKE CREATE ON SCHEMA public FROM app_owner");
  const auto plan = db.write_plan("widen.yaml", "name: widen-name\nchanges:\n"
                                                "  - change_type: {table: users, column: name, "
                                                "type: varchar(200), up: name::varchar(200), "
                                                "down: name::text}\n"
                                                "  - rename_column: {table: other_team, from: "
                                                "note, to: memo}\n");
  auto r = db.orchestrate_as(owner, {"preflight", plan, "--with-replica-lag"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("[MISSING] CREATE on database mg_preflight (the state schema") !=
        std::string::npos);
  CHECK(r.err.find("CREATE SCHEMA orchestrate AUTHORIZATION app_owner") != std::string::npos);
  CHECK(r.err.find("[MISSING] ownership of table public.other_team (owned by postgres)") !=
        std::string::npos);
  CHECK(r.err.find("[MISSING] CREATE on schema public") != std::string::npos);
  CHECK(r.err.find("GRANT CREATE ON SCHEMA public TO app_owner") != std::string::npos);
  CHECK(r.err.find("[MISSING] membership in pg_read_all_stats") != std::string::npos);
  CHECK(r.err.find("GRANT pg_read_all_stats TO app_owner") != std::string::npos);
  CHECK(r.out.find("[ok] ownership of table public.users") != std::string::npos);
  // Optional: without it the backfill's copies fire the table's own triggers.
  CHECK(r.err.find("[blind] SET on session_replication_role") != std::string::npos);
  CHECK(r.err.find("GRANT SET ON PARAMETER session_replication_role TO app_owner") !=
        std::string::npos);
  // Without the throttle, stats are optional: reported blind, not missing.
  r = db.orchestrate_as(owner, {"preflight", plan});
  CHECK(r.err.find("[blind] membership in pg_read_all_stats") != std::string::npos);

  r = db.orchestrate_as(owner, {"start", plan});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("needs privileges role app_owner does not hold") != std::string::npos);
  CHECK(db.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'orchestrate'") == "0");

  // Granted as the errors said, everything passes.
  db.exec("GRANT CREATE ON DATABASE mg_preflight TO app_owner");
  db.exec("ALTER TABLE other_team OWNER TO app_owner");
  db.exec("GRANT CREATE ON SCHEMA public TO app_owner");
  db.exec("GRANT pg_read_all_stats TO app_owner");
  r = db.orchestrate_as(owner, {"preflight", plan, "--with-replica-lag"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("MISSING") == std::string::npos);
  CHECK(db.orchestrate_as(owner, {"start", plan}).exit_code == 0);
}

TEST_CASE("a state schema a DBA created is enough: a rename runs to done as a non-superuser "
          "while the application writes as its own role") {
  itest::TestDb db("mg_precreated", 5000);
  const std::string owner = db.make_owner_role("app_owner");
  db.exec("CREATE SCHEMA orchestrate AUTHORIZATION app_owner");
  db.exec("CREATE ROLE app_rw LOGIN");
  db.exec("GRANT USAGE ON SCHEMA public TO app_rw");
  db.exec("GRANT SELECT, INSERT, UPDATE ON users TO app_rw");
  db.exec("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO app_rw");
  CHECK(db.value("SELECT has_database_privilege('app_owner', 'mg_precreated', 'CREATE')") == "f");
  example::WriterOptions o;
  o.url = db.url_as("app_rw");
  example::Writer app(o);
  app.start(example::Version::old_app);

  auto r = db.orchestrate_as(owner, {"start", itest::rename_plan_path()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // Without CREATE on the database there are no version schemas, and start says so.
  CHECK(r.err.find("the role may not CREATE on this database") != std::string::npos);
  CHECK(itest::status_json(db)["old_version_schema"].is_null());
  for (int i = 0; i < 5; ++i) {
    r = db.orchestrate_as(owner, {"next"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    if (i == 2) {
      // The backfill ran without pg_read_all_stats: it said once what it cannot see.
      CHECK(r.err.find("the backfill is blind to lock waiters") != std::string::npos);
      CHECK(r.err.find("GRANT pg_read_all_stats TO app_owner") != std::string::npos);
      CHECK(itest::count_events(db, "rename-users-phone", "blind") == 1);
      app.set_version(example::Version::new_app);
    }
  }
  CHECK(plan_state(db) == "done");
  app.stop();
  INFO("writer errors: " << (app.error_messages().empty() ? "" : app.error_messages()[0]));
  CHECK(app.errors() == 0);
  CHECK(app.commits() > 0);
  example::WriterOptions check = o;
  check.url = db.url();
  auto report = example::verify_writes(db.url(), check, app.committed(), {"phone"});
  CHECK(report.ok());
}

TEST_CASE("a replica-lag throttle refuses to start blind without pg_read_all_stats, and holds the "
          "backfill while a standby lags once granted") {
  itest::TestDb db("mg_standby", 60000);
  const std::string owner = db.make_owner_role("app_owner");
  db.exec("CREATE SCHEMA orchestrate AUTHORIZATION app_owner");
  // A standby that applies WAL five seconds late: its replay_lag stays about 5 s while the
  // primary writes.
  test_support::PgStandby standby(test_support::shared_cluster(),
                                  "recovery_min_apply_delay = '5s'");
  for (int i = 0; i < 300 && db.value("SELECT count(*) FROM pg_stat_replication WHERE state = "
                                      "'streaming'") != "1";
       ++i) {
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE_MESSAGE(db.value("SELECT count(*) FROM pg_stat_replication WHERE state = "
                           "'streaming'") == "1",
                  "the standby never streamed");
  REQUIRE(db.orchestrate_as(owner, {"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(db.orchestrate_as(owner, {"next"}).exit_code == 0);
  }
  // What the role sees: the standby's row, with its lag hidden.
  CHECK(db.value("SET ROLE app_owner; SELECT count(*) FILTER (WHERE replay_lsn IS NULL) || '/' "
                 "|| count(*) FROM pg_stat_replication") == "1/1");

  // `next` enters the backfill phase, and its backfill refuses to start.
  auto blind = db.orchestrate_as(owner, {"next", "--max-replica-lag", "1s"});
  INFO(blind.out << blind.err);
  CHECK(blind.exit_code == 2);
  CHECK(blind.err.find("GRANT pg_read_all_stats TO app_owner") != std::string::npos);
  CHECK(itest::backfill_rows_done(db) == 0);
  CHECK(db.value("SELECT count(*) FROM users WHERE phone IS DISTINCT FROM phone_number") ==
        "60000");

  db.exec("GRANT pg_read_all_stats TO app_owner");
  test_support::Child backfill(db.orchestrate_argv_as(
      owner, {"backfill", "--max-replica-lag", "1s", "--max-rows-per-second", "2000"}));
  std::string throttled;
  for (int i = 0; i < 600 && throttled != "replica_lag" && backfill.running(); ++i) {
    std::this_thread::sleep_for(100ms);
    throttled = itest::throttled_by(db);
  }
  CHECK_MESSAGE(throttled == "replica_lag",
                "the backfill was never held for the standby's lag (last: " << throttled << ")");
  backfill.signal(SIGTERM);
  auto stopped = backfill.wait();
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 75);
}

TEST_SUITE_END();

} // namespace test_managed
