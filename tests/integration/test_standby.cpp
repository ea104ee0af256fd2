// The backfill's health throttles against the real thing: a streaming standby whose replay is
// paused, a transaction left open, a session queued behind a batch's row locks, and the
// server's WAL rate. Each waits on what the status, the metrics or the database say, never on
// the clock, and each ends with every row copied and every write of the application in place.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <csignal>

#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "app/verify.hpp"
#include "app/writer.hpp"
#include "fixture.hpp"
#include "support/http.hpp"
#include "public_state.hpp"

namespace test_standby {

using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

void finish(example::Writer& writer, const itest::TestDb& db, const example::WriterOptions& o) {
  writer.stop();
  INFO("writer errors: " << (writer.error_messages().empty() ? "" : writer.error_messages()[0]));
  CHECK(writer.errors() == 0);
  CHECK(writer.commits() > 0);
  auto report =
      example::verify_writes(db.url(), o, writer.committed(), {o.old_column, o.new_column});
  INFO("verify samples: " << (report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.ok());
}

void up_to_backfill(const itest::TestDb& db) {
  auto r = db.orchestrate({"start", itest::rename_plan_path()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  for (int i = 0; i < 2; ++i) {
    r = db.orchestrate({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }
}

std::string differing(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  return tx.exec1("SELECT count(*) FROM users WHERE phone IS DISTINCT FROM phone_number")[0]
      .as<std::string>();
}

nlohmann::json backfill_status(const itest::TestDb& db) {
  auto r = db.orchestrate({"--json", "status"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out)["backfill"];
}

// Polls `status --json` until `holds` is true of its backfill object, or `deadline` passes
// (then fails naming `what` and the last status seen). Returns the backfill object that held.
nlohmann::json wait_for_status(const itest::TestDb& db,
                               const std::function<bool(const nlohmann::json&)>& holds,
                               const std::string& what,
                               std::chrono::seconds deadline = 60s) {
  const auto until = Clock::now() + deadline;
  nlohmann::json b;
  while (Clock::now() < until) {
    b = backfill_status(db);
    if (holds(b)) {
      return b;
    }
    std::this_thread::sleep_for(100ms);
  }
  FAIL(what << " did not happen within " << deadline.count() << " s; last status: " << b.dump());
  return b;
}

bool throttled_by(const nlohmann::json& b, const std::string& reason) {
  return b["throttled_by"].is_string() && b["throttled_by"] == reason &&
         b["throttle"].is_object();
}

// Waits for a background `next` (the backfill phase, its backfill and its gate) to exit, failing with its output if it takes longer than
// `deadline`.
test_support::ProcessResult wait_exit(test_support::Child& child, std::chrono::seconds deadline) {
  const auto until = Clock::now() + deadline;
  while (child.running() && Clock::now() < until) {
    std::this_thread::sleep_for(100ms);
  }
  if (child.running()) {
    child.signal(SIGKILL);
    auto r = child.wait();
    FAIL("the backfill did not finish within " << deadline.count() << " s: " << r.err);
    return r;
  }
  return child.wait();
}

void on_standby(const test_support::PgStandby& standby, const std::string& sql) {
  pqxx::connection conn(standby.url());
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

// Waits until the standby has replayed the primary's WAL up to where it is now.
void wait_replayed(const itest::TestDb& db, const test_support::PgStandby& standby) {
  const std::string target = db.value("SELECT pg_current_wal_lsn()");
  pqxx::connection conn(standby.url());
  std::string replayed;
  for (int i = 0; i < 600; ++i) {
    pqxx::nontransaction tx(conn);
    auto row = tx.exec_params1("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn, "
                               "coalesce(pg_last_wal_replay_lsn()::text, 'none')",
                               target);
    if (row[0].as<bool>()) {
      return;
    }
    replayed = row[1].as<std::string>();
    std::this_thread::sleep_for(100ms);
  }
  FAIL("the standby did not replay up to " << target << " within 60 s (replayed up to "
                                           << replayed << ")");
}

long long wal_position(const itest::TestDb& db) {
  return std::stoll(db.value("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"));
}

} // namespace

TEST_SUITE_BEGIN("standby");

TEST_CASE("a backfill holds within seconds of a paused standby passing --max-replica-lag, says "
          "so in status and metrics, and resumes when replay does") {
  itest::TestDb db("sb_lag", 30000);
  // Named by its cluster_name (the application_name it streams as); it replies every second
  // even when no WAL arrives, where a standby with little to receive would wait ten.
  test_support::PgStandby standby(test_support::shared_cluster(),
                                  "cluster_name = 'sb_lag_replica'\n"
                                  "wal_receiver_status_interval = 1s");
  for (int i = 0; i < 300 && db.value("SELECT count(*) FROM pg_stat_replication WHERE "
                                      "application_name = 'sb_lag_replica' AND state = "
                                      "'streaming'") != "1";
       ++i) {
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE_MESSAGE(db.value("SELECT count(*) FROM pg_stat_replication WHERE application_name = "
                           "'sb_lag_replica' AND state = 'streaming'") == "1",
                  "the standby never streamed");
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db);

  const int port = test_support::free_port();
  test_support::Child backfill(db.orchestrate_argv(
      {"next", "--max-replica-lag", "2s", "--replica", "sb_lag_replica", "--batch-size", "200",
       "--max-rows-per-second", "2500", "--metrics-port", std::to_string(port)}));
  wait_for_status(
      db, [](const nlohmann::json& b) { return b["rows_done"].get<long long>() > 0; },
      "the backfill's first batch");
  // While the standby keeps up, the lag does not hold the backfill.
  const auto running = backfill_status(db);
  CHECK(running["throttled_by"] != "replica_lag");

  const std::string paused_at = db.value("SELECT clock_timestamp()");
  on_standby(standby, "SELECT pg_wal_replay_pause()");
  const auto held = wait_for_status(
      db, [](const nlohmann::json& b) { return throttled_by(b, "replica_lag"); },
      "throttled_by: replica_lag after pg_wal_replay_pause()");
  INFO("status while held: " << held.dump());
  CHECK(held["throttle"]["replica"] == "sb_lag_replica");
  CHECK(held["throttle"]["replica_lag_seconds"].get<double>() > 2.0);
  CHECK(held["throttle"]["replica_lag_bytes"].get<long long>() > 0);
  CHECK(held["throttle"]["detail"].get<std::string>().find("standby 'sb_lag_replica' is") !=
        std::string::npos);
  CHECK(held["rows_done"].get<long long>() < 30000);

  // Held, the lag still grows (a paused standby is late however little is written), and no
  // batch commits: the last one committed within a couple of seconds of the lag reaching 2 s.
  const auto later = wait_for_status(
      db,
      [](const nlohmann::json& b) {
        return throttled_by(b, "replica_lag") &&
               b["throttle"]["replica_lag_seconds"].get<double>() > 5.0;
      },
      "the paused standby's lag growing past 5 s");
  const double last_batch_after_pause = std::stod(db.value(
      "SELECT extract(epoch FROM max(updated_at) - '" + paused_at +
      "'::timestamptz) FROM orchestrate.backfill_ranges"));
  MESSAGE("last batch committed " << last_batch_after_pause
                                  << " s after replay paused (limit 2 s); lag when checked: "
                                  << later["throttle"]["replica_lag_seconds"].get<double>()
                                  << " s");
  CHECK(last_batch_after_pause < 2.0 + 3.0);
  const long long rows_held = itest::backfill_rows_done(db);
  CHECK(rows_held < 30000);

  const std::string body = test_support::http_get(port, "/metrics");
  INFO(body);
  CHECK(body.find("orchestrate_backfill_throttled_by{plan=\"rename-users-phone\",reason=\"replica_"
                  "lag\"} 1") != std::string::npos);
  CHECK(body.find("orchestrate_backfill_replica_lag_seconds{plan=\"rename-users-phone\",replica="
                  "\"sb_lag_replica\"}") != std::string::npos);
  CHECK(body.find("orchestrate_backfill_replica_lag_bytes{") != std::string::npos);
  CHECK(itest::has_event(db, "rename-users-phone", "throttled", "", "standby 'sb_lag_replica' is "));

  on_standby(standby, "SELECT pg_wal_replay_resume()");
  wait_for_status(
      db,
      [&](const nlohmann::json& b) {
        return b["rows_done"].get<long long>() > rows_held && !throttled_by(b, "replica_lag");
      },
      "the backfill going on after pg_wal_replay_resume()");
  auto done = wait_exit(backfill, 120s);
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  CHECK(differing(db.url()) == "0");
  finish(app, db, o);
  wait_replayed(db, standby);
  CHECK(differing(standby.url(db.name())) == "0");
  CHECK(backfill_status(db)["state"] == "done");
}

TEST_CASE("--max-xact-age holds the backfill while an old transaction pins the xmin horizon, "
          "naming its backend, and committing it lets the backfill finish") {
  itest::TestDb db("sb_xact", 20000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db);

  pqxx::connection report(db.url() + " application_name=nightly_report");
  pqxx::work open_tx(report);
  open_tx.exec("SELECT txid_current()");
  const int report_pid = open_tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
  for (int i = 0; i < 100 && db.value("SELECT now() - xact_start > interval '2s' FROM "
                                      "pg_stat_activity WHERE pid = " +
                                      std::to_string(report_pid)) != "t";
       ++i) {
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE_MESSAGE(db.value("SELECT now() - xact_start > interval '2s' FROM pg_stat_activity "
                           "WHERE pid = " + std::to_string(report_pid)) == "t",
                  "the report's transaction never got 2 s old");

  test_support::Child backfill(db.orchestrate_argv(
      {"next", "--max-xact-age", "2s", "--batch-size", "200", "--max-rows-per-second",
       "5000"}));
  const auto held = wait_for_status(
      db, [](const nlohmann::json& b) { return throttled_by(b, "xact_age"); },
      "throttled_by: xact_age while a transaction is open");
  INFO("status while held: " << held.dump());
  CHECK(held["throttle"]["xact_pid"] == report_pid);
  CHECK(held["throttle"]["xact_application"] == "nightly_report");
  CHECK(held["throttle"]["detail"].get<std::string>().find(
            "transaction of pid " + std::to_string(report_pid) +
            " (application 'nightly_report') open for") != std::string::npos);
  const long long rows_held = itest::backfill_rows_done(db);
  // Still held while the transaction ages: nothing more is copied.
  const double age = held["throttle"]["xact_age_seconds"].get<double>();
  wait_for_status(
      db,
      [&](const nlohmann::json& b) {
        return throttled_by(b, "xact_age") &&
               b["throttle"]["xact_age_seconds"].get<double>() > age + 1.5;
      },
      "the transaction's age growing while the backfill is held");
  CHECK(itest::backfill_rows_done(db) == rows_held);
  CHECK(rows_held < 20000);
  CHECK(itest::has_event(db, "rename-users-phone", "throttled", "",
                        "pid " + std::to_string(report_pid)));
  CHECK(itest::count_events(db, "rename-users-phone", "throttled", "xact_age") > 0);

  open_tx.commit();
  auto done = wait_exit(backfill, 120s);
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  CHECK(done.err.find("backfill held: xact_age") != std::string::npos);
  CHECK(differing(db.url()) == "0");
  finish(app, db, o);
}

TEST_CASE("a session queued behind a batch's row locks holds the backfill as lock_waiters") {
  itest::TestDb db("sb_waiters", 20000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db);

  // A holds one row the backfill must copy; the batch that reaches it waits there holding the
  // rows before it, and B, updating one of those, queues behind the batch.
  const long long held_key = 12345;
  pqxx::connection holder(db.url());
  pqxx::work hold(holder);
  hold.exec("SELECT 1 FROM users WHERE id = " + std::to_string(held_key) + " FOR UPDATE");
  const std::string holder_pid = std::to_string(holder.backendpid());

  test_support::Child backfill(db.orchestrate_argv(
      {"next", "--workers", "1", "--batch-size", "300", "--lock-timeout", "3s"}));
  const auto until = Clock::now() + 90s;
  bool seen = false;
  nlohmann::json last;
  std::vector<std::future<void>> queued; // B: each one queues once, until a batch lets it by
  while (!seen && Clock::now() < until) {
    // The batch that waits for A: the range holding the key, its cursor the batch's start.
    const std::string cursor = db.value(
        "SELECT coalesce((SELECT (coalesce(r.cursor, r.lo, '[\"0\"]')->>0)::bigint FROM orchestrate.backfill_ranges r "
        "WHERE EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.application_name LIKE "
        "'orchestrate backfill worker%' AND pg_blocking_pids(a.pid) @> ARRAY[" + holder_pid +
        "]) "
        "AND coalesce((r.lo->>0)::bigint, 0) < " + std::to_string(held_key) +
        " AND (r.hi->>0)::bigint >= " + std::to_string(held_key) +
        " AND NOT r.done), -1)");
    const long long first = std::stoll(cursor) + 1;
    const bool b_waiting =
        !queued.empty() && queued.back().wait_for(0s) != std::future_status::ready;
    if (first > 0 && first < held_key && !b_waiting) {
      queued.push_back(std::async(std::launch::async, [&db, first] {
        db.exec("UPDATE users SET name = name WHERE id = " + std::to_string(first));
      }));
    }
    last = backfill_status(db);
    seen = throttled_by(last, "lock_waiters");
    std::this_thread::sleep_for(100ms);
  }
  // (No REQUIRE here: the queued updates wait on `hold`, which must be committed below.)
  CHECK_MESSAGE(seen, "status never said throttled_by: lock_waiters; last: " << last.dump());
  if (seen) {
    CHECK(last["throttle"]["lock_waiters"].get<long long>() >= 1);
    CHECK(last["throttle"]["detail"].get<std::string>().find(
              "session(s) wait for locks a batch holds") != std::string::npos);
  }
  CHECK(itest::count_events(db, "rename-users-phone", "throttled", "lock_waiters") > 0);

  hold.commit();
  for (auto& q : queued) {
    q.get();
  }
  auto done = wait_exit(backfill, 120s);
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  CHECK(differing(db.url()) == "0");
  finish(app, db, o);
}

TEST_CASE("--max-wal-rate holds the backfill while the server writes WAL faster than the limit, "
          "and the backfill still finishes") {
  // Enough rows that the copy outlasts the monitor's first samples at the row rate given.
  itest::TestDb db("sb_wal", 20000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db);

  const long long wal_before = wal_position(db);
  const auto started = Clock::now();
  test_support::Child backfill(db.orchestrate_argv(
      {"next", "--max-wal-rate", "1MB", "--batch-size", "200", "--max-rows-per-second",
       "8000"}));
  const auto held = wait_for_status(
      db, [](const nlohmann::json& b) { return throttled_by(b, "wal_rate"); },
      "throttled_by: wal_rate");
  INFO("status while held: " << held.dump());
  CHECK(held["throttle"]["wal_bytes_per_second"].get<double>() > 1024 * 1024);
  CHECK(held["throttle"]["detail"].get<std::string>().find("(limit 1.0 MB/s)") !=
        std::string::npos);
  auto done = wait_exit(backfill, 180s);
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const double rate = static_cast<double>(wal_position(db) - wal_before) / seconds;
  MESSAGE("WAL written while the backfill ran: " << rate / 1024 << " kB/s on average over "
                                                 << seconds << " s (limit 1024 kB/s)");
  CHECK(itest::count_events(db, "rename-users-phone", "throttled", "wal_rate") > 0);
  CHECK(differing(db.url()) == "0");
  finish(app, db, o);
}

TEST_SUITE_END();

} // namespace test_standby
