// Lifecycles of the change kinds that copy data (change_type, set_not_null, drop_not_null,
// split_column, merge_columns) and rename_table, each under a concurrent writer: the old
// application writes the base table until transition, the new application from then on,
// through the plan's version schema where the kind needs one. Every committed write is checked afterwards in both
// representations.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <csignal>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "fixture.hpp"
#include "rollback_chain.hpp"
#include "writes.hpp"
#include "support/pg_cluster.hpp"
#include "support/process.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"

namespace test_kinds_data {

using namespace std::chrono_literals;

namespace {


void next(const itest::TestDb& db, const std::string& expect_state) {
  auto r = db.orchestrate({"next", "--batch-size", "300"});
  INFO(expect_state << ": " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // The plan started last.
  CHECK(plan_state(db) ==
        expect_state);
}

// The search_path `status --json` tells the new application to use.
std::string search_path_of(const itest::TestDb& db, const std::string& plan) {
  auto r = db.orchestrate({"--json", "status", plan});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  return j["search_path"].is_null() ? "" : j["search_path"].get<std::string>();
}

// Stops the writer, checks it saw no error, and merges what it committed into `written`.
void stop(example::Writer& writer, std::map<long long, std::string>& written) {
  writer.stop();
  INFO("writer errors: " << (writer.error_messages().empty() ? "" : writer.error_messages()[0]));
  CHECK(writer.errors() == 0);
  CHECK(writer.commits() > 0);
  for (const auto& [id, value] : writer.committed()) {
    written[id] = value;
  }
}

// Rows of `written` that are missing from `table` or for which `predicate` (over the table's
// row `t` and the written value `e.v`) is not true.
long long mismatches(const itest::TestDb& db,
                     const std::map<long long, std::string>& written,
                     const std::string& table,
                     const std::string& predicate) {
  std::string ids = "{";
  std::string values = "{";
  for (const auto& [id, v] : written) {
    ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
    values += (values.size() > 1 ? ",\"" : "\"") + v + "\"";
  }
  pqxx::connection conn(db.url());
  pqxx::read_transaction tx(conn);
  auto row = tx.exec_params1("SELECT count(*) FROM unnest($1::bigint[], $2::text[]) AS e(id, v) "
                             "LEFT JOIN " + table + " t ON t.id = e.id WHERE t.id IS NULL OR "
                             "NOT coalesce((" + predicate + "), false)",
                             ids + "}", values + "}");
  return row[0].as<long long>();
}

void check_clean(const itest::TestDb& db) {
  CHECK(db.value("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal") == "0");
  CHECK(db.value("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_orc\\_%'") == "0");
  CHECK(db.value("SELECT count(*) FROM pg_constraint WHERE conname LIKE '\\_orc\\_%'") == "0");
  CHECK(db.value("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_orc\\_%'") == "0");
  // Index columns keep the name the table column had when the index was built; only the
  // tables' own columns matter.
  CHECK(db.value("SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE "
                 "c.relkind = 'r' AND attname LIKE '\\_orc\\_%' AND NOT attisdropped") == "0");
  CHECK(db.value("SELECT count(*) FROM pg_namespace WHERE nspname NOT IN ('public', "
                 "'orchestrate', 'information_schema') AND nspname NOT LIKE 'pg\\_%'") == "0");
}

const char* k_phone_type_plan = R"yaml(name: phone-varchar
changes:
  - change_type:
      table: users
      column: phone_number
      type: varchar(64)
      up: phone_number::varchar(64)
      down: phone_number::text
)yaml";

} // namespace

TEST_SUITE_BEGIN("kinds_data");

TEST_CASE("change_type: old app on the table, new app through the version schema") {
  itest::TestDb db("ct_life", 3000);
  // The new application connects as its own role, with the privileges it has on the table.
  db.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_rw') THEN "
          "CREATE ROLE app_rw LOGIN; END IF; END $$;\n"
          "GRANT SELECT, INSERT, UPDATE ON users TO app_rw;\n"
          "GRANT USAGE ON SEQUENCE users_id_seq TO app_rw");
  REQUIRE(db.orchestrate({"start", db.write_plan("phone-varchar.yaml", k_phone_type_plan)})
              .exit_code == 0);
  example::WriterOptions options;
  options.url = db.url();
  options.old_column = options.new_column = "phone_number";
  std::map<long long, std::string> written;

  example::Writer old_app(options);
  old_app.start(example::Version::old_app);
  itest::let_it_write({&old_app});
  next(db, "expand");
  itest::let_it_write({&old_app});
  next(db, "dual_write");
  const std::string search_path = search_path_of(db, "phone-varchar");
  CHECK(search_path == "\"phone-varchar\", \"public\"");
  itest::let_it_write({&old_app});
  next(db, "backfill");
  itest::let_it_write({&old_app});
  stop(old_app, written);
  example::WriterOptions both = options;
  auto report = example::verify_writes(db.url(), both, written,
                                       {"phone_number", "_orc_new_phone_number"});
  INFO(std::string(report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.ok());

  options.search_path = search_path;
  options.url = db.url() + " user=app_rw";
  example::Writer new_app(options);
  new_app.start(example::Version::new_app);
  itest::let_it_write({&new_app});
  next(db, "transition");
  itest::let_it_write({&new_app});
  stop(new_app, written);
  report = example::verify_writes(db.url(), both, written,
                                  {"phone_number", "_orc_new_phone_number"});
  INFO(std::string(report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.ok());

  // The new application keeps its search_path through contract and after.
  example::Writer final_app(options);
  final_app.start(example::Version::new_app);
  itest::let_it_write({&final_app});
  next(db, "done");
  // Contract dropped the version schema: nothing left to put on a search_path.
  CHECK(search_path_of(db, "phone-varchar").empty());
  itest::let_it_write({&final_app});
  stop(final_app, written);
  report = example::verify_writes(db.url(), both, written, {"phone_number"});
  INFO(std::string(report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.checked == static_cast<long long>(written.size()));
  CHECK(report.ok());

  CHECK(db.value("SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull FROM pg_attribute "
                 "WHERE attrelid = 'users'::regclass AND attname = 'phone_number'") ==
        "character varying(64) true");
  CHECK(db.value("SELECT pg_get_indexdef('users_phone_number_idx'::regclass)") ==
        "CREATE INDEX users_phone_number_idx ON public.users USING btree (phone_number)");
  CHECK(db.value("SELECT count(*) FROM users WHERE id <= 3000 AND phone_number = '+1-555-' || "
                 "lpad(id::text, 7, '0')") != "0");
  CHECK(db.value("SELECT count(*) FROM users WHERE phone_number IS NULL") == "0");
  check_clean(db);
}

TEST_CASE("change_type: rollback from every phase leaves the schema as it was") {
  std::string before;
  itest::RollbackChain chain;
  chain.tag = "ct";
  chain.rows = 800;
  chain.start = [&](const itest::TestDb& db) {
    REQUIRE(db.orchestrate({"start", db.write_plan("p.yaml", k_phone_type_plan)}).exit_code == 0);
    before = db.dump();
  };
  chain.writer.old_column = chain.writer.new_column = "phone_number";
  chain.check = [&](const itest::TestDb& db, int) { CHECK(db.dump() == before); };
  itest::rollback_from_each_phase(chain);
}

TEST_CASE("change_type: bank transfers run unchanged while balance becomes bigint") {
  itest::TestDb db("ct_bank", 10);
  db.exec("CREATE TABLE accounts (id int PRIMARY KEY, user_id bigint, balance integer NOT NULL "
          "DEFAULT 0);\n"
          "CREATE TABLE history (id bigserial PRIMARY KEY, account int, delta int NOT NULL);\n"
          "INSERT INTO accounts SELECT n, n, (n * 37) % 1000 FROM generate_series(1, 200) n");
  const long long initial = std::stoll(db.value("SELECT sum(balance) FROM accounts"));
  std::atomic<long long> committed_sum{0};
  std::atomic<long long> commits{0};
  std::atomic<long long> errors{0};
  std::vector<std::jthread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c](std::stop_token stop) {
      std::mt19937 rng(1234 + c);
      pqxx::connection conn(db.url());
      while (!stop.stop_requested()) {
        const int delta = std::uniform_int_distribution<int>(-5000, 5000)(rng);
        const int id = std::uniform_int_distribution<int>(1, 200)(rng);
        try {
          // The benchmark's own statements: update, read back, log the delta.
          pqxx::work tx(conn);
          tx.exec_params("UPDATE accounts SET balance = balance + $1 WHERE id = $2", delta, id);
          tx.exec_params1("SELECT balance FROM accounts WHERE id = $1", id);
          tx.exec_params("INSERT INTO history (account, delta) VALUES ($1, $2)", id, delta);
          tx.commit();
          committed_sum += delta;
          ++commits;
        } catch (const std::exception& e) {
          ++errors;
          MESSAGE("client error: " << e.what());
        }
      }
    });
  }
  auto plan = db.write_plan("balance.yaml", R"yaml(name: balance-bigint
changes:
  - change_type: {table: accounts, column: balance, type: bigint, up: balance::bigint, down: balance::integer}
)yaml");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  for (const char* state : {"expand", "dual_write", "backfill", "transition", "done"}) {
    itest::let_it_write(commits);
    next(db, state);
  }
  itest::let_it_write(commits);
  clients.clear();
  CHECK(errors.load() == 0);
  CHECK(commits.load() > 0);
  CHECK(std::stoll(db.value("SELECT sum(balance) FROM accounts")) ==
        initial + committed_sum.load());
  CHECK(std::stoll(db.value("SELECT coalesce(sum(delta), 0) FROM history")) ==
        committed_sum.load());
  CHECK(db.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                 "'accounts'::regclass AND attname = 'balance'") == "bigint");
  check_clean(db);
}

TEST_CASE("change_type: pgbench's own transactions run unchanged while abalance becomes bigint") {
  itest::TestDb db("ct_pgbench", 1);
  auto& cluster = test_support::shared_cluster();
  const test_support::Environment env{{"PATH", "/usr/lib/postgresql/15/bin:/usr/bin:/bin"}};
  const std::vector<std::string> conn{"-h", cluster.socket_dir(), "-p",
                                      std::to_string(cluster.port()), "-U", "postgres"};
  auto with_conn = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin() + 1, conn.begin(), conn.end());
    argv.push_back(db.name());
    return argv;
  };
  auto init = test_support::run_process(with_conn({"pgbench", "-i", "-s", "1", "-q"}), env);
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  auto plan = db.write_plan("abalance.yaml", R"yaml(name: abalance-bigint
changes:
  - change_type: {table: pgbench_accounts, column: abalance, type: bigint, up: abalance::bigint, down: abalance::integer}
)yaml");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  // The built-in TPC-B script, unchanged, on the default (simple) protocol.
  test_support::Child bench(with_conn({"pgbench", "-n", "-c", "3", "-j", "1", "-T", "600"}), env);
  // pgbench logs every transaction it commits in pgbench_history.
  const auto let_pgbench_write = [&db] {
    const std::string seen = db.value("SELECT count(*) FROM pgbench_history");
    REQUIRE_MESSAGE(db.wait_until("SELECT count(*) >= " + seen + " + 20 FROM pgbench_history"),
                    "pgbench committed fewer than 20 transactions in 60 s");
  };
  let_pgbench_write();
  for (const char* state : {"expand", "dual_write", "backfill", "transition"}) {
    next(db, state);
    let_pgbench_write();
  }
  // From transition on, the new application runs the same script through the version schema,
  // on the same rows, side by side with the old one.
  std::string search_path = search_path_of(db, "abalance-bigint");
  search_path.erase(std::remove(search_path.begin(), search_path.end(), ' '), search_path.end());
  auto new_env = env;
  new_env["PGOPTIONS"] = "-c search_path=" + search_path;
  test_support::Child new_bench(with_conn({"pgbench", "-n", "-c", "3", "-j", "1", "-T", "600"}),
                                new_env);
  let_pgbench_write();
  next(db, "done");
  let_pgbench_write();
  REQUIRE(bench.running());
  REQUIRE(new_bench.running());
  const long long before_stop = std::stoll(db.value("SELECT count(*) FROM pgbench_history"));
  bench.signal(SIGINT);
  new_bench.signal(SIGINT);
  auto result = bench.wait();
  auto new_result = new_bench.wait();
  INFO(result.out << result.err << new_result.out << new_result.err);
  for (const auto* r : {&result, &new_result}) {
    CHECK(r->err.find("aborted") == std::string::npos);
    CHECK(r->err.find("ERROR") == std::string::npos);
  }
  CHECK(before_stop > 0);
  // The benchmark's consistency invariant: every table's balances add up to the history's deltas.
  const std::string deltas = db.value("SELECT coalesce(sum(delta), 0) FROM pgbench_history");
  CHECK(db.value("SELECT sum(abalance) FROM pgbench_accounts") == deltas);
  CHECK(db.value("SELECT sum(tbalance) FROM pgbench_tellers") == deltas);
  CHECK(db.value("SELECT sum(bbalance) FROM pgbench_branches") == deltas);
  CHECK(db.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                 "'pgbench_accounts'::regclass AND attname = 'abalance'") == "bigint");
  CHECK(db.value("SELECT count(*) FROM pgbench_accounts") == "100000");
  check_clean(db);
}

TEST_CASE("the dual-write trigger means the same for a client with its own search_path") {
  itest::TestDb db("ct_search_path", 300);
  db.exec("CREATE TABLE accounts (id int PRIMARY KEY, balance integer NOT NULL DEFAULT 0);\n"
          "INSERT INTO accounts SELECT n, n FROM generate_series(1, 100) n;\n"
          "CREATE FUNCTION widen(v integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS "
          "'SELECT v::bigint'");
  example::WriterOptions options;
  options.url = db.url();
  example::Writer app(options);
  app.start(example::Version::old_app);
  auto plan = db.write_plan("widen.yaml", R"yaml(name: widen
changes:
  - change_type: {table: accounts, column: balance, type: bigint, up: widen(balance), down: balance::integer}
)yaml");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  next(db, "expand");
  next(db, "dual_write");
  // `widen` lives in public; this client cannot see it, yet its writes are synced both ways.
  db.exec("SET search_path TO pg_catalog;\n"
          "UPDATE public.accounts SET balance = 41 WHERE id = 1;\n"
          "INSERT INTO public.accounts (id, balance) VALUES (1000, 42)");
  db.exec("SET search_path TO widen, public;\n"
          "UPDATE accounts SET balance = 43 WHERE id = 2;\n"
          "INSERT INTO accounts (id, balance) VALUES (1001, 44)");
  CHECK(db.value("SELECT string_agg(balance || '=' || _orc_new_balance, ',' ORDER BY id) FROM "
                 "accounts WHERE id IN (1, 2, 1000, 1001)") == "41=41,43=43,42=42,44=44");
  for (const char* state : {"backfill", "transition", "done"}) {
    next(db, state);
  }
  CHECK(db.value("SELECT sum(balance) FROM accounts") ==
        std::to_string(100 * 101 / 2 - 1 - 2 + 41 + 43 + 42 + 44));
  std::map<long long, std::string> written;
  stop(app, written);
  CHECK(example::verify_writes(db.url(), options, written, {"phone_number"}).ok());
  check_clean(db);
}

TEST_CASE("set_not_null: NULLs become the fill for the new app, the old app keeps its NULLs") {
  itest::TestDb db("snn_life", 2000);
  db.exec("UPDATE users SET email = 'user' || id || '@example.com' WHERE id % 2 = 0");
  auto plan = db.write_plan("email.yaml", R"yaml(name: email-not-null
changes:
  - set_not_null: {table: users, column: email, fill: "'unknown@example.com'"}
)yaml");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  example::WriterOptions options;
  options.url = db.url();
  options.old_column = options.new_column = "email";
  std::map<long long, std::string> written;
  example::Writer old_app(options);
  old_app.start(example::Version::old_app);
  next(db, "expand");
  next(db, "dual_write");
  // The old application may still write NULL: it reads NULL back, the new column has the fill.
  const std::string null_id =
      db.value("INSERT INTO users (name) VALUES ('old app, no email') RETURNING id");
  itest::let_it_write({&old_app});
  next(db, "backfill");
  itest::let_it_write({&old_app});
  stop(old_app, written);

  options.search_path = search_path_of(db, "email-not-null");
  example::Writer new_app(options);
  new_app.start(example::Version::new_app);
  next(db, "transition");
  itest::let_it_write({&new_app});
  stop(new_app, written);
  // The row the old application wrote NULL into, unless a writer has written it since.
  const auto rewritten = written.find(std::stoll(null_id));
  CHECK(db.value("SELECT coalesce(email, 'NULL') || ' ' || _orc_new_email FROM users WHERE id = " +
                 null_id) == (rewritten == written.end()
                                  ? std::string("NULL unknown@example.com")
                                  : rewritten->second + " " + rewritten->second));
  CHECK(mismatches(db, written, "users", "t.email = e.v AND t._orc_new_email = e.v") == 0);

  example::Writer final_app(options);
  final_app.start(example::Version::new_app);
  next(db, "done");
  itest::let_it_write({&final_app});
  stop(final_app, written);
  CHECK(mismatches(db, written, "users", "t.email = e.v") == 0);
  CHECK(db.value("SELECT count(*) FROM users WHERE email IS NULL") == "0");
  // Rows no writer touched: NULLs became the fill, the rest kept their value.
  std::string touched = "{0";
  for (const auto& entry : written) {
    touched += "," + std::to_string(entry.first);
  }
  CHECK(db.value("SELECT count(*) FROM users WHERE NOT id = ANY ('" + touched + "}') AND email "
                 "IS DISTINCT FROM CASE WHEN id = " + null_id + " OR (id <= 2000 AND id % 2 = 1) "
                 "THEN 'unknown@example.com' ELSE 'user' || id || '@example.com' END") == "0");
  CHECK(db.value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND "
                 "attname = 'email'") == "t");
  check_clean(db);
}

TEST_CASE("drop_not_null: the new app may write NULL, the old app reads down instead") {
  itest::TestDb db("dnn_life", 2000);
  db.exec("COMMENT ON COLUMN users.phone_number IS 'how to reach the user'");
  auto plan = db.write_plan("phone.yaml", R"yaml(name: phone-null
changes:
  - drop_not_null: {table: users, column: phone_number, down: "'(none)'"}
)yaml");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  example::WriterOptions options;
  options.url = db.url();
  options.old_column = options.new_column = "phone_number";
  std::map<long long, std::string> written;
  example::Writer old_app(options);
  old_app.start(example::Version::old_app);
  next(db, "expand");
  next(db, "dual_write");
  itest::let_it_write({&old_app});
  next(db, "backfill");
  itest::let_it_write({&old_app});
  stop(old_app, written);

  options.search_path = search_path_of(db, "phone-null");
  options.new_app_plan = "phone-null";
  example::Writer new_app(options);
  new_app.start(example::Version::new_app);
  next(db, "transition");
  // The new application writes NULL; the old one, still running, reads down.
  pqxx::connection new_conn(db.url());
  std::string null_id;
  {
    pqxx::work tx(new_conn);
    tx.exec("SET search_path TO " + options.search_path);
    tx.exec("SELECT set_config('orchestrate.new_app', 'phone-null', true)");
    null_id = tx.exec1("INSERT INTO users (name, phone_number) VALUES ('new app, no phone', "
                       "NULL) RETURNING id")[0]
                  .as<std::string>();
    tx.commit();
  }
  CHECK(db.value("SELECT phone_number || ' ' || coalesce(_orc_new_phone_number, 'NULL') FROM "
                 "users WHERE id = " + null_id) == "(none) NULL");
  itest::let_it_write({&new_app});
  stop(new_app, written);
  CHECK(mismatches(db, written, "users", "t.phone_number = e.v AND t._orc_new_phone_number = "
                                         "e.v") == 0);
  CHECK(db.value("SELECT count(*) FROM users WHERE phone_number IS NULL") == "0");

  example::Writer final_app(options);
  final_app.start(example::Version::new_app);
  next(db, "done");
  itest::let_it_write({&final_app});
  stop(final_app, written);
  CHECK(mismatches(db, written, "users", "t.phone_number = e.v") == 0);
  CHECK(db.value("SELECT coalesce(phone_number, 'NULL') FROM users WHERE id = " + null_id) ==
        "NULL");
  // Rows no writer touched keep their value.
  std::string touched = "{" + null_id;
  for (const auto& entry : written) {
    touched += "," + std::to_string(entry.first);
  }
  CHECK(db.value("SELECT count(*) FROM users WHERE NOT id = ANY ('" + touched + "}') AND "
                 "phone_number IS DISTINCT FROM '+1-555-' || lpad(id::text, 7, '0')") == "0");
  // The column is nullable, last, and keeps its index and comment.
  CHECK(db.value("SELECT attnotnull::text || ' ' || (attnum = (SELECT max(attnum) FROM "
                 "pg_attribute WHERE attrelid = 'users'::regclass AND NOT attisdropped))::text "
                 "FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = "
                 "'phone_number'") == "false true");
  CHECK(db.value("SELECT indexdef FROM pg_indexes WHERE indexname = 'users_phone_number_idx'") ==
        "CREATE INDEX users_phone_number_idx ON public.users USING btree (phone_number)");
  CHECK(db.value("SELECT col_description('users'::regclass, attnum) FROM pg_attribute WHERE "
                 "attrelid = 'users'::regclass AND attname = 'phone_number'") ==
        "how to reach the user");
  CHECK(db.value("SELECT column_default FROM information_schema.columns WHERE table_name = "
                 "'users' AND column_name = 'phone_number'") == "''::text");
  check_clean(db);
}

TEST_CASE("split_column: users.name into first_name and last_name") {
  itest::TestDb db("split_life", 2000);
  auto plan = db.write_plan("split.yaml", R"yaml(name: split-name
changes:
  - split_column:
      table: users
      from: name
      into:
        - {name: first_name, type: text, up: "split_part(name, ' ', 1)"}
        - {name: last_name, type: text, up: "split_part(name, ' ', 2)"}
      down: "first_name || ' ' || last_name"
)yaml");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  example::WriterOptions options;
  options.url = db.url();
  options.label_column = "";
  options.old_writes = {{"name", "$1::text || ' ' || reverse($1::text)"}};
  options.new_writes = {{"first_name", "$1::text"}, {"last_name", "reverse($1::text)"}};
  std::map<long long, std::string> written;
  example::Writer old_app(options);
  old_app.start(example::Version::old_app);
  for (const char* state : {"expand", "dual_write", "backfill"}) {
    itest::let_it_write({&old_app});
    next(db, state);
  }
  // The new application's schema shows users as contract leaves it: no name column.
  options.search_path = search_path_of(db, "split-name");
  CHECK(options.search_path == "\"split-name\", \"public\"");
  CHECK(db.value("SELECT count(*) FILTER (WHERE column_name = 'name') || ' ' || count(*) "
                 "FILTER (WHERE column_name IN ('first_name', 'last_name')) FROM "
                 "information_schema.columns WHERE table_schema = 'split-name' AND table_name = "
                 "'users'") == "0 2");
  itest::let_it_write({&old_app});
  stop(old_app, written);
  const std::string both = "t.name = e.v || ' ' || reverse(e.v) AND t.first_name = e.v AND "
                           "t.last_name = reverse(e.v)";
  CHECK(mismatches(db, written, "users", both) == 0);

  example::Writer new_app(options);
  new_app.start(example::Version::new_app);
  next(db, "transition");
  itest::let_it_write({&new_app});
  stop(new_app, written);
  CHECK(mismatches(db, written, "users", both) == 0);

  example::Writer final_app(options);
  final_app.start(example::Version::new_app);
  next(db, "done");
  itest::let_it_write({&final_app});
  stop(final_app, written);
  CHECK(mismatches(db, written, "users", "t.first_name = e.v AND t.last_name = reverse(e.v)") ==
        0);
  // Rows nobody wrote were split by the backfill ("user 7" -> "user", "7").
  CHECK(std::stoll(db.value("SELECT count(*) FROM users WHERE first_name = 'user' AND last_name "
                            "= id::text")) > 1000);
  CHECK(db.value("SELECT count(*) FROM users WHERE first_name IS NULL OR last_name IS NULL") == "0");
  CHECK(db.value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND "
                 "attname = 'name' AND NOT attisdropped") == "0");
  check_clean(db);
}

TEST_CASE("merge_columns: first_name and last_name into full_name") {
  itest::TestDb db("merge_life", 10);
  db.exec("CREATE TABLE people (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
          "first_name text NOT NULL, last_name text NOT NULL);\n"
          "INSERT INTO people (first_name, last_name) SELECT 'first' || n, 'last' || n FROM "
          "generate_series(1, 1500) n");
  auto plan = db.write_plan("merge.yaml", R"yaml(name: merge-names
changes:
  - merge_columns:
      table: people
      from: [first_name, last_name]
      into: {name: full_name, type: text, up: "first_name || ' ' || last_name"}
      down:
        first_name: "split_part(full_name, ' ', 1)"
        last_name: "split_part(full_name, ' ', 2)"
)yaml");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  example::WriterOptions options;
  options.url = db.url();
  options.table = "people";
  options.label_column = "";
  options.old_writes = {{"first_name", "$1::text"}, {"last_name", "reverse($1::text)"}};
  options.new_writes = {{"full_name", "$1::text || ' ' || reverse($1::text)"}};
  std::map<long long, std::string> written;
  example::Writer old_app(options);
  old_app.start(example::Version::old_app);
  for (const char* state : {"expand", "dual_write", "backfill"}) {
    itest::let_it_write({&old_app});
    next(db, state);
  }
  itest::let_it_write({&old_app});
  stop(old_app, written);
  const std::string both = "t.full_name = e.v || ' ' || reverse(e.v) AND t.first_name = e.v AND "
                           "t.last_name = reverse(e.v)";
  CHECK(mismatches(db, written, "people", both) == 0);
  example::Writer new_app(options);
  new_app.start(example::Version::new_app);
  next(db, "transition");
  itest::let_it_write({&new_app});
  next(db, "done");
  itest::let_it_write({&new_app});
  stop(new_app, written);
  CHECK(mismatches(db, written, "people", "t.full_name = e.v || ' ' || reverse(e.v)") == 0);
  std::string touched = "{0";
  for (const auto& entry : written) {
    touched += "," + std::to_string(entry.first);
  }
  CHECK(db.value("SELECT count(*) FROM people WHERE NOT id = ANY ('" + touched + "}') AND "
                 "full_name IS DISTINCT FROM 'first' || id || ' last' || id") == "0");
  CHECK(db.value("SELECT count(*) FROM people WHERE full_name IS NULL") == "0");
  check_clean(db);
}

TEST_CASE("rename_table: the old name stays writable as a view until contract") {
  itest::TestDb db("rt_life", 1500);
  auto plan = db.write_plan("members.yaml", R"yaml(name: users-to-members
changes:
  - rename_table: {from: users, to: members}
)yaml");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  const std::string before = db.dump();
  example::WriterOptions options;
  options.url = db.url();
  std::map<long long, std::string> written;
  example::Writer old_app(options);
  old_app.start(example::Version::old_app);
  for (const char* state : {"expand", "dual_write", "backfill"}) {
    itest::let_it_write({&old_app});
    next(db, state);
  }
  CHECK(db.value("SELECT relkind FROM pg_class WHERE oid = 'users'::regclass") == "v");
  itest::let_it_write({&old_app});
  stop(old_app, written);

  options.table = "members";
  example::Writer new_app(options);
  new_app.start(example::Version::old_app);
  next(db, "transition");
  itest::let_it_write({&new_app});
  next(db, "done");
  itest::let_it_write({&new_app});
  stop(new_app, written);
  auto report = example::verify_writes(db.url(), options, written, {"phone_number"});
  INFO(std::string(report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.checked == static_cast<long long>(written.size()));
  CHECK(report.ok());
  CHECK(db.value("SELECT to_regclass('users') IS NULL") == "t");
  CHECK(db.value("SELECT count(*) FROM members") != "0");
  check_clean(db);

  // And rolled back from transition, the schema is as it was.
  itest::TestDb again("rt_rollback", 300);
  REQUIRE(again.orchestrate({"start", again.write_plan("m.yaml", R"yaml(name: users-to-members
changes:
  - rename_table: {from: users, to: members}
)yaml")}).exit_code == 0);
  const std::string original = again.dump();
  for (int i = 0; i < 4; ++i) {
    REQUIRE(again.orchestrate({"next"}).exit_code == 0);
  }
  REQUIRE(again.orchestrate({"rollback"}).exit_code == 0);
  CHECK(again.dump() == original);
  (void)before;
}

TEST_CASE("set_not_null, drop_not_null, split_column and merge_columns: rollback from every phase") {
  const std::vector<std::pair<std::string, std::string>> plans = {
      {"snn", R"yaml(changes:
  - set_not_null: {table: users, column: email, fill: "'x@example.com'"}
)yaml"},
      {"dnn", R"yaml(changes:
  - drop_not_null: {table: users, column: phone_number, down: "'(none)'"}
)yaml"},
      {"split", R"yaml(changes:
  - split_column:
      table: users
      from: name
      into:
        - {name: first_name, type: text, up: "split_part(name, ' ', 1)"}
        - {name: last_name, type: text, up: "split_part(name, ' ', 2)"}
      down: "first_name || ' ' || last_name"
)yaml"},
      {"merge", R"yaml(changes:
  - merge_columns:
      table: users
      from: [name, email]
      into: {name: contact, type: text, up: "name || '/' || coalesce(email, '')"}
      down: {name: "split_part(contact, '/', 1)", email: "nullif(split_part(contact, '/', 2), '')"}
)yaml"}};
  for (const auto& [kind, text] : plans) {
    CAPTURE(kind);
    std::string before;
    itest::RollbackChain chain;
    chain.tag = "rb_" + kind;
    chain.rows = 500;
    chain.start = [&](const itest::TestDb& db) {
      REQUIRE(db.orchestrate({"start", db.write_plan(kind + ".yaml", text)}).exit_code == 0);
      before = db.dump();
    };
    chain.check = [&](const itest::TestDb& db, int) { CHECK(db.dump() == before); };
    itest::rollback_from_each_phase(chain);
  }
}

TEST_CASE("the reference plans run in order on examples/schema.sql while the application writes") {
  itest::TestDb db("example_plans", 1);
  itest::load_example_schema(db);
  const auto plans = itest::reference_plans();
  REQUIRE(plans.size() >= 7);
  auto plan = [&](const std::string& prefix) {
    for (const auto& p : plans) {
      if (p.filename().string().rfind(prefix, 0) == 0) {
        return p.string();
      }
    }
    FAIL("no plan " << prefix << " in plans/");
    return std::string();
  };
  // 001-004 give users phone (through phone_number) and email, so the application can write.
  {
    auto r = itest::up_only(db, {plans.begin(), plans.begin() + 4});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  const long long sum_before = std::stoll(db.value("SELECT sum(balance) FROM accounts"));

  // The balance becomes bigint while the application keeps writing users.phone.
  example::WriterOptions plain;
  plain.url = db.url();
  plain.old_column = "phone";
  std::map<long long, std::string> phones;
  example::Writer app(plain);
  app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", plan("005-")}).exit_code == 0);
  for (const char* state : {"expand", "dual_write", "backfill", "transition", "done"}) {
    next(db, state);
  }
  itest::let_it_write({&app});
  stop(app, phones);
  CHECK(example::verify_writes(db.url(), plain, phones, {"phone"}).ok());
  CHECK(std::stoll(db.value("SELECT sum(balance) FROM accounts")) == sum_before);
  {
    auto r = itest::up_only(db, {plan("006-")});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  CHECK(db.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                 "'accounts'::regclass AND attname = 'balance'") == "bigint");

  // users.name splits while the old, then the new application writes. The new application
  // writes first names with a space, which the split cannot give back from name alone: each of
  // its writes must stay exactly as written, also after the old application touches the row.
  example::WriterOptions options;
  options.url = db.url();
  options.label_column = "";
  options.old_writes = {{"name", "$1::text || ' ' || reverse($1::text)"}};
  options.new_writes = {{"first_name", "$1::text || ' jr'"}, {"last_name", "reverse($1::text)"}};
  options.new_app_plan = "split-users-name";
  std::map<long long, std::string> written;
  example::Writer old_app(options);
  old_app.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", plan("007-")}).exit_code == 0);
  for (const char* state : {"expand", "dual_write", "backfill"}) {
    itest::let_it_write({&old_app});
    next(db, state);
  }
  stop(old_app, written);
  std::map<long long, std::string> split_new;
  example::Writer new_app(options);
  new_app.start(example::Version::new_app);
  next(db, "transition");
  itest::let_it_write({&new_app});
  stop(new_app, split_new);
  // The old application is still deployed: an update of another column of those rows.
  db.exec("UPDATE users SET created_at = created_at + interval '1 second'");
  const std::string split_new_side = "t.first_name = e.v || ' jr' AND t.last_name = reverse(e.v)";
  CHECK(mismatches(db, split_new, "users", split_new_side) == 0);
  CHECK(mismatches(db, split_new, "users", "t.name = e.v || ' jr ' || reverse(e.v)") == 0);
  next(db, "done");
  CHECK(mismatches(db, split_new, "users", split_new_side) == 0);
  for (const auto& [id, v] : split_new) {
    written.erase(id);
  }
  CHECK(mismatches(db, written, "users", "t.first_name = e.v AND t.last_name = reverse(e.v)") ==
        0);
  std::string touched = "{0";
  for (const auto& entry : written) {
    touched += "," + std::to_string(entry.first);
  }
  for (const auto& entry : split_new) {
    touched += "," + std::to_string(entry.first);
  }
  for (const auto& entry : phones) {
    touched += "," + std::to_string(entry.first);
  }
  CHECK(db.value("SELECT count(*) FROM users WHERE NOT id = ANY ('" + touched + "}') AND "
                 "(first_name, last_name) IS DISTINCT FROM ('User', id::text)") == "0");

  // 011 merges them into display_name. The new application writes NULL for every third value
  // (which the old pair cannot hold apart from an empty name) and names with a double space.
  {
    auto r = itest::up_only(db, {plan("008-"), plan("009-"), plan("010-")});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  example::WriterOptions merge;
  merge.url = db.url();
  merge.label_column = "";
  merge.old_writes = {{"first_name", "$1::text"}, {"last_name", "reverse($1::text)"}};
  const std::string display = "CASE WHEN length($1::text) % 3 = 0 THEN NULL ELSE $1::text || "
                              "'  ' || reverse($1::text) END";
  merge.new_writes = {{"display_name", display}};
  merge.new_app_plan = "merge-users-display-name";
  std::map<long long, std::string> merged_old;
  example::Writer merge_old(merge);
  merge_old.start(example::Version::old_app);
  REQUIRE(db.orchestrate({"start", plan("011-")}).exit_code == 0);
  for (const char* state : {"expand", "dual_write", "backfill"}) {
    itest::let_it_write({&merge_old});
    next(db, state);
  }
  stop(merge_old, merged_old);
  std::map<long long, std::string> merged_new;
  example::Writer merge_new(merge);
  merge_new.start(example::Version::new_app);
  next(db, "transition");
  itest::let_it_write({&merge_new});
  stop(merge_new, merged_new);
  db.exec("UPDATE users SET created_at = created_at + interval '1 second'");
  std::string expected = display;
  for (auto pos = expected.find("$1"); pos != std::string::npos; pos = expected.find("$1")) {
    expected.replace(pos, 2, "e.v");
  }
  const std::string merged_new_side = "t.display_name IS NOT DISTINCT FROM (" + expected + ")";
  CHECK(mismatches(db, merged_new, "users", merged_new_side) == 0);
  next(db, "done");
  CHECK(mismatches(db, merged_new, "users", merged_new_side) == 0);
  for (const auto& [id, v] : merged_new) {
    merged_old.erase(id);
  }
  CHECK(mismatches(db, merged_old, "users", "t.display_name = e.v || ' ' || reverse(e.v)") == 0);
  check_clean(db);
}

TEST_SUITE_END();

} // namespace test_kinds_data
