#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "fixture.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"
#include "writes.hpp"

namespace test_safety_locks {

using namespace std::chrono_literals;

namespace {

// The application's read path: one primary-key lookup every 50 ms, remembering the slowest.
class Prober {
public:
  explicit Prober(const std::string& url) : m_conn(url) {
    m_thread = std::jthread([this](std::stop_token stop) { run(stop); });
  }
  ~Prober() { stop(); }
  void stop() {
    if (m_thread.joinable()) {
      m_thread.request_stop();
      m_thread.join();
    }
  }
  std::chrono::milliseconds worst() const { return std::chrono::milliseconds(m_worst_ms.load()); }
  long long probes() const { return m_probes.load(); }
  long long errors() const { return m_errors.load(); }

private:
  void run(std::stop_token stop) {
    long long id = 1;
    while (!stop.stop_requested()) {
      const auto started = std::chrono::steady_clock::now();
      try {
        pqxx::nontransaction tx(m_conn);
        tx.exec_params("SELECT id, name FROM users WHERE id = $1", id);
      } catch (const std::exception&) {
        m_errors++;
      }
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      m_worst_ms.store(std::max<long long>(m_worst_ms.load(), took.count()));
      m_probes++;
      id = id % 500 + 1;
      std::this_thread::sleep_for(50ms);
    }
  }

  pqxx::connection m_conn;
  std::atomic<long long> m_worst_ms{0};
  std::atomic<long long> m_probes{0};
  std::atomic<long long> m_errors{0};
  std::jthread m_thread;
};

// A reporting query that read from users and then sits in its transaction for `hold`.
class LongReader {
public:
  LongReader(const std::string& url, std::chrono::milliseconds hold) : m_conn(url) {
    pqxx::nontransaction(m_conn).exec("SET application_name = 'long-report'");
    m_pid = m_conn.backendpid();
    m_tx = std::make_unique<pqxx::work>(m_conn);
    m_tx->exec("SELECT count(*) FROM users");
    m_thread = std::thread([this, hold] {
      std::this_thread::sleep_for(hold);
      m_tx->commit();
    });
  }
  ~LongReader() {
    if (m_thread.joinable()) {
      m_thread.join();
    }
  }
  int pid() const { return m_pid; }

private:
  pqxx::connection m_conn;
  int m_pid = 0;
  std::unique_ptr<pqxx::work> m_tx;
  std::thread m_thread;
};


} // namespace

TEST_SUITE_BEGIN("safety_locks");

TEST_CASE("behind a long transaction, expand never stalls the application and names the blocker") {
  itest::TestDb db("locks", 2000);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  example::WriterOptions options;
  options.url = db.url();
  example::Writer app(options);
  app.start(example::Version::old_app);
  Prober prober(db.url());
  itest::wait_until([&] { return prober.probes() >= 5; }, "the prober's first reads");
  itest::wait_for_writes(app, 5);

  test_support::ProcessResult r;
  int blocker_pid = 0;
  {
    LongReader reader(db.url(), 3000ms);
    blocker_pid = reader.pid();
    r = db.orchestrate({"next"});
  }
  // Reads and writes after the DDL committed, too.
  const long long probes = prober.probes();
  itest::wait_until([&] { return prober.probes() >= probes + 5; }, "reads after expand");
  itest::wait_for_writes(app, 5);
  prober.stop();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(plan_state(db) == "expand");
  // `next` waited, retried, and said who held it up, both on screen and in the event log.
  CHECK(r.err.find("lock not available within lock_timeout") != std::string::npos);
  const std::string named = "blocked by pid " + std::to_string(blocker_pid) +
                            " (application 'long-report'";
  CHECK(r.err.find(named) != std::string::npos);
  CHECK(r.err.find("SELECT count(*) FROM users") != std::string::npos);
  CHECK(itest::has_event(db, "rename-users-phone", "waiting", "",
                        "pid " + std::to_string(blocker_pid)));
  // The application's reads queued behind the DDL for at most about one lock_timeout (500 ms).
  MESSAGE("worst read latency while expand waited: " << prober.worst().count() << " ms over "
                                                     << prober.probes() << " probes");
  CHECK(prober.errors() == 0);
  CHECK(prober.probes() > 20);
  CHECK(prober.worst() < 1500ms);
  // After expand alone the new column is not kept in step yet: check the old one.
  itest::check_writes(app, options, {"phone_number"});
}

TEST_CASE("a step still blocked when lock-retry-for runs out fails naming the blocker") {
  itest::TestDb db("locks_giveup", 200);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  const std::string before = db.dump();
  LongReader reader(db.url(), 4000ms);
  auto r = db.orchestrate({"--lock-timeout", "200ms", "--lock-retry-for", "1s", "next"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("[55P03]") != std::string::npos);
  CHECK(r.err.find("blocked by pid " + std::to_string(reader.pid())) != std::string::npos);
  CHECK(itest::state_and_applying(db) == "planned/expand");
}

TEST_CASE("gate checks run under statement_timeout") {
  itest::TestDb db("locks_gate", 100);
  // The gate sleeps as many seconds as gate_delay says: none while expand runs it, 30 once
  // verify runs it again under a statement_timeout of 1 s.
  db.exec("CREATE TABLE gate_delay (seconds int)");
  const std::string plan = db.write_plan(
      "slow-gate.yaml",
      "name: slow-gate\nchanges:\n  - rename_column: {table: users, from: phone_number, to: "
      "phone}\ngates:\n  expand:\n    - name: slow\n      sql: select pg_sleep(coalesce((select "
      "max(seconds) from gate_delay), 0)) is not null\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  auto r = db.orchestrate({"next"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  db.exec("INSERT INTO gate_delay VALUES (30)");
  const auto started = std::chrono::steady_clock::now();
  r = db.orchestrate({"--statement-timeout", "1s", "verify"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("57014") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - started < 20s);
}

TEST_CASE("behind a long transaction, rollback waits, retries and records who held it up") {
  itest::TestDb db("locks_rollback", 200);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  pqxx::connection holder(db.url());
  pqxx::nontransaction(holder).exec("SET application_name = 'long-report'");
  auto hold = std::make_unique<pqxx::work>(holder);
  hold->exec("SELECT count(*) FROM users");
  test_support::Child rollback(db.orchestrate_argv({"rollback"}));
  const std::string named = "blocked by pid " + std::to_string(holder.backendpid());
  itest::wait_until(
      [&] { return itest::has_event(db, "rename-users-phone", "waiting", "rollback", named); },
      "rollback recorded a lock wait naming the open transaction");
  hold->commit();
  auto r = rollback.wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find(named) != std::string::npos);
  CHECK(plan_state(db) == "rolled_back");
}

TEST_SUITE_END();

} // namespace test_safety_locks
