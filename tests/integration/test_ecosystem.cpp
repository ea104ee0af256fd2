// On-call conveniences against a real database: hooks, the metrics endpoint, `status --watch`
// from another process, `url`, and `lint`/`validate --strict` on the command line.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "app/verify.hpp"
#include "app/writer.hpp"
#include "fixture.hpp"
#include "support/http.hpp"
#include "public_state.hpp"
#include "writes.hpp"

namespace test_ecosystem {

using namespace std::chrono_literals;
using test_support::free_port;
using test_support::http_get;

namespace {

void finish(example::Writer& writer,
            const itest::TestDb& db,
            const example::WriterOptions& o,
            std::vector<std::string> columns = {}) {
  if (columns.empty()) {
    columns = {o.old_column, o.new_column};
  }
  writer.stop();
  INFO("writer errors: " << (writer.error_messages().empty() ? "" : writer.error_messages()[0]));
  CHECK(writer.errors() == 0);
  CHECK(writer.commits() > 0);
  auto report =
      example::verify_writes(db.url(), o, writer.committed(), columns);
  INFO("verify samples: " << (report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.ok());
}

// A hooks directory whose every event appends one line with the hook's environment to `log`;
// before-phase exits with `before_phase_exit`.
std::filesystem::path make_hooks(const itest::TestDb& db, int before_phase_exit = 0) {
  const auto dir = std::filesystem::path(db.write_plan("hooks-marker", "")).parent_path() /
                   "hooks";
  std::filesystem::create_directories(dir);
  const auto log = dir / "log";
  for (const char* event : {"before-phase", "after-phase", "gate-failed", "backfill-progress",
                            "backfill-done", "failure"}) {
    const auto path = dir / event;
    std::ofstream out(path);
    out << "#!/bin/sh\n"
        << "echo \"$ORCHESTRATE_EVENT|$ORCHESTRATE_PLAN|$ORCHESTRATE_PHASE|"
           "$ORCHESTRATE_ROWS_DONE|$ORCHESTRATE_ROWS_TOTAL|$ORCHESTRATE_REASON\" >> "
        << log.string() << "\n";
    if (std::string(event) == "before-phase") {
      out << "exit " << before_phase_exit << "\n";
    }
    out.close();
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  return dir;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

// The value of a sample line `name{...} value` in a Prometheus text body, or -1.
double sample(const std::string& body, const std::string& name) {
  for (const auto& line : lines_of(body)) {
    if (line.rfind(name + "{", 0) == 0) {
      return std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return -1;
}

} // namespace

TEST_SUITE_BEGIN("ecosystem");

TEST_CASE("hooks fire in order with the plan, phase and progress in their environment") {
  itest::TestDb db("eco_hooks", 20000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  const auto hooks = make_hooks(db);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 3; ++i) {
    auto r = db.orchestrate({"next", "--hook", hooks.string(), "--batch-size", "500"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }
  finish(app, db, o);

  const auto log = lines_of(itest::read_file(hooks / "log"));
  std::vector<std::string> moves;
  for (const auto& l : log) {
    if (l.rfind("backfill-progress|", 0) != 0) {
      moves.push_back(l.substr(0, l.find('|', l.find('|', l.find('|') + 1) + 1)));
    }
  }
  const std::vector<std::string> expected = {
      "before-phase|rename-users-phone|expand",   "after-phase|rename-users-phone|expand",
      "before-phase|rename-users-phone|dual_write", "after-phase|rename-users-phone|dual_write",
      "before-phase|rename-users-phone|backfill", "backfill-done|rename-users-phone|backfill",
      "after-phase|rename-users-phone|backfill"};
  CHECK(moves == expected);
  // backfill-done carries the rows the run covered (the 20000 rows and the writer's inserts)
  // and those of the whole backfill, here the same run.
  int done_lines = 0;
  for (const auto& l : log) {
    if (l.rfind("backfill-done|rename-users-phone|backfill|", 0) == 0) {
      ++done_lines;
      const auto rows = l.substr(std::string("backfill-done|rename-users-phone|backfill|").size());
      const auto bar = rows.find('|');
      long long run = -1;
      long long total = -1;
      CHECK_NOTHROW(run = std::stoll(rows.substr(0, bar)));
      CHECK_NOTHROW(total = std::stoll(rows.substr(bar + 1, rows.find('|', bar + 1) - bar - 1)));
      CHECK(run >= 20000);
      CHECK(total == run);
    }
  }
  CHECK(done_lines == 1);
}

TEST_CASE("a failing before-phase hook from the plan's hooks key stops the move with exit 3") {
  itest::TestDb db("eco_veto", 2000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  const auto hooks = make_hooks(db, 1);
  const auto plan = db.write_plan("vetoed.yaml",
                                  "name: vetoed\nhooks: " + hooks.string() + "\nchanges:\n"
                                  "  - rename_column: {table: users, from: phone_number, "
                                  "to: phone}\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  auto r = db.orchestrate({"next"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("before-phase") != std::string::npos);
  CHECK(plan_state(db) == "planned");
  CHECK(db.value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND "
                 "attname = 'phone'") == "0");
  CHECK(lines_of(itest::read_file(hooks / "log")) ==
        std::vector<std::string>{"before-phase|vetoed|expand|||"});
  finish(app, db, o, {"phone_number"});
}

TEST_CASE("a hung backfill-progress hook is killed after --hook-timeout and keeps neither the "
          "process nor the plan's lock") {
  itest::TestDb db("eco_hang", 20000);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  const auto dir = db.dir() / "hang-hooks";
  std::filesystem::create_directories(dir);
  {
    std::ofstream hook(dir / "backfill-progress");
    hook << "#!/bin/sh\nsleep 60 & echo $! >> " << (dir / "pids").string() << "\necho $$ >> "
         << (dir / "pids").string() << "\nwait\n";
  }
  std::filesystem::permissions(dir / "backfill-progress", std::filesystem::perms::owner_all);
  const auto started = std::chrono::steady_clock::now();
  auto r = db.orchestrate({"next", "--hook", dir.string(), "--hook-timeout", "1s",
                           "--max-rows-per-second", "10000"});
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO(r.out << r.err);
  MESSAGE("next with a hung progress hook took " << took << " s");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("ran past its timeout and was killed") != std::string::npos);
  CHECK(took < 30);
  // Every hung hook and its child are gone the moment orchestrate is.
  const auto pids = lines_of(itest::read_file(dir / "pids"));
  CHECK(!pids.empty());
  for (const auto& pid : pids) {
    CAPTURE(pid);
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string line;
    const bool exists = static_cast<bool>(std::getline(stat, line));
    CHECK((!exists || line.substr(line.rfind(')') + 2, 1) == "Z"));
  }
  CHECK(itest::count_events(db, "rename-users-phone", "hook_timed_out", "backfill-progress") >= 1);
  // The lock went with the process: the next command runs at once.
  auto again = db.orchestrate({"backfill"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
}

TEST_CASE("a failing after-phase hook is shown and recorded, and the failure hook is told the phase "
          "that failed, in a payload that survives quotes and newlines") {
  itest::TestDb db("eco_hook_fail", 100);
  const auto dir = db.dir() / "fail-hooks";
  std::filesystem::create_directories(dir);
  const std::map<std::string, std::string> bodies = {
      {"after-phase", "exit 3\n"},
      {"failure", "cp \"$ORCHESTRATE_PAYLOAD_FILE\" " + (dir / "payload.json").string() + "\n"}};
  for (const auto& [event, body] : bodies) {
    std::ofstream(dir / event) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(dir / event, std::filesystem::perms::owner_all);
  }
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  auto r = db.orchestrate({"next", "--hook", dir.string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("after-phase exited with status 3") != std::string::npos);
  std::vector<std::string> failed;
  for (const auto& e : itest::plan_events(db, "rename-users-phone")) {
    if (e["outcome"] == "hook_failed") {
      failed.push_back(e["phase"].get<std::string>() + " " + e["item"].get<std::string>());
    }
  }
  CHECK(failed == std::vector<std::string>{"expand after-phase"});
  auto status = db.orchestrate({"status"});
  CHECK(status.out.find("hook_failed") != std::string::npos);

  const auto boom = db.write_plan(
      "boom.yaml", "name: boom\nchanges:\n  - sql:\n      up: \"DO $$BEGIN RAISE EXCEPTION "
                   "'he said \\\"stop\\\"' USING DETAIL = 'on a second line'; END$$\"\n"
                   "      down: SELECT 1\n");
  REQUIRE(db.orchestrate({"start", boom}).exit_code == 0);
  r = db.orchestrate({"next", "boom", "--hook", dir.string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  const auto payload = nlohmann::json::parse(itest::read_file(dir / "payload.json"));
  CHECK(payload["event"] == "failure");
  CHECK(payload["phase"] == "expand"); // the phase that failed, not the plan's state (planned)
  const std::string reason = payload["reason"];
  CHECK(reason.find("he said \"stop\"") != std::string::npos);
  CHECK(reason.find("\nDETAIL:  on a second line") != std::string::npos);
  CHECK(reason.find("[P0001]") != std::string::npos);
}

TEST_CASE("the metrics endpoint serves backfill progress while a throttled backfill runs") {
  itest::TestDb db("eco_metrics", 30000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  const int port = free_port();
  test_support::Child child(db.orchestrate_argv({"next", "--max-rows-per-second", "5000",
                                                 "--batch-size", "500", "--metrics-port",
                                                 std::to_string(port)}));
  std::string body;
  for (int i = 0; i < 200; ++i) {
    body = http_get(port, "/metrics");
    if (sample(body, "orchestrate_backfill_rows_done") > 0) {
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  INFO(body);
  CHECK(body.find("HTTP/1.1 200") == 0);
  CHECK(body.find("text/plain; version=0.0.4") != std::string::npos);
  CHECK(body.find("# TYPE orchestrate_backfill_batch_duration_seconds histogram") !=
        std::string::npos);
  CHECK(sample(body, "orchestrate_backfill_rows_done") > 0);
  CHECK(sample(body, "orchestrate_backfill_rows_estimated") >= 30000 * 0.5);
  CHECK(sample(body, "orchestrate_backfill_rows_per_second") >= 0);
  CHECK(sample(body, "orchestrate_backfill_batch_size") > 0);
  CHECK(sample(body, "orchestrate_backfill_batch_seconds") > 0);
  CHECK(sample(body, "orchestrate_backfill_retries_total") >= 0); // -1 when it is missing
  CHECK(body.find("orchestrate_backfill_throttled_seconds_total{plan=\"rename-users-phone\"") !=
        std::string::npos);
  CHECK(body.find("plan=\"rename-users-phone\"") != std::string::npos);

  // Status from another process sees the same backfill.
  auto status = nlohmann::json::parse(db.orchestrate({"--json", "status"}).out);
  CHECK(status["phase"] == "backfill");

  auto done = child.wait();
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  CHECK(http_get(port, "/metrics").empty()); // the endpoint lives as long as the command
  finish(app, db, o);
}

TEST_CASE("--metrics-listen serves on the address given, --window takes H:MM, --version "
          "answers") {
  itest::TestDb db("eco_listen", 20000);
  auto version = db.orchestrate({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("orchestrate ", 0) == 0);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  const int port = free_port();
  test_support::Child child(
      db.orchestrate_argv({"next", "--max-rows-per-second", "3000", "--window", "0:00-0:00",
                           "--metrics-listen", "0.0.0.0:" + std::to_string(port)}));
  std::string body;
  for (int i = 0; i < 200; ++i) {
    body = http_get(port, "/metrics");
    if (sample(body, "orchestrate_backfill_rows_done") > 0) {
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  INFO(body);
  CHECK(sample(body, "orchestrate_backfill_rows_done") > 0);
  CHECK(sample(body, "orchestrate_backfill_throttled") == 1); // held to 3000 rows/s
  // Bound to every interface (0.0.0.0), not to loopback alone: /proc/net/tcp lists it LISTENing.
  char local[32];
  std::snprintf(local, sizeof local, "00000000:%04X", port);
  bool listening = false;
  for (const auto& line : lines_of(itest::read_file("/proc/net/tcp"))) {
    listening = listening || (line.find(local) != std::string::npos &&
                              line.find(" 0A ") != std::string::npos);
  }
  CHECK(listening);
  auto done = child.wait();
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  CHECK(done.out.find("metrics: http://0.0.0.0:" + std::to_string(port) + "/metrics") !=
        std::string::npos);
  for (const char* bad : {"localhost:9187", "127.0.0.1", "127.0.0.1:99999"}) {
    CAPTURE(bad);
    auto r = db.orchestrate({"next", "--metrics-listen", bad});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--metrics-listen") != std::string::npos);
  }
  CHECK(db.orchestrate({"next", "--metrics-listen", "0.0.0.0:1", "--metrics-port", "2"})
            .exit_code == 2);
  CHECK(plan_state(db) == "backfill");
}

TEST_CASE("status --watch refreshes while a backfill runs in another process") {
  itest::TestDb db("eco_watch", 20000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  test_support::Child backfill(db.orchestrate_argv({"next", "--max-rows-per-second", "4000"}));
  test_support::Child watch(db.orchestrate_argv({"status", "--watch"}));
  const auto refreshes = [](const std::string& out) {
    std::size_t n = 0;
    for (std::size_t at = 0;
         (at = out.find("plan rename-users-phone: backfill", at)) != std::string::npos; ++at) {
      ++n;
    }
    return n;
  };
  itest::wait_until(
      [&] {
        const auto out = watch.output();
        return refreshes(out) >= 2 && out.find("rows/s") != std::string::npos;
      },
      "status --watch showing the running copy's rate twice");
  watch.signal(SIGINT);
  auto w = watch.wait();
  INFO(w.out << w.err);
  CHECK(w.exit_code == 0);
  CHECK(refreshes(w.out) >= 2);
  CHECK(w.out.find("rows/s") != std::string::npos);
  CHECK(w.out.find("recent events") != std::string::npos);
  CHECK(backfill.wait().exit_code == 0);
  finish(app, db, o);

  // With no name, status lists every active plan.
  db.exec("CREATE TABLE notes (id bigint PRIMARY KEY, body text)");
  auto second = db.write_plan("second.yaml",
                              "name: second\nchanges:\n"
                              "  - create_index: {table: notes, name: notes_body_idx, "
                              "columns: [body]}\n");
  REQUIRE(db.orchestrate({"start", second}).exit_code == 0);
  auto all = db.orchestrate({"status"});
  CHECK(all.out.find("plan rename-users-phone") != std::string::npos);
  CHECK(all.out.find("plan second") != std::string::npos);
  auto json = nlohmann::json::parse(db.orchestrate({"--json", "status"}).out);
  CHECK(json.is_array());
  CHECK(json.size() == 2);
}

TEST_CASE("url gives the new application a connection string with the version schema first") {
  itest::TestDb db("eco_url", 500);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  auto plan = db.write_plan("widen.yaml",
                            "name: widen-name\nchanges:\n"
                            "  - change_type: {table: users, column: name, type: varchar(200), "
                            "up: name::varchar(200), down: name::text}\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  for (int i = 0; i < 2; ++i) {
    auto r = db.orchestrate({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }
  auto r = db.orchestrate({"url"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  std::string url = r.out.substr(0, r.out.find('\n'));
  CHECK(url.find("search_path") != std::string::npos);
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  const std::string path = tx.exec1("SHOW search_path")[0].as<std::string>();
  CHECK(path.find("widen-name") != std::string::npos);
  CHECK(path.find("public") != std::string::npos);
  // The new application sees the new type under the old name, through the version schema.
  CHECK(tx.exec1("SELECT pg_typeof(name)::text FROM users LIMIT 1")[0].as<std::string>() ==
        "character varying");
  tx.commit();
  finish(app, db, o, {"phone_number"});
}

TEST_CASE("lint warns about unsafe sql and views a change breaks, --strict makes them errors") {
  itest::TestDb db("eco_lint", 100);
  db.exec("CREATE VIEW user_phones AS SELECT id, phone_number FROM users");
  auto unsafe = db.write_plan("unsafe.yaml",
                              "name: unsafe\nchanges:\n  - sql:\n"
                              "      up: CREATE INDEX users_email_idx ON users (email)\n"
                              "      down: DROP INDEX IF EXISTS users_email_idx\n");
  auto r = db.orchestrate({"lint", unsafe});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("unsafe.yaml:4:") != std::string::npos);
  CHECK(r.out.find("[index-not-concurrent]") != std::string::npos);
  CHECK(r.out.find("safe alternative: use a create_index change") != std::string::npos);
  CHECK(db.orchestrate({"lint", "--strict", unsafe}).exit_code == 2);
  CHECK(db.orchestrate({"validate", "--strict", unsafe}).exit_code == 2);
  auto v = db.orchestrate({"validate", unsafe});
  CHECK(v.exit_code == 0);
  CHECK(v.out.find("[index-not-concurrent]") != std::string::npos);

  auto rename = db.orchestrate({"lint", itest::rename_plan_path()});
  INFO(rename.out << rename.err);
  CHECK(rename.out.find("[dependent-view]") != std::string::npos);
  CHECK(rename.out.find("user_phones") != std::string::npos);
  db.exec("DROP VIEW user_phones");
  CHECK(db.orchestrate({"lint", "--strict", itest::rename_plan_path()}).exit_code == 0);
}

TEST_CASE("lint flags an sql change's EXCLUDE constraint at its statement, like UNIQUE") {
  itest::TestDb db("eco_lint_exclude", 10);
  auto plan = db.write_plan("exclude.yaml",
                            "name: exclude\nchanges:\n  - sql:\n      up: |\n"
                            "        CREATE EXTENSION IF NOT EXISTS btree_gist;\n"
                            "        ALTER TABLE users ADD CONSTRAINT one_phone_per_name\n"
                            "          EXCLUDE USING gist (name WITH =, phone_number WITH =);\n"
                            "        ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n"
                            "      down: ALTER TABLE users DROP CONSTRAINT IF EXISTS "
                            "one_phone_per_name\n");
  auto r = db.orchestrate({"lint", plan});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("exclude.yaml:6:9: warning [exclusion-builds-index]: sql statement 2: ADD "
                   "CONSTRAINT one_phone_per_name EXCLUDE on users") != std::string::npos);
  CHECK(r.out.find("exclude.yaml:8:9: warning [unique-without-index]") != std::string::npos);
  CHECK(r.out.find("safe alternative: add it while the table is new or empty") !=
        std::string::npos);
  auto strict = db.orchestrate({"lint", "--strict", plan});
  CHECK(strict.exit_code == 2);
  CHECK(strict.out.find("error [exclusion-builds-index]") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_ecosystem
