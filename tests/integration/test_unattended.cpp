// Runs nobody watches: cron, systemd timers, Kubernetes Jobs. Machine-readable output on stdout,
// exit codes and messages that say what to do next, and a status that tells running from
// stopped.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <csignal>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "fixture.hpp"
#include "public_state.hpp"

namespace test_unattended {

using namespace std::chrono_literals;

namespace {

// Expand and dual-write done: the next `next` enters the backfill phase and runs it.
void up_to_backfill(const itest::TestDb& db) {
  auto r = db.orchestrate({"start", itest::rename_plan_path()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  for (int i = 0; i < 2; ++i) {
    r = db.orchestrate({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }
}

} // namespace

TEST_SUITE_BEGIN("unattended");

TEST_CASE("--json writes only JSON lines on stdout, each with the plan and a zoned timestamp, "
          "ending with the outcome") {
  itest::TestDb db("un_json", 20000);
  up_to_backfill(db);

  // Stopped part-way by a signal, then paused: the exit-75 message says how to go on and counts
  // every row copied so far, not only this run's.
  test_support::Child first(db.orchestrate_argv({"next", "--max-rows-per-second", "4000"}));
  for (int i = 0; i < 200 && itest::backfill_rows_done(db) < 3000; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  first.signal(SIGTERM);
  REQUIRE(first.wait().exit_code == 75);
  const long long copied = itest::backfill_rows_done(db);
  REQUIRE(copied > 0);
  REQUIRE(db.orchestrate({"pause"}).exit_code == 0);
  auto paused = db.orchestrate({"--json", "backfill"});
  INFO(paused.out << paused.err);
  CHECK(paused.exit_code == 75);
  CHECK(paused.err.find("orchestrate resume") != std::string::npos);
  CHECK(paused.err.find("after " + std::to_string(copied) + " rows (0 in this run)") !=
        std::string::npos);
  auto stopped = itest::json_lines(paused.out);
  REQUIRE(!stopped.empty());
  CHECK(stopped.back()["type"] == "outcome");
  CHECK(stopped.back()["exit_code"] == 75);
  CHECK(stopped.back()["outcome"] == "stopped_early");
  REQUIRE(db.orchestrate({"resume"}).exit_code == 0);

  auto r = db.orchestrate({"--json", "next", "--max-rows-per-second", "8000"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  const auto lines = itest::json_lines(r.out);
  REQUIRE(lines.size() >= 4);
  static const std::regex k_iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d)");
  std::set<std::string> types;
  std::set<std::string> outcomes;
  for (const auto& j : lines) {
    CAPTURE(j.dump());
    CHECK(j["plan"] == "rename-users-phone");
    CHECK(std::regex_match(j["at"].get<std::string>(), k_iso));
    types.insert(j["type"].get<std::string>());
    if (j["type"] == "event") {
      outcomes.insert(j["outcome"].get<std::string>());
      CHECK(std::regex_match(j["recorded_at"].get<std::string>(), k_iso));
    }
  }
  CHECK(types == std::set<std::string>{"event", "progress", "gate", "outcome"});
  CHECK(outcomes.count("backfill_done") == 1);
  CHECK(outcomes.count("gate_passed") == 1);
  CHECK(lines.back()["type"] == "outcome");
  CHECK(lines.back()["exit_code"] == 0);
  CHECK(lines.back()["outcome"] == "done");
  bool gate_passed = false;
  for (const auto& j : lines) {
    gate_passed = gate_passed || (j["type"] == "gate" && j["passed"] == true &&
                                  !j["checks"].empty());
  }
  CHECK(gate_passed);
  // Text for people went to stderr.
  CHECK(r.err.find("gate of") != std::string::npos);

  // A command that fails before it knows its plan still ends with an outcome line.
  auto bad = db.orchestrate({"--json", "backfill", "no-such-plan"});
  CHECK(bad.exit_code == 2);
  const auto bad_lines = itest::json_lines(bad.out);
  REQUIRE(bad_lines.size() == 1);
  CHECK(bad_lines[0]["outcome"] == "bad_input");
  CHECK(bad_lines[0]["message"].get<std::string>().find("no-such-plan") != std::string::npos);
}

TEST_CASE("status tells a running backfill from one stopped by a signal and from one that died, "
          "with the heartbeat's zone") {
  itest::TestDb db("un_status", 60000);
  up_to_backfill(db);
  static const std::regex k_iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d)");
  auto backfill_status = [&db] {
    auto r = db.orchestrate({"--json", "status"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out)["backfill"];
  };
  auto wait_for_state = [&](const std::string& wanted, int seconds) {
    nlohmann::json b;
    for (int i = 0; i < seconds * 5; ++i) {
      b = backfill_status();
      if (b["state"] == wanted) {
        break;
      }
      std::this_thread::sleep_for(200ms);
    }
    return b;
  };

  test_support::Child running(db.orchestrate_argv({"next", "--max-rows-per-second", "2000"}));
  auto b = wait_for_state("running", 30);
  CHECK_MESSAGE(b["state"] == "running", b.dump());
  CHECK(std::regex_match(b["heartbeat"].get<std::string>(), k_iso));
  CHECK(b["seconds_since_heartbeat"].get<double>() < 5);
  CHECK(db.orchestrate({"status"}).out.find("backfill state: running") != std::string::npos);
  running.signal(SIGTERM);
  CHECK(running.wait().exit_code == 75);
  b = backfill_status();
  CHECK_MESSAGE(b["state"] == "stopped", b.dump());
  CHECK(b["stop_reason"] == "signal");
  CHECK(b["rows_per_second"] == 0.0);
  auto text = db.orchestrate({"status"}).out;
  CHECK(text.find("backfill state: stopped (signal)") != std::string::npos);
  CHECK(text.find("throttled by") == std::string::npos);

  // Killed without warning: no stop reason, and the heartbeat goes stale.
  test_support::Child killed(db.orchestrate_argv({"backfill", "--max-rows-per-second", "2000"}));
  CHECK(wait_for_state("running", 30)["state"] == "running");
  killed.signal(SIGKILL);
  killed.wait();
  b = wait_for_state("died", 40);
  CHECK_MESSAGE(b["state"] == "died", b.dump());
  CHECK(b["seconds_since_heartbeat"].get<double>() > 10);
  CHECK(db.orchestrate({"status"}).out.find("backfill state: DIED: no heartbeat for") !=
        std::string::npos);

  // And a run that finishes says so.
  REQUIRE(db.orchestrate({"backfill"}).exit_code == 0);
  CHECK(backfill_status()["state"] == "done");
}

TEST_CASE("status --watch rides out a database restart and keeps refreshing") {
  itest::TestDb db("un_watch", 100);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  test_support::Child watch(db.orchestrate_argv({"status", "--watch"}));
  // Watching: the first screen names the plan.
  for (int i = 0; i < 100 && db.value("SELECT count(*) FROM pg_stat_activity WHERE "
                                      "application_name = 'orchestrate status'") != "1";
       ++i) {
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(db.value("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                   "'orchestrate status'") == "1");
  test_support::shared_cluster().restart();
  // Back: its session reappears once it has reconnected.
  std::string back;
  for (int i = 0; i < 200 && back != "1" && watch.running(); ++i) {
    std::this_thread::sleep_for(100ms);
    back = db.value("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                    "'orchestrate status'");
  }
  CHECK_MESSAGE(back == "1", "status --watch did not reconnect after the restart");
  // And it refreshes on the new session: its latest query changes.
  const std::string k_latest = "SELECT coalesce(max(query_start)::text, '') FROM "
                               "pg_stat_activity WHERE application_name = 'orchestrate status'";
  const std::string first = db.value(k_latest);
  std::string later = first;
  for (int i = 0; i < 100 && later == first; ++i) {
    std::this_thread::sleep_for(100ms);
    later = db.value(k_latest);
  }
  CHECK_MESSAGE(later != first, "status --watch did not refresh after reconnecting");
  CHECK(watch.running());
  watch.signal(SIGINT);
  auto r = watch.wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("database unreachable") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_unattended
