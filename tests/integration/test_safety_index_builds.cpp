#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "fixture.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"

namespace test_safety_index_builds {

using namespace std::chrono_literals;

// Fault injection on every step that builds an index CONCURRENTLY (create_index, add_unique,
// add_column's unique index, and the twins rename_column and change_type rebuild on the new
// column): the build's backend is terminated, PostgreSQL restarts, or a duplicate is there
// before or arrives during a unique build. The rerun must converge to a valid index, or end in
// a clear non-zero exit with nothing left that constrains the application.

namespace {

struct Build {
  std::string kind;
  std::string plan; // the plan's text
  // The phase whose `next` builds the index: expand, or the backfill for the indexes a change
  // rebuilds on its new column (built once after the copy).
  std::string phase = "expand";
};

std::vector<Build> builds() {
  return {
      {"create_index", "name: p\nchanges:\n  - create_index: {table: users, name: users_name_idx, "
                       "columns: [name]}\n"},
      {"add_unique", "name: p\nchanges:\n  - add_unique: {table: users, name: users_email_key, "
                     "columns: [email]}\n"},
      {"add_column", "name: p\nchanges:\n  - add_column: {table: users, column: handle, type: "
                     "text, unique: true}\n"},
      {"rename_column",
       "name: p\nchanges:\n  - rename_column: {table: users, from: phone_number, to: phone}\n",
       "backfill"},
      {"change_type", "name: p\nchanges:\n  - change_type: {table: users, column: phone_number, "
                      "type: varchar(40), up: phone_number::varchar(40), down: "
                      "phone_number::text}\n",
       "backfill"},
  };
}

// Polls `condition` every 50 ms until it holds; fails naming `what` after a minute.
void wait_until(const std::function<bool()>& condition, const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL("timed out after 60 s waiting until " << what);
    }
    std::this_thread::sleep_for(50ms);
  }
}

// The pid of the backend running a CREATE INDEX CONCURRENTLY in this database that has
// reached `phase` (as pg_stat_progress_create_index names it), or "" when there is none.
std::string build_at(const itest::TestDb& db, const std::string& phase) {
  return db.value("SELECT pid FROM pg_stat_progress_create_index WHERE datname = "
                  "current_database() AND command = 'CREATE INDEX CONCURRENTLY' AND phase = '" +
                  phase + "'");
}

std::string state(const itest::TestDb& db) {
  return itest::state_and_applying(db);
}

std::string invalid_indexes(const itest::TestDb& db) {
  return db.value("SELECT count(*) FROM pg_index WHERE indrelid = 'users'::regclass AND NOT "
                  "(indisvalid AND indisready)");
}

// A transaction that took a snapshot and keeps it: every CONCURRENTLY build in the database
// waits for it in its last phase ("waiting for old snapshots"), when its index is already
// ready (enforcing uniqueness) but not yet valid. It locks no table, so nothing else waits.
class OldSnapshot {
public:
  explicit OldSnapshot(const std::string& url) : m_conn(std::make_unique<pqxx::connection>(url)) {
    m_tx = std::make_unique<pqxx::work>(*m_conn, "old_snapshot");
    m_tx->exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    m_tx->exec("SELECT count(*) FROM pg_class");
  }
  void release() {
    try {
      if (m_tx) {
        m_tx->commit();
      }
    } catch (const pqxx::failure&) {
      // The restart took it away already.
    }
    m_tx.reset();
    m_conn.reset();
  }
  ~OldSnapshot() {
    try {
      release();
    } catch (...) {
    }
  }

private:
  std::unique_ptr<pqxx::connection> m_conn;
  std::unique_ptr<pqxx::work> m_tx;
};

// Moves the plan up to the phase before `b.phase`, then starts `next` into it while an old
// snapshot holds every build in its last phase, waits until a build sits there, applies
// `fault` to it, lets the snapshot go, and returns what `next` printed and exited with.
test_support::ProcessResult build_with_fault(const itest::TestDb& db,
                                             const Build& b,
                                             const std::function<void(const std::string&)>& fault) {
  auto start = db.orchestrate({"start", db.write_plan(b.kind + ".yaml", b.plan)});
  INFO(start.err);
  REQUIRE(start.exit_code == 0);
  if (b.phase == "backfill") {
    for (const char* phase : {"expand", "dual_write"}) {
      auto r = db.orchestrate({"next"});
      INFO(phase << ": " << r.out << r.err);
      REQUIRE(r.exit_code == 0);
    }
  }
  OldSnapshot snapshot(db.url());
  test_support::Child next(db.orchestrate_argv({"next"}));
  std::string pid;
  wait_until([&] { return !(pid = build_at(db, "waiting for old snapshots")).empty(); },
             "a CONCURRENTLY build of " + b.kind + " waits for old snapshots");
  fault(pid);
  snapshot.release();
  return next.wait();
}

void check_converged(const itest::TestDb& db,
                     const Build& b,
                     const test_support::ProcessResult& r) {
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("reconnecting") != std::string::npos);
  CHECK(state(db) == b.phase);
  CHECK(invalid_indexes(db) == "0");
  auto verify = db.orchestrate({"verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}

// The application inserts a row with this email; true when it was accepted.
bool app_inserts_email(const itest::TestDb& db, const std::string& email) {
  try {
    db.exec("INSERT INTO users (name, email) VALUES ('app', '" + email + "')");
    return true;
  } catch (const pqxx::sql_error&) {
    return false;
  }
}

const std::vector<Build> k_unique_builds = {
    {"create_index", "name: p\nchanges:\n  - create_index: {table: users, name: users_email_uidx, "
                     "columns: [email], unique: true}\n"},
    {"add_unique", "name: p\nchanges:\n  - add_unique: {table: users, name: users_email_uidx, "
                   "columns: [email]}\n"},
};

// A failed unique build: exit 1 naming the step, SQLSTATE and duplicate key; no index left, so
// the application's next duplicate goes in; once the duplicates are gone the rerun builds it.
void check_refused_then_rebuilt(const itest::TestDb& db,
                                const test_support::ProcessResult& r,
                                const std::string& key) {
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(".build failed [23505]") != std::string::npos);
  CHECK(r.err.find("duplicate keys") != std::string::npos);
  CHECK(r.err.find("(" + key + ") in 2 rows") != std::string::npos);
  CHECK(db.value("SELECT to_regclass('users_email_uidx') IS NULL") == "t");
  CHECK(app_inserts_email(db, key));
  db.exec("DELETE FROM users WHERE email = '" + key + "'");
  auto again = db.orchestrate({"next"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(state(db) == "expand");
  CHECK(db.value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                 "'users_email_uidx'::regclass") == "t");
  // And it is enforced now.
  CHECK(app_inserts_email(db, "only@example.com"));
  CHECK_FALSE(app_inserts_email(db, "only@example.com"));
}

} // namespace

TEST_SUITE_BEGIN("safety_index_builds");

TEST_CASE("a build's backend terminated mid-build: next reconnects, drops the invalid leftover "
          "and rebuilds it") {
  for (const auto& b : builds()) {
    CAPTURE(b.kind);
    itest::TestDb db("ib_term_" + b.kind, 2000);
    example::WriterOptions options;
    options.url = db.url();
    example::Writer app(options);
    app.start(example::Version::old_app);
    auto r = build_with_fault(db, b, [&](const std::string& pid) {
      CHECK(db.value("SELECT pg_terminate_backend(" + pid + ")") == "t");
    });
    check_converged(db, b, r);
    app.stop();
    CHECK(app.errors() == 0);
    CHECK(app.commits() > 0);
    auto report = example::verify_writes(db.url(), options, app.committed(), {"phone_number"});
    CHECK(report.ok());
  }
}

TEST_CASE("PostgreSQL restarted mid-build: next reconnects, drops the invalid leftover and "
          "rebuilds it") {
  for (const auto& b : builds()) {
    CAPTURE(b.kind);
    itest::TestDb db("ib_restart_" + b.kind, 2000);
    auto r = build_with_fault(db, b, [](const std::string&) {
      test_support::shared_cluster().restart();
    });
    check_converged(db, b, r);
  }
}

TEST_CASE("a unique build refused on a duplicate already there: exit 1 with the key, nothing "
          "left behind, built once the duplicate is gone") {
  for (const auto& b : k_unique_builds) {
    CAPTURE(b.kind);
    itest::TestDb db("ib_dup_before_" + b.kind, 1000);
    db.exec("UPDATE users SET email = 'twice@example.com' WHERE id IN (7, 8)");
    REQUIRE(db.orchestrate({"start", db.write_plan("u.yaml", b.plan)}).exit_code == 0);
    auto r = db.orchestrate({"next"});
    check_refused_then_rebuilt(db, r, "twice@example.com");
  }
}

TEST_CASE("a unique build refused on duplicates inserted while it ran: the leftover that was "
          "already enforcing uniqueness is dropped at once") {
  for (const auto& b : k_unique_builds) {
    CAPTURE(b.kind);
    itest::TestDb db("ib_dup_during_" + b.kind, 1000);
    REQUIRE(db.orchestrate({"start", db.write_plan("u.yaml", b.plan)}).exit_code == 0);
    // A writer whose transaction is open when the build starts holds it in its first wait.
    pqxx::connection first_conn(db.url());
    auto first = std::make_unique<pqxx::work>(first_conn);
    first->exec("INSERT INTO users (name) VALUES ('first')");
    test_support::Child next(db.orchestrate_argv({"next"}));
    wait_until([&] { return !build_at(db, "waiting for writers before build").empty(); },
               "the build waits for writers before building");
    // A second writer, started after that wait began: the build neither waits for it nor sees
    // its rows, and its rows do not go into the index, which is not ready yet.
    pqxx::connection second_conn(db.url());
    auto second = std::make_unique<pqxx::work>(second_conn);
    second->exec("INSERT INTO users (name, email) VALUES ('a', 'during@example.com'), "
                 "('b', 'during@example.com')");
    first->commit();
    wait_until([&] { return !build_at(db, "waiting for writers before validation").empty(); },
               "the build, its index ready, waits for the second writer");
    CHECK(db.value("SELECT indisready AND NOT indisvalid FROM pg_index WHERE indexrelid = "
                   "'users_email_uidx'::regclass") == "t");
    second->commit();
    check_refused_then_rebuilt(db, next.wait(), "during@example.com");
  }
}

TEST_CASE("an index dropped by hand after its phase is rebuilt by the next `next`") {
  itest::TestDb db("ib_dropped", 1000);
  REQUIRE(db.orchestrate({"start", db.write_plan("i.yaml", builds()[0].plan)}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  db.exec("DROP INDEX users_name_idx");
  auto r = db.orchestrate({"next"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("is not in place") != std::string::npos);
  CHECK(state(db) == "dual_write");
  CHECK(db.value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                 "'users_name_idx'::regclass") == "t");
}

TEST_SUITE_END();

} // namespace test_safety_index_builds
