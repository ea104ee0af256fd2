#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <csignal>
#include <ctime>

#include <chrono>
#include <thread>

#include "fixture.hpp"
#include "verify/gate.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"
#include "writes.hpp"

namespace test_backfill {

using namespace std::chrono_literals;

namespace {

// Stops the writer and asserts every write it committed is in place, in both columns.
void finish(example::Writer& writer, const itest::TestDb& db, const example::WriterOptions& o) {
  writer.stop();
  INFO("writer errors: " << (writer.error_messages().empty() ? "" : writer.error_messages()[0]));
  CHECK(writer.errors() == 0);
  CHECK(writer.commits() > 0);
  auto report = example::verify_writes(db.url(), o, writer.committed(), {o.old_column, o.new_column});
  INFO("verify samples: " << (report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.ok());
}

// Runs expand and dual-write of `plan_path`, leaving the plan at the door of the backfill.
void up_to_backfill(const itest::TestDb& db, const std::string& plan_path, const std::string& name) {
  auto r = db.orchestrate({"start", plan_path});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  for (int i = 0; i < 2; ++i) {
    r = db.orchestrate({"next", name});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }
}

std::string differing(const itest::TestDb& db, const std::string& table = "users") {
  return db.value("SELECT count(*) FROM " + table + " WHERE phone IS DISTINCT FROM phone_number");
}

// A window that opens two hours from now, so that now is outside it.
std::string closed_window() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  const int now = tm.tm_hour * 60 + tm.tm_min;
  auto hhmm = [](int m) {
    m %= 1440;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
    return std::string(buf);
  };
  return hhmm(now + 120) + "-" + hhmm(now + 180);
}

} // namespace

TEST_SUITE_BEGIN("backfill");

TEST_CASE("a backfill killed three times with SIGKILL resumes from its last commit, next finishes "
          "it, gates it and moves on") {
  itest::TestDb db("bf_kill", 60000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db, itest::rename_plan_path(), "rename-users-phone");

  // Killed three times: once inside `next`, twice inside `backfill`.
  const std::vector<std::string> limits = {"--batch-size", "200", "--max-rows-per-second", "15000"};
  long long before = 0;
  for (const char* command : {"next", "backfill", "backfill"}) {
    std::vector<std::string> args{command};
    args.insert(args.end(), limits.begin(), limits.end());
    test_support::Child child(db.orchestrate_argv(args));
    // Wait until it has committed some batches, then kill it without warning.
    itest::wait_until([&] { return itest::backfill_rows_done(db) > before + 2000; },
                      "the backfill committed 2000 more rows");
    child.signal(SIGKILL);
    auto killed = child.wait();
    CHECK(killed.exit_code == 128 + SIGKILL);
    const long long now = itest::backfill_rows_done(db);
    CHECK(now > before);
    CHECK(now < 60000);
    before = now;
  }
  CHECK(db.value("SELECT count(*) FROM orchestrate.backfill_ranges WHERE NOT done") != "0");
  CHECK(db.value("SELECT count(*) FROM orchestrate.backfill_ranges") ==
        db.value("SELECT count(DISTINCT range_no) FROM orchestrate.backfill_ranges"));

  // `next` does not gate a half-done copy: it finishes it from the cursors, then moves on.
  auto r = db.orchestrate({"next"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("resuming the backfill") != std::string::npos);
  CHECK(plan_state(db) == "transition");
  CHECK(differing(db) == "0");
  CHECK(db.value("SELECT count(*) FROM orchestrate.backfill_ranges WHERE NOT done") == "0");
  finish(app, db, o);
}

TEST_CASE("pause from another process stops a running backfill with exit 75, resume lets it "
          "finish") {
  itest::TestDb db("bf_pause", 40000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db, itest::rename_plan_path(), "rename-users-phone");

  test_support::Child child(db.orchestrate_argv({"next", "--max-rows-per-second", "4000"}));
  itest::wait_until([&] { return itest::backfill_rows_done(db) > 0; },
                    "the backfill committed its first rows");
  auto p = db.orchestrate({"pause"});
  REQUIRE_MESSAGE(p.exit_code == 0, p.err);
  auto stopped = child.wait();
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 75);
  CHECK(stopped.err.find("paused") != std::string::npos);
  const long long copied = itest::backfill_rows_done(db);
  CHECK(copied > 0);
  CHECK(copied < 40000);

  auto status = nlohmann::json::parse(db.orchestrate({"--json", "status"}).out);
  CHECK(status["paused"] == true);
  CHECK(status["backfill"]["throttled_by"] == "paused");
  // While paused, a new backfill stops at once and copies nothing.
  CHECK(db.orchestrate({"backfill"}).exit_code == 75);
  CHECK(itest::backfill_rows_done(db) == copied);

  REQUIRE(db.orchestrate({"resume"}).exit_code == 0);
  auto r = db.orchestrate({"backfill"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(differing(db) == "0");
  finish(app, db, o);
}

TEST_CASE("outside its window the backfill exits 75 at once and copies nothing") {
  itest::TestDb db("bf_window", 5000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db, itest::rename_plan_path(), "rename-users-phone");
  auto r = db.orchestrate({"next", "--window", closed_window()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 75);
  CHECK(r.err.find("window") != std::string::npos);
  CHECK(itest::backfill_rows_done(db) == 0);
  auto status = nlohmann::json::parse(db.orchestrate({"--json", "status"}).out);
  CHECK(status["backfill"]["throttled_by"] == "window");
  r = db.orchestrate({"backfill"});
  CHECK(r.exit_code == 0);
  CHECK(differing(db) == "0");
  finish(app, db, o);
}

TEST_CASE("the rate limit is never exceeded over any two-second span") {
  itest::TestDb db("bf_rate", 20000);
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db, itest::rename_plan_path(), "rename-users-phone");

  constexpr double k_rate = 3000;
  test_support::Child child(db.orchestrate_argv({"next", "--max-rows-per-second", "3000"}));
  // Rows committed by the backfill, as `status --json` reports them, each sample read at some
  // moment between `before` and `after`.
  struct Sample {
    double before;
    double after;
    long long rows;
    std::string throttled_by;
  };
  const auto seconds = [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  std::vector<Sample> samples;
  while (child.running()) {
    const double before = seconds();
    const auto status = itest::status_json(db);
    const auto& by = status["backfill"]["throttled_by"];
    samples.push_back({before, seconds(), status["backfill"].value("rows_done", 0LL),
                       by.is_string() ? by.get<std::string>() : ""});
    std::this_thread::sleep_for(50ms);
  }
  auto r = child.wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(differing(db) == "0");
  REQUIRE(samples.size() > 30);
  bool throttled_seen = false;
  for (std::size_t a = 0; a < samples.size(); ++a) {
    throttled_seen = throttled_seen || samples[a].throttled_by == "max_rows_per_second";
    for (std::size_t b = a + 1; b < samples.size(); ++b) {
      // The longest the two readings can be apart.
      const double span = samples[b].after - samples[a].before;
      if (samples[b].before - samples[a].after >= 2.0) {
        INFO("rows " << samples[b].rows - samples[a].rows << " in " << span << " s");
        CHECK(samples[b].rows - samples[a].rows <= static_cast<long long>(k_rate * span));
      }
    }
  }
  CHECK(throttled_seen);
  finish(app, db, o);
}

namespace {

// Renames phone_number to phone on `table` (created by `create_sql`, with an `id` column
// for the writer) while the application writes, and checks every row was copied.
void backfill_with_key(const std::string& db_name, const std::string& table,
                       const std::string& create_sql) {
  itest::TestDb db(db_name, 0);
  db.exec(create_sql);
  db.exec("INSERT INTO " + table + " (name, phone_number) SELECT 'u' || i, '+1-555-' || i "
          "FROM generate_series(1, 25000) i");
  db.exec("ANALYZE " + table);
  const auto plan = db.write_plan(table + ".yaml", "name: rename-" + table +
                                                       "\nchanges:\n  - rename_column: {table: " +
                                                       table + ", from: phone_number, to: phone}\n");
  example::WriterOptions o;
  o.url = db.url();
  o.table = table;
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db, plan, "rename-" + table);
  auto r = db.orchestrate({"next", "rename-" + table, "--batch-size", "300"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(differing(db, table) == "0");
  CHECK(std::stoi(db.value("SELECT count(*) FROM orchestrate.backfill_ranges")) > 1);
  // Ranges tile the key space: each one starts where the previous one ended.
  CHECK(db.value("SELECT count(*) FROM (SELECT lo, lag(hi) OVER (ORDER BY range_no) AS prev, "
                 "range_no FROM orchestrate.backfill_ranges) s WHERE range_no > 0 AND "
                 "lo IS DISTINCT FROM prev") == "0");
  CHECK(db.value("SELECT lo FROM orchestrate.backfill_ranges WHERE range_no = 0") == "");
  CHECK(itest::backfill_rows_done(db) >= 25000);
  finish(app, db, o);
}

} // namespace

TEST_CASE("a composite key is split by sampled boundaries and compared as row values") {
  backfill_with_key("bf_composite", "tenant_users",
                    "CREATE TABLE tenant_users (tenant integer NOT NULL DEFAULT "
                    "(random() * 5)::integer, id bigint GENERATED BY DEFAULT AS IDENTITY, "
                    "name text NOT NULL, phone_number text NOT NULL DEFAULT '', "
                    "PRIMARY KEY (tenant, id))");
}

TEST_CASE("a text key is split by sampled boundaries") {
  backfill_with_key("bf_text", "coded_users",
                    "CREATE TABLE coded_users (code text PRIMARY KEY DEFAULT md5(random()::text), "
                    "id bigint GENERATED BY DEFAULT AS IDENTITY UNIQUE, name text NOT NULL, "
                    "phone_number text NOT NULL DEFAULT '')");
}

TEST_CASE("a table of zero rows backfills at once and passes its gate") {
  itest::TestDb db("bf_empty", 0);
  up_to_backfill(db, itest::rename_plan_path(), "rename-users-phone");
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  auto r = db.orchestrate({"next"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(db.value("SELECT count(*) FROM orchestrate.backfill_ranges WHERE done") == "1");
  CHECK(db.orchestrate({"backfill"}).exit_code == 0);
  CHECK(differing(db) == "0");
  finish(app, db, o);
}

TEST_CASE("on a small table whose statistics overstate it, progress reports the rows processed") {
  // ANALYZE saw 100 rows; 95 are gone before the backfill, so the planned estimate is 100.
  itest::TestDb db("bf_count", 100);
  db.exec("ALTER TABLE users SET (autovacuum_enabled = false)");
  db.exec("DELETE FROM users WHERE id > 5");
  CHECK(db.value("SELECT reltuples::bigint FROM pg_class WHERE oid = 'users'::regclass") == "100");
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  up_to_backfill(db, itest::rename_plan_path(), "rename-users-phone");
  auto r = db.orchestrate({"--json", "next"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // The rows the backfill's ranges span (the writer's inserts after they were planned are
  // beyond them, and it deletes nothing).
  const long long real = std::stoll(db.value(
      "SELECT count(*) FROM users WHERE id <= (SELECT max((hi->>0)::bigint) FROM "
      "orchestrate.backfill_ranges)"));
  CHECK(real >= 5);
  CHECK(itest::backfill_rows_done(db) == real);
  CHECK(r.err.find("backfill done: " + std::to_string(real) + " rows processed in this run") !=
        std::string::npos);
  // --json: every progress line has the count and, under its own name, the estimate.
  long long last_done = -1;
  long long last_estimated = -1;
  int progress_lines = 0;
  for (const auto& j : itest::json_lines(r.out)) {
    if (j["type"] != "progress") {
      continue;
    }
    ++progress_lines;
    CHECK_FALSE(j.contains("rows_total"));
    last_done = j["rows_done"].get<long long>();
    last_estimated = j["rows_estimated"].get<long long>();
    CHECK(last_done <= real);
    CHECK(last_estimated >= last_done);
  }
  CHECK(progress_lines >= 1);
  CHECK(last_done == real);
  CHECK(last_estimated == real); // exact once done
  // status, as JSON and as text.
  auto status = db.orchestrate({"--json", "status"});
  REQUIRE(status.exit_code == 0);
  const auto s = nlohmann::json::parse(status.out);
  CHECK(s["backfill"]["rows_done"].get<long long>() == real);
  CHECK(s["backfill"]["rows_estimated"].get<long long>() == real);
  CHECK_FALSE(s["backfill"].contains("rows_total"));
  auto text = db.orchestrate({"status"});
  INFO(text.out);
  CHECK(text.out.find(std::to_string(real) + " rows processed of ~" + std::to_string(real) +
                      " estimated") != std::string::npos);
  // The event log's record of it.
  std::vector<std::string> done;
  for (const auto& e : itest::plan_events(db, "rename-users-phone")) {
    if (e["outcome"] == "backfill_done") {
      done.push_back(e["detail"]);
    }
  }
  CHECK(done == std::vector<std::string>{std::to_string(real) + " rows"});
  CHECK(differing(db) == "0");
  finish(app, db, o);
}

TEST_CASE("the parity gate reads a table in one scan, or in pages once it is over its size "
          "limit, with the same count and first differing key") {
  itest::TestDb db("bf_parity_paths", 5000);
  db.exec("ALTER TABLE users ADD COLUMN phone text");
  db.exec("UPDATE users SET phone = phone_number WHERE id NOT IN (777, 4001, 4999)");
  const orchestrate::BackfillSpec spec{.id = "parity",
                                       .schema = "public",
                                       .table = "users",
                                       .key = {"id"},
                                       .key_types = {"bigint"},
                                       .integer_key = true,
                                       .assignments = "\"phone\" = \"phone_number\"",
                                       .differs = "\"phone\" IS DISTINCT FROM \"phone_number\""};
  pqxx::connection conn(db.url());
  const orchestrate::ExecSettings settings;
  // The fixture's table is far under the default limit: one statement.
  auto one = orchestrate::parity_scan(conn, spec, settings);
  // A limit of 0 bytes pages any table; 1000-row pages cross the differing rows' pages.
  auto pages = orchestrate::parity_scan(conn, spec, settings,
                                        {.one_scan_max_bytes = 0, .page_rows = 1000});
  CHECK(one.one_scan);
  CHECK_FALSE(pages.one_scan);
  for (const auto* r : {&one, &pages}) {
    CHECK(r->differing == 3);
    CHECK(r->scanned == 5000);
    CHECK(r->first_key == "[\"777\"]");
  }
  db.exec("UPDATE users SET phone = phone_number");
  for (long long limit : {0LL, 1LL << 40}) {
    auto r = orchestrate::parity_scan(conn, spec, settings,
                                      {.one_scan_max_bytes = limit, .page_rows = 1000});
    CHECK(r.differing == 0);
    CHECK(r.scanned == 5000);
    CHECK(r.first_key.empty());
  }
}

TEST_SUITE_END();

} // namespace test_backfill
