#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>

#include "app/verify.hpp"
#include "app/writer.hpp"
#include "fixture.hpp"
#include "support/http.hpp"
#include "writes.hpp"
#include "public_state.hpp"

namespace test_fleet {

namespace {
using test_support::PgCluster;

// The plan every fleet test moves (plans/ rename).
const char* const k_plan = "rename-users-phone";

// One database of a fleet: the fixture's users table (`rows` users, an index and a default on
// phone_number), in a cluster of the test's own.
struct FleetDb {
  std::string name;
  std::string url;

  FleetDb(PgCluster& cluster, std::string db_name, int rows)
      : name(std::move(db_name)), url(cluster.create_database(name)) {
    exec(itest::users_table_sql(rows));
  }

  void exec(const std::string& sql) const {
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
  }

  std::string value(const std::string& sql) const {
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    auto r = tx.exec(sql);
    tx.commit();
    return r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
  }

  bool wait_until(const std::string& sql) const {
    bool holds = false;
    itest::wait_until(
        [&] {
          holds = value(sql) == "t";
          return holds;
        },
        "on " + name + ": " + sql);
    return holds;
  }
};

// A fleet of databases spread over throwaway clusters, each with the fixture's users table, a
// writer of its own, and a targets file naming them in waves.
struct Fleet {
  std::vector<std::unique_ptr<PgCluster>> clusters;
  std::vector<std::unique_ptr<FleetDb>> dbs;
  std::filesystem::path dir;
  std::vector<std::unique_ptr<example::Writer>> writers;
  std::map<std::string, std::map<long long, std::string>> committed;
  std::string targets_file;
  test_support::Environment env;

  // `waves`: how many targets each wave takes, in order, and its parallel limit.
  Fleet(int clusters_n,
        int per_cluster,
        int rows,
        const std::vector<std::pair<int, int>>& waves,
        const std::string& tag,
        const std::map<std::size_t, std::string>& target_backfill = {}) {
    for (int c = 0; c < clusters_n; ++c) {
      clusters.push_back(std::make_unique<PgCluster>());
      for (int d = 0; d < per_cluster; ++d) {
        dbs.push_back(std::make_unique<FleetDb>(
            *clusters.back(), tag + std::to_string(c) + "_" + std::to_string(d), rows));
      }
    }
    std::string text = "waves:\n";
    std::size_t next = 0;
    for (std::size_t w = 0; w < waves.size(); ++w) {
      text += "  - name: " + std::string(w == 0 ? "canary" : "wave" + std::to_string(w)) +
              "\n    parallel: " + std::to_string(waves[w].second) + "\n    targets:\n";
      for (int i = 0; i < waves[w].first; ++i, ++next) {
        const auto& db = *dbs.at(next);
        // Every other target names its URL through the environment, as a secret would be.
        const std::string backfill = target_backfill.count(next) != 0
                                         ? ", backfill: " + target_backfill.at(next)
                                         : "";
        if (next % 2 == 0) {
          text += "      - {name: " + db.name + ", url: '" + db.url + "'" + backfill + "}\n";
        } else {
          const std::string var = "FLEET_URL_" + std::to_string(next);
          env[var] = db.url;
          text += "      - {name: " + db.name + ", url_env: " + var + backfill + "}\n";
        }
      }
    }
    REQUIRE(next == dbs.size());
    dir = std::filesystem::temp_directory_path() /
          ("orchestrate-fleet-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    targets_file = (dir / "targets.yaml").string();
    std::ofstream(targets_file) << text;
  }

  ~Fleet() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  test_support::ProcessResult run(std::vector<std::string> args) const {
    std::vector<std::string> argv{ORCHESTRATE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--targets");
    argv.push_back(targets_file);
    return test_support::run_process(argv, env);
  }

  std::vector<std::string> argv(std::vector<std::string> args) const {
    std::vector<std::string> out{ORCHESTRATE_BIN};
    out.insert(out.end(), args.begin(), args.end());
    out.push_back("--targets");
    out.push_back(targets_file);
    return out;
  }

  void start_writers() {
    for (const auto& db : dbs) {
      example::WriterOptions options;
      options.url = db->url;
      writers.push_back(std::make_unique<example::Writer>(options));
      writers.back()->start(example::Version::old_app);
    }
  }

  void let_them_write(long long more = 5) const {
    for (const auto& w : writers) {
      itest::wait_for_writes(*w, more);
    }
  }

  void switch_to_new_app() {
    for (const auto& w : writers) {
      w->set_version(example::Version::new_app);
    }
    // Every write still under way as the old application has committed after these.
    let_them_write(3);
  }

  // The plan's state on every target, in the targets file's order, as the fleet's `status`
  // shows it.
  std::vector<std::string> states() const {
    const auto r = run({"--json", "status", k_plan});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    const auto status = nlohmann::json::parse(r.out);
    std::vector<std::string> out;
    for (const auto& t : status.at("targets")) {
      REQUIRE_MESSAGE(t["error"].is_null(), t["target"] << ": " << t["error"]);
      REQUIRE(t["target"] == dbs.at(out.size())->name);
      out.push_back(t["phase"].get<std::string>());
    }
    REQUIRE(out.size() == dbs.size());
    return out;
  }

  // Stops every writer and checks each committed write is stored exactly in `columns`.
  void stop_and_verify(const std::vector<std::string>& columns) {
    for (std::size_t i = 0; i < dbs.size(); ++i) {
      auto& w = *writers[i];
      w.stop();
      INFO("target " << dbs[i]->name << " writer errors: "
                     << (w.error_messages().empty() ? "" : w.error_messages()[0]));
      CHECK(w.errors() == 0);
      CHECK(w.commits() > 0);
      example::WriterOptions options;
      options.url = dbs[i]->url;
      const auto expected = w.committed();
      auto report = example::verify_writes(dbs[i]->url, options, expected, columns);
      INFO("verify samples: " << (report.samples.empty() ? "" : report.samples[0]));
      CHECK(report.checked == static_cast<long long>(expected.size()));
      CHECK(report.ok());
    }
  }
};

std::vector<std::string> all_of(std::size_t n, const std::string& state) {
  return std::vector<std::string>(n, state);
}
} // namespace

TEST_SUITE_BEGIN("fleet");

TEST_CASE("a rename moves across 12 databases on 3 clusters in lockstep, stops before "
          "transition on a target whose backfill gate fails, and finishes once it is fixed") {
  Fleet fleet(3, 4, 2000, {{1, 1}, {5, 3}, {6, 4}}, "fl");
  const std::size_t n = fleet.dbs.size();
  auto r = fleet.run({"start", itest::rename_plan_path()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  fleet.start_writers();
  for (const char* phase : {"expand", "dual_write", "backfill"}) {
    fleet.let_them_write();
    r = fleet.run({"next", "--batch-size", "500"});
    INFO(phase << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fleet.states() == all_of(n, phase));
  }
  r = fleet.run({"--json", "status"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto status = nlohmann::json::parse(r.out);
  REQUIRE(status["targets"].size() == n);
  for (const auto& t : status["targets"]) {
    CHECK(t["phase"] == "backfill");
    CHECK(t["gate"] == "passed");
    CHECK(t["backfill"]["state"] == "done");
    CHECK(t["backfill"]["rows_done"].get<long long>() >= 2000);
  }

  // A row whose two columns differ, written with the dual-write trigger bypassed, on one
  // target of the last wave: its id lies beyond any row the writer picks.
  const auto& bad = *fleet.dbs[9];
  bad.exec("SET session_replication_role = replica; INSERT INTO users (id, name, phone_number, "
           "phone) VALUES (1000000, 'bypassed', '+1-555-0000000', '+1-555-9999999')");
  fleet.let_them_write();
  r = fleet.run({"next"});
  INFO("next with a bad row: " << r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("target " + bad.name + ":") != std::string::npos);
  CHECK(r.err.find("rename_column.users.phone.parity") != std::string::npos);
  CHECK(r.out.find("no target moved to transition") != std::string::npos);
  // No target entered transition, the canary included.
  CHECK(fleet.states() == all_of(n, "backfill"));
  r = fleet.run({"status"});
  CHECK(r.out.find("gates failing: 1 (" + bad.name + ")") != std::string::npos);

  bad.exec("UPDATE users SET phone = phone_number WHERE id = 1000000");
  r = fleet.run({"next"});
  INFO("transition: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fleet.states() == all_of(n, "transition"));
  fleet.switch_to_new_app();
  r = fleet.run({"next"});
  INFO("contract: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fleet.states() == all_of(n, "done"));
  fleet.let_them_write();
  fleet.stop_and_verify({"phone"});
  for (const auto& db : fleet.dbs) {
    CHECK(db->value("SELECT count(*) FROM users WHERE phone IS NULL OR phone = ''") == "0");
  }
}

TEST_CASE("a fleet command killed mid-backfill resumes every target where it was") {
  Fleet fleet(1, 4, 3000, {{1, 1}, {3, 2}}, "fk");
  const std::size_t n = fleet.dbs.size();
  REQUIRE(fleet.run({"start", itest::rename_plan_path()}).exit_code == 0);
  fleet.start_writers();
  for (int i = 0; i < 2; ++i) {
    fleet.let_them_write();
    auto r = fleet.run({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }
  CHECK(fleet.states() == all_of(n, "dual_write"));
  // A slow copy, so the kill lands in the middle of it.
  test_support::Child child(
      fleet.argv({"next", "--batch-size", "100", "--max-rows-per-second", "1500"}), fleet.env);
  const auto& canary = *fleet.dbs[0];
  itest::wait_until([&] { return itest::count_events(canary.url, k_plan, "backfill_done") > 0; },
                    "the canary's copy finished");
  itest::wait_until([&] { return itest::backfill_rows_done(fleet.dbs[1]->url) > 0; },
                    "the second wave's copy started");
  child.signal(SIGKILL);
  child.wait();
  // The killed command's sessions (and the plan locks they held) go with their sockets.
  for (const auto& db : fleet.dbs) {
    REQUIRE_MESSAGE(db->wait_until("SELECT count(*) = 0 FROM pg_stat_activity WHERE "
                                   "application_name LIKE 'orchestrate%'"),
                    "a session of the killed command stayed on " << db->name);
  }
  auto r = fleet.run({"--json", "status"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto status = nlohmann::json::parse(r.out);
  int unfinished = 0;
  for (const auto& t : status["targets"]) {
    unfinished += t["backfill"]["state"] != "done" ? 1 : 0;
  }
  CHECK(unfinished > 0);

  // The same move again: every copy goes on from its recorded cursors and is gated, while
  // `status --watch` shows the fleet.
  fleet.let_them_write();
  test_support::Child watch(fleet.argv({"status", "--watch"}), fleet.env);
  const std::string connected = "SELECT count(*) >= 1 FROM pg_stat_activity WHERE "
                                "application_name LIKE 'orchestrate fleet %'";
  itest::wait_until([&] { return !watch.running() || fleet.dbs.back()->value(connected) == "t"; },
                    "status --watch connecting to the last target");
  if (!watch.running()) {
    const auto early = watch.wait();
    FAIL("status --watch ended early: " << early.out << early.err);
  }
  r = fleet.run({"backfill"});
  INFO("rerun: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  watch.signal(SIGINT);
  const auto watched = watch.wait();
  INFO("status --watch: " << watched.out << watched.err);
  CHECK(watched.exit_code == 0);
  CHECK(watched.out.find("refreshed every second") != std::string::npos);
  CHECK(watched.out.find("fleet: ") != std::string::npos);
  for (const auto& db : fleet.dbs) {
    CHECK(watched.out.find("  " + db->name + " ") != std::string::npos);
  }
  CHECK(fleet.states() == all_of(n, "backfill"));
  for (const auto& db : fleet.dbs) {
    CHECK(db->value("SELECT count(*) FROM users WHERE phone IS DISTINCT FROM phone_number") ==
          "0");
  }
  r = fleet.run({"next"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  fleet.switch_to_new_app();
  r = fleet.run({"next"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  CHECK(fleet.states() == all_of(n, "done"));
  fleet.let_them_write();
  fleet.stop_and_verify({"phone"});
}

TEST_CASE("a lagging standby of one target holds that target's copy only, and the fleet's "
          "status and metrics say which") {
  Fleet fleet(2, 1, 3000, {{2, 2}}, "fb",
              {{0, "{max_replica_lag: 1s, replicas: [fleet_lag_replica]}"}});
  const auto& lagging = *fleet.dbs[0];
  const auto& steady = *fleet.dbs[1];
  test_support::PgStandby standby(*fleet.clusters[0],
                                  "cluster_name = 'fleet_lag_replica'\n"
                                  "wal_receiver_status_interval = 1s");
  REQUIRE_MESSAGE(lagging.wait_until("SELECT count(*) = 1 FROM pg_stat_replication WHERE "
                                     "application_name = 'fleet_lag_replica' AND state = "
                                     "'streaming'"),
                  "the standby never streamed");
  REQUIRE(fleet.run({"start", itest::rename_plan_path()}).exit_code == 0);
  fleet.start_writers();
  for (int i = 0; i < 2; ++i) {
    fleet.let_them_write();
    auto r = fleet.run({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }
  const auto on_standby = [&](const std::string& sql) {
    pqxx::connection conn(standby.url());
    pqxx::nontransaction tx(conn);
    tx.exec(sql);
  };
  on_standby("SELECT pg_wal_replay_pause()");
  const int port = test_support::free_port();
  test_support::Child copying(fleet.argv({"next", "--batch-size", "200", "--max-rows-per-second",
                                          "1000", "--metrics-port", std::to_string(port)}),
                              fleet.env);
  // Both copies run side by side; the one without a standby finishes while the other holds.
  itest::wait_until([&] { return itest::throttled_by(lagging.url) == "replica_lag"; },
                    "the lagging target's copy held for its standby");
  itest::wait_until([&] { return itest::count_events(steady.url, k_plan, "backfill_done") > 0; },
                    "the other target's copy finished");
  CHECK(itest::count_events(lagging.url, k_plan, "backfill_done") == 0);
  CHECK(itest::count_events(lagging.url, k_plan, "throttled", "replica_lag") > 0);
  CHECK(itest::count_events(steady.url, k_plan, "throttled") == 0);

  auto r = fleet.run({"--json", "status"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto status = nlohmann::json::parse(r.out);
  INFO(status.dump());
  CHECK(status["targets"][0]["backfill"]["throttled_by"] == "replica_lag");
  CHECK(status["targets"][0]["backfill"]["state"] == "running");
  CHECK(status["targets"][1]["backfill"]["state"] == "done");
  CHECK(status["targets"][1]["backfill"]["throttled_by"].is_null());
  r = fleet.run({"status"});
  CHECK(r.out.find("throttled: 1 (" + lagging.name + ")") != std::string::npos);
  const std::string body = test_support::http_get(port, "/metrics");
  INFO(body);
  CHECK(body.find("orchestrate_backfill_throttled_by{plan=\"rename-users-phone\",target=\"" +
                  lagging.name + "\",reason=\"replica_lag\"} 1") != std::string::npos);
  CHECK(body.find("orchestrate_backfill_rows_done{plan=\"rename-users-phone\",target=\"" +
                  steady.name + "\"}") != std::string::npos);

  on_standby("SELECT pg_wal_replay_resume()");
  const auto done = copying.wait();
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  CHECK(fleet.states() == all_of(2, "backfill"));
  r = fleet.run({"next"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  fleet.switch_to_new_app();
  r = fleet.run({"next"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  CHECK(fleet.states() == all_of(2, "done"));
  fleet.let_them_write();
  fleet.stop_and_verify({"phone"});
}

TEST_CASE("a failing target stops its wave (with --on-error continue the rest of the wave still "
          "moves), the next wave never starts, and a later next brings the stragglers up") {
  Fleet fleet(1, 4, 500, {{1, 1}, {2, 1}, {1, 1}}, "fe");
  REQUIRE(fleet.run({"start", itest::rename_plan_path()}).exit_code == 0);
  fleet.start_writers();
  fleet.let_them_write();
  // Expand's ALTER TABLE cannot take its lock on the second target.
  pqxx::connection holder(fleet.dbs[1]->url);
  pqxx::work hold(holder);
  hold.exec("LOCK TABLE users IN ACCESS SHARE MODE");
  auto r = fleet.run({"--lock-retry-for", "1s", "next"});
  INFO("stop: " << r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("target " + fleet.dbs[1]->name + ":") != std::string::npos);
  CHECK(fleet.states() ==
        std::vector<std::string>{"expand", "planned", "planned", "planned"});

  r = fleet.run({"--lock-retry-for", "1s", "next", "--on-error", "continue"});
  INFO("continue: " << r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("stopped in wave wave1") != std::string::npos);
  CHECK(fleet.states() == std::vector<std::string>{"expand", "planned", "expand", "planned"});

  hold.abort();
  fleet.let_them_write();
  r = fleet.run({"next"});
  INFO("stragglers: " << r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(fleet.states() == all_of(4, "expand"));
  fleet.let_them_write();
  fleet.stop_and_verify({"phone_number"});
}

TEST_CASE("verify, pause, resume, rollback and up take --targets and act on every target") {
  Fleet fleet(1, 3, 300, {{1, 1}, {2, 2}}, "fo");
  REQUIRE(fleet.run({"start", itest::rename_plan_path()}).exit_code == 0);
  fleet.start_writers();
  for (int i = 0; i < 2; ++i) { // expand, dual-write
    fleet.let_them_write();
    auto r = fleet.run({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    if (i == 1) {
      // Each target's expand gate ran once, before any target moved; the move took it as run.
      std::size_t reused = 0;
      for (auto at = r.out.find("as just run"); at != std::string::npos;
           at = r.out.find("as just run", at + 1)) {
        ++reused;
      }
      INFO(r.out);
      CHECK(reused == 3);
    }
  }
  CHECK(fleet.states() == all_of(3, "dual_write"));
  auto r = fleet.run({"verify"});
  INFO("verify: " << r.out << r.err);
  CHECK(r.exit_code == 0);

  auto paused = [&] {
    const auto s = fleet.run({"--json", "status"});
    REQUIRE_MESSAGE(s.exit_code == 0, s.out << s.err);
    const auto j = nlohmann::json::parse(s.out);
    std::vector<bool> out;
    for (const auto& t : j.at("targets")) {
      out.push_back(t.at("paused").get<bool>());
    }
    return out;
  };
  r = fleet.run({"pause"});
  INFO("pause: " << r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(paused() == std::vector<bool>(3, true));
  r = fleet.run({"resume"});
  CHECK(r.exit_code == 0);
  CHECK(paused() == std::vector<bool>(3, false));

  // Rolled back with hooks: each target's hooks are told which target moved.
  const auto hooks = fleet.dir / "hooks";
  const auto hook_log = fleet.dir / "hooks.log";
  std::filesystem::create_directories(hooks);
  for (const char* event : {"before-phase", "after-phase"}) {
    std::ofstream(hooks / event) << "#!/bin/sh\necho \"$ORCHESTRATE_EVENT $ORCHESTRATE_TARGET "
                                    "$ORCHESTRATE_PHASE\" >> "
                                 << hook_log.string() << "\n";
    std::filesystem::permissions(hooks / event, std::filesystem::perms::owner_all);
  }
  fleet.let_them_write();
  r = fleet.run({"rollback", "--hook", hooks.string()});
  INFO("rollback: " << r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(fleet.states() == all_of(3, "rolled_back"));
  const std::string hooked = itest::read_file(hook_log);
  INFO("hooks ran: " << hooked);
  for (const auto& db : fleet.dbs) {
    for (const char* event : {"before-phase", "after-phase"}) {
      CHECK(hooked.find(std::string(event) + " " + db->name + " rollback\n") !=
            std::string::npos);
    }
  }
  for (const auto& db : fleet.dbs) {
    CHECK(db->value("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\\_orc\\_%'") == "0");
  }
  fleet.let_them_write();
  fleet.stop_and_verify({"phone_number"});

  // up: a directory of plans brought to its end on every target.
  const auto plans = fleet.dir / "plans";
  std::filesystem::create_directories(plans);
  std::ofstream(plans / "001-add-nickname.yaml")
      << "name: add-nickname\nchanges:\n  - add_column: {table: users, column: nickname, "
         "type: text}\n";
  r = fleet.run({"up", plans.string()});
  INFO("up: " << r.out << r.err);
  CHECK(r.exit_code == 0);
  for (const auto& db : fleet.dbs) {
    CAPTURE(db->name);
    CHECK(itest::plan_state(db->url, "add-nickname") == "done");
    CHECK(db->value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND "
                    "attname = 'nickname' AND NOT attisdropped") == "1");
  }
}

TEST_CASE("SIGTERM stops every copy of a fleet at once, rate-limit waits cut short, and a "
          "later next finishes them") {
  Fleet fleet(1, 2, 3000, {{2, 2}}, "fs");
  REQUIRE(fleet.run({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    auto r = fleet.run({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }
  // 20 rows a second: after their first batches both copies wait seconds for the rate limit.
  test_support::Child child(fleet.argv({"next", "--max-rows-per-second", "20"}), fleet.env);
  for (const auto& db : fleet.dbs) {
    itest::wait_until([&] { return itest::backfill_rows_done(db->url) > 0; },
                      "the copy on " + db->name + " started");
  }
  const auto signalled = std::chrono::steady_clock::now();
  child.signal(SIGTERM);
  const auto r = child.wait();
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  INFO(r.out << r.err);
  MESSAGE("SIGTERM to exit while a fleet's copies waited on their rate limits: " << took << " s");
  CHECK(r.exit_code == 75);
  CHECK(took < 5.0);
  for (const auto& db : fleet.dbs) {
    CHECK(db->value("SELECT count(*) FROM users WHERE phone IS DISTINCT FROM phone_number") !=
          "0");
  }
  const auto again = fleet.run({"next"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(fleet.states() == all_of(2, "transition"));
  for (const auto& db : fleet.dbs) {
    CHECK(db->value("SELECT count(*) FROM users WHERE phone IS DISTINCT FROM phone_number") ==
          "0");
  }
}

TEST_SUITE_END();

} // namespace test_fleet
