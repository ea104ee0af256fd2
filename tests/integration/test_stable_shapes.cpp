// Real drivers on the version schemas: psycopg 3 (every statement prepared on the server) and
// node-postgres (named statements), each as the old and the new application, through all five
// phases of a rename, a change_type of a column that is not last, and an add_column with
// nullable: false. No statement may fail, no result may change shape, and every committed
// write must be in the table afterwards.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "fixture.hpp"
#include "public_state.hpp"

namespace test_stable_shapes {

namespace {

using namespace std::chrono_literals;

const std::string k_clients = std::string(SOURCE_DIR) + "/tests/clients";

std::string trimmed(std::string s) {
  s.erase(s.find_last_not_of('\n') + 1);
  return s;
}

std::string app_url(const itest::TestDb& db, bool old_app) {
  std::vector<std::string> args = {"url", "--format", "uri"};
  if (old_app) {
    args.push_back("--old");
  }
  auto r = db.orchestrate(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return trimmed(r.out);
}

std::size_t line_count(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
  }
  return n;
}

// One application process writing through a driver until told to stop.
class Client {
public:
  Client(const itest::TestDb& db, const std::string& driver, const std::string& who,
         const std::string& url, const nlohmann::json& spec)
      : m_name(driver + "/" + who), m_log(db.dir() / (driver + "-" + who + ".log")),
        m_stop(db.dir() / (driver + "-" + who + ".stop")) {
    std::vector<std::string> argv;
    if (driver == "psycopg") {
      argv = {"/usr/bin/python3", k_clients + "/writer.py"};
    } else {
      argv = {"node", k_clients + "/writer.js"};
    }
    argv.insert(argv.end(), {url, spec.dump(), m_log.string(), m_stop.string()});
    m_child = std::make_unique<test_support::Child>(
        argv, test_support::Environment{{"NODE_PATH", k_clients + "/node_modules"}});
  }

  const std::string& name() const { return m_name; }

  // Waits until `more` writes beyond what it had committed so far are in its log.
  void wait_for_writes(std::size_t more) {
    const std::size_t want = m_seen + more;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (line_count(m_log) < want && m_child->running() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    m_seen = line_count(m_log);
    INFO(m_name << " committed " << m_seen << " writes, wanted " << want
                << (m_child->running() ? "" : " (it exited: " + m_child->wait().err + ")"));
    REQUIRE(m_seen >= want);
  }

  nlohmann::json stop() {
    std::ofstream(m_stop) << "stop\n";
    auto r = m_child->wait();
    INFO(m_name << " exited " << r.exit_code << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    std::string last = trimmed(r.out);
    last = last.substr(last.find_last_of('\n') + 1);
    return nlohmann::json::parse(last);
  }

  // id -> the value of its last committed write.
  std::map<std::string, std::string> writes() const {
    std::map<std::string, std::string> out;
    std::ifstream in(m_log);
    for (std::string line; std::getline(in, line);) {
      const auto tab = line.find('\t');
      out[line.substr(0, tab)] = line.substr(tab + 1);
    }
    return out;
  }

private:
  std::string m_name;
  std::filesystem::path m_log;
  std::filesystem::path m_stop;
  std::size_t m_seen = 0;
  std::unique_ptr<test_support::Child> m_child;
};

nlohmann::json statements(const std::string& column) {
  return {{"insert", "INSERT INTO accounts (note, " + column + ") VALUES ($1, $2) RETURNING *"},
          {"update", "UPDATE accounts SET " + column + " = $2 WHERE id = $1 RETURNING *"},
          {"select", "SELECT * FROM accounts WHERE id = $1"}};
}

void next_to(const itest::TestDb& db, const std::string& state) {
  auto r = db.orchestrate({"next"});
  INFO(state << ": " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(plan_state(db) == state);
}

void check_summary(const std::string& name, const nlohmann::json& s) {
  INFO(name << ": " << s.dump());
  CHECK(s["errors"].get<int>() == 0);
  CHECK(s["operations"].get<int>() > 0);
  CHECK_FALSE(s["shape_changed"].get<bool>());
}

void check_writes(const itest::TestDb& db, const Client& c, const std::string& column) {
  long long missing = 0;
  long long wrong = 0;
  const auto writes = c.writes();
  // Every row's value in one read (a connection per row took minutes).
  std::map<std::string, std::string> stored;
  pqxx::connection conn(db.url());
  pqxx::work tx(conn);
  for (const auto& row :
       tx.exec("SELECT id::text, coalesce(" + column + "::text, '<null>') FROM accounts")) {
    stored[row[0].c_str()] = row[1].c_str();
  }
  for (const auto& [id, value] : writes) {
    const auto found = stored.find(id);
    missing += found == stored.end() ? 1 : 0;
    wrong += found != stored.end() && found->second != value ? 1 : 0;
  }
  INFO(c.name() << ": " << writes.size() << " rows written, " << missing << " missing, " << wrong
                << " wrong");
  CHECK(writes.size() > 0);
  CHECK(missing == 0);
  CHECK(wrong == 0);
}

// The table's columns as `SELECT *` returns them, in order.
std::vector<std::string> table_columns(const itest::TestDb& db) {
  const std::string list =
      db.value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid "
               "= 'public.accounts'::regclass AND attnum > 0 AND NOT attisdropped");
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string c; std::getline(in, c, ',');) {
    out.push_back(c);
  }
  return out;
}

// Both drivers as both applications through the whole plan: the old ones from before expand
// until contract, the new ones from the end of dual-write (when their schema exists) on.
// `kept_in`: where the old application's writes end up after contract. `observe`, when given,
// is called after start ("planned"), after each phase (the plan's state) and once every
// client has stopped ("stopped"), with the operations the stopped clients committed.
using Observer = std::function<void(const itest::TestDb&, const std::string&, long long)>;
void lifecycle(const std::string& name, const std::string& change, const std::string& old_column,
               const std::string& new_column, const std::string& kept_in,
               const Observer& observe = {}) {
  long long operations = 0;
  auto observed = [&](const itest::TestDb& db, const std::string& when) {
    if (observe) {
      observe(db, when, operations);
    }
  };
  itest::TestDb db(name, 0);
  db.exec("CREATE TABLE accounts (id bigserial PRIMARY KEY, owner text NOT NULL DEFAULT 'x', "
          "balance int NOT NULL DEFAULT 0, note text DEFAULT '');\n"
          "INSERT INTO accounts (owner, balance, note) SELECT 'o' || i, i, 'n' || i "
          "FROM generate_series(1, 2000) i");
  const auto plan = db.write_plan(name + ".yaml", "name: " + name + "\nchanges:\n  - " + change + "\n");
  auto v = db.orchestrate({"start", plan});
  INFO(v.out << v.err);
  REQUIRE(v.exit_code == 0);
  observed(db, "planned");
  const std::vector<std::string> before = table_columns(db);

  std::vector<std::unique_ptr<Client>> old_apps;
  for (const std::string driver : {"psycopg", "node-pg"}) {
    old_apps.push_back(std::make_unique<Client>(db, driver, "old", app_url(db, true),
                                                statements(old_column)));
  }
  auto progress = [](auto& clients) {
    for (auto& c : clients) {
      c->wait_for_writes(5);
    }
  };
  progress(old_apps);
  next_to(db, "expand");
  observed(db, "expand");
  progress(old_apps);
  next_to(db, "dual_write");
  observed(db, "dual_write");
  progress(old_apps);
  std::vector<std::unique_ptr<Client>> new_apps;
  for (const std::string driver : {"psycopg", "node-pg"}) {
    new_apps.push_back(std::make_unique<Client>(db, driver, "new", app_url(db, false),
                                                statements(new_column)));
  }
  progress(new_apps);
  next_to(db, "backfill");
  observed(db, "backfill");
  progress(old_apps);
  progress(new_apps);
  next_to(db, "transition");
  observed(db, "transition");
  progress(old_apps);
  progress(new_apps);
  // The old application is retired before contract.
  for (auto& c : old_apps) {
    const auto s = c->stop();
    check_summary(c->name(), s);
    operations += s["operations"].get<long long>();
    CHECK(s["shape"].get<std::vector<std::string>>() == before);
  }
  next_to(db, "done");
  observed(db, "done");
  progress(new_apps);
  const std::vector<std::string> after = table_columns(db);
  for (auto& c : new_apps) {
    const auto s = c->stop();
    check_summary(c->name(), s);
    operations += s["operations"].get<long long>();
    // What the new application saw through its view from the start is the table itself now.
    CHECK(s["shape"].get<std::vector<std::string>>() == after);
  }
  observed(db, "stopped");
  for (auto& c : old_apps) {
    check_writes(db, *c, kept_in);
  }
  for (auto& c : new_apps) {
    check_writes(db, *c, new_column);
  }
}

} // namespace

TEST_SUITE_BEGIN("stable shapes");

TEST_CASE("drivers with prepared statements see one shape through a rename") {
  lifecycle("shape_rename", "rename_column: {table: accounts, from: owner, to: holder}", "owner",
            "holder", "holder");
}

TEST_CASE("drivers with prepared statements see one shape through a change_type") {
  lifecycle("shape_type",
            "change_type: {table: accounts, column: balance, type: bigint, up: balance::bigint, "
            "down: balance::integer}",
            "balance", "balance", "balance");
}

TEST_CASE("drivers with prepared statements see one shape through a not-null add_column") {
  lifecycle("shape_add",
            "add_column: {table: accounts, column: tier, type: text, default: \"'basic'\", "
            "fill: \"'basic'\", nullable: false}",
            "balance", "tier", "balance");
}

TEST_CASE("a rename with copy: false rewrites no row while drivers write as both applications") {
  std::string relfilenode;
  long long updates_before = 0;
  const std::string columns =
      "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = "
      "'public.accounts'::regclass AND attnum > 0 AND NOT attisdropped";
  auto updates = [](const itest::TestDb& db) {
    return std::stoll(db.value("SELECT n_tup_upd FROM pg_stat_user_tables WHERE relid = "
                               "'public.accounts'::regclass"));
  };
  lifecycle("shape_in_place",
            "rename_column: {table: accounts, from: owner, to: holder, copy: false}", "owner",
            "holder", "holder",
            [&](const itest::TestDb& db, const std::string& when, long long operations) {
              INFO("after " << when);
              const std::string node = db.value(
                  "SELECT relfilenode FROM pg_class WHERE oid = 'public.accounts'::regclass");
              if (when == "planned") {
                relfilenode = node;
                updates_before = updates(db);
                return;
              }
              // The same heap file throughout: nothing rewrote the table.
              CHECK(node == relfilenode);
              // No shadow column, no trigger; the column has its new name from contract on.
              CHECK(db.value(columns) == (when == "done" || when == "stopped"
                                              ? "id,holder,balance,note"
                                              : "id,owner,balance,note"));
              CHECK(db.value("SELECT count(*) FROM pg_trigger WHERE tgrelid = "
                             "'public.accounts'::regclass AND NOT tgisinternal") == "0");
              CHECK(db.value("SELECT count(*) FROM orchestrate.backfill_ranges") == "0");
              if (when == "stopped") {
                // Every row updated was updated by an application (each client counts every
                // statement it committed). The heap file, the missing trigger and the empty
                // ranges above are what prove that no copy ran; how many statements the
                // clients get through depends on the machine's speed.
                INFO(operations << " operations by the clients");
                CHECK(updates(db) - updates_before <= operations);
              }
            });
}

TEST_CASE("copy: false is refused at validate, naming the grant, when the role may not create "
          "the version schemas") {
  itest::TestDb db("shape_in_place_role", 0);
  db.exec("CREATE TABLE accounts (id bigserial PRIMARY KEY, owner text NOT NULL DEFAULT 'x')");
  const std::string url = db.make_owner_role("no_create_owner");
  const std::string before = db.dump();
  auto plan = db.write_plan("in_place.yaml",
                            "name: in_place\nchanges:\n  - rename_column: {table: accounts, "
                            "from: owner, to: holder, copy: false}\n");
  auto r = db.orchestrate_as(url, {"validate", plan});
  INFO("validate: " << r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("in_place.yaml:3:") != std::string::npos);
  CHECK(r.err.find("rename_column.copy: copy: false needs the version schemas, and role "
                   "no_create_owner may not CREATE on database") != std::string::npos);
  CHECK(r.err.find("GRANT CREATE ON DATABASE") != std::string::npos);
  CHECK(r.err.find("[42501]") != std::string::npos);
  // start's privilege check names the same grant before it creates anything.
  r = db.orchestrate_as(url, {"start", plan});
  INFO("start: " << r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("version schema") != std::string::npos);
  CHECK(r.err.find("GRANT CREATE ON DATABASE") != std::string::npos);
  CHECK(db.dump() == before);
  // With CREATE on the database the same plan is valid.
  db.exec("GRANT CREATE ON DATABASE " + db.name() + " TO no_create_owner");
  r = db.orchestrate_as(url, {"validate", plan});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("an object created in a version schema stops contract before it changes anything") {
  itest::TestDb db("shape_stray", 0);
  db.exec("CREATE TABLE accounts (id bigserial PRIMARY KEY, owner text NOT NULL DEFAULT 'x', "
          "balance int NOT NULL DEFAULT 0, note text DEFAULT '');\n"
          "COMMENT ON COLUMN accounts.note IS 'free text';\n"
          "INSERT INTO accounts (owner) SELECT 'o' || i FROM generate_series(1, 100) i;\n"
          "CREATE ROLE stray_rw LOGIN;\n"
          "GRANT USAGE ON SCHEMA public TO stray_rw;\n"
          "GRANT SELECT, INSERT, UPDATE ON accounts TO stray_rw;\n"
          "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO stray_rw");
  const auto plan = db.write_plan(
      "stray.yaml", "name: stray\nchanges:\n  - rename_column: {table: accounts, from: owner, "
                    "to: holder}\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  next_to(db, "expand");
  next_to(db, "dual_write");

  // The views carry the table's defaults, comments and key.
  auto status = nlohmann::json::parse(db.orchestrate({"--json", "status"}).out);
  CHECK(status["old_search_path"] == "\"stray_old\", \"public\"");
  CHECK(status["search_path"] == "\"stray\", \"public\"");
  for (const char* view : {"stray.accounts", "stray_old.accounts"}) {
    CHECK(db.value(std::string("SELECT col_description(attrelid, attnum) FROM pg_attribute WHERE "
                               "attname = 'note' AND attrelid = '") +
                   view + "'::regclass") == "free text");
  }
  CHECK(db.value("SELECT obj_description('stray_old.accounts'::regclass)")
            .find("its primary key is (id)") != std::string::npos);
  CHECK(db.value("SET search_path = stray, public; INSERT INTO accounts (id, holder, balance, "
                 "note) VALUES (DEFAULT, 'h', DEFAULT, DEFAULT) RETURNING (id > 100) || ' ' || "
                 "balance || ' [' || note || ']'") == "true 0 []");

  // An application with a role of its own cannot put anything there.
  auto r = test_support::run_process(
      {"psql", "-X", "-v", "ON_ERROR_STOP=1", "-c", "CREATE TABLE stray_table (a int)",
       db.url_as("stray_rw") + " options='-c search_path=stray,public'"},
      {{"PATH", "/usr/lib/postgresql/15/bin:/usr/bin:/bin"}});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("permission denied for schema stray") != std::string::npos);

  // One connecting as the schema's owner can: contract finds it and changes nothing.
  next_to(db, "backfill");
  next_to(db, "transition");
  db.exec("SET search_path = stray, public; CREATE TABLE leftover (a int); CREATE FUNCTION "
          "helper() RETURNS int LANGUAGE sql AS 'SELECT 1'");
  const std::string before = db.dump();
  r = db.orchestrate({"next"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("found function stray.helper(), table stray.leftover") != std::string::npos);
  CHECK(r.err.find("nothing was changed") != std::string::npos);
  CHECK(db.dump() == before);
  CHECK(plan_state(db) == "transition");
  db.exec("DROP TABLE stray.leftover; DROP FUNCTION stray.helper()");
  next_to(db, "done");
  CHECK(db.value("SELECT count(*) FROM pg_namespace WHERE nspname IN ('stray', 'stray_old')") ==
        "0");
}

TEST_CASE("url --format prints the new and the old application's connection for each driver") {
  itest::TestDb db("shape_formats", 10);
  const auto plan = db.write_plan(
      "formats.yaml", "name: formats\nchanges:\n  - rename_column: {table: users, from: "
                      "phone_number, to: phone}\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  auto out = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "url");
    auto r = db.orchestrate(args);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return trimmed(r.out);
  };
  CHECK(out({"--format", "pgoptions"}) ==
        "PGOPTIONS='-c search_path=\"formats\",\"public\" -c orchestrate.new_app=formats'");
  CHECK(out({"--old", "--format", "pgoptions"}) ==
        "PGOPTIONS='-c search_path=\"formats_old\",\"public\"'");
  CHECK(out({"--old", "--options-only"}) == "-c search_path=\"formats_old\",\"public\"");
  CHECK(out({"--format", "keyvalue"}).find("options='-c search_path=\"formats\",\"public\" -c "
                                           "orchestrate.new_app=formats'") != std::string::npos);
  CHECK(out({"--format", "django"}).find("\"OPTIONS\": {\"options\": \"-c search_path=") !=
        std::string::npos);
  // Each form connects: the old application sees the old name, the new one the new name.
  for (const bool old_app : {true, false}) {
    const std::string url = app_url(db, old_app);
    auto r = test_support::run_process(
        {"psql", "-X", "-At", "-c",
         "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = "
         "'users'::regclass AND attnum > 0 AND NOT attisdropped",
         url},
        {{"PATH", "/usr/lib/postgresql/15/bin:/usr/bin:/bin"}});
    INFO(url << ": " << r.err);
    CHECK(r.exit_code == 0);
    // Before expand neither schema exists yet: both reach the table as it is.
    CHECK(r.out.find("phone_number") != std::string::npos);
  }
  next_to(db, "expand");
  next_to(db, "dual_write");
  for (const bool old_app : {true, false}) {
    auto r = test_support::run_process(
        {"psql", "-X", "-At", "-c", "SELECT * FROM users LIMIT 0", app_url(db, old_app)},
        {{"PATH", "/usr/lib/postgresql/15/bin:/usr/bin:/bin"}});
    CHECK(r.exit_code == 0);
    auto cols = test_support::run_process(
        {"psql", "-X", "-At", "-c",
         "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = "
         "'users'::regclass AND attnum > 0 AND NOT attisdropped",
         app_url(db, old_app)},
        {{"PATH", "/usr/lib/postgresql/15/bin:/usr/bin:/bin"}});
    INFO(cols.out << cols.err);
    // Each application sees its own name of the column, and only that one.
    const std::string names = "," + trimmed(cols.out) + ",";
    CHECK((names.find(",phone_number,") != std::string::npos) == old_app);
    CHECK((names.find(",phone,") != std::string::npos) == !old_app);
  }
}

// What an application that stays on the base tables sees: `SELECT *` of the table after each
// phase (the README's "Stable shapes" lists the same).
TEST_CASE("the base table's shape in each phase, as the README lists it") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"rename_column: {table: accounts, from: owner, to: holder}",
       {"id,owner,balance,note", "id,owner,balance,note,holder", "id,owner,balance,note,holder",
        "id,owner,balance,note,holder", "id,owner,balance,note,holder", "id,balance,note,holder"}},
      {"change_type: {table: accounts, column: balance, type: bigint, up: balance::bigint, down: "
       "balance::integer}",
       {"id,owner,balance,note",
        "id,owner,balance,note,_orc_new_balance,_orc_side_accounts_balance",
        "id,owner,balance,note,_orc_new_balance,_orc_side_accounts_balance",
        "id,owner,balance,note,_orc_new_balance,_orc_side_accounts_balance",
        "id,owner,balance,note,_orc_new_balance,_orc_side_accounts_balance",
        "id,owner,note,balance"}},
      {"add_column: {table: accounts, column: tier, type: text, default: \"'basic'\", fill: "
       "\"'basic'\", nullable: false}",
       {"id,owner,balance,note", "id,owner,balance,note,tier,_orc_side_accounts_tier",
        "id,owner,balance,note,tier,_orc_side_accounts_tier",
        "id,owner,balance,note,tier,_orc_side_accounts_tier",
        "id,owner,balance,note,tier,_orc_side_accounts_tier", "id,owner,balance,note,tier"}}};
  int n = 0;
  for (const auto& [change, shapes] : cases) {
    const std::string name = "base_shape_" + std::to_string(++n);
    itest::TestDb db(name, 0);
    db.exec("CREATE TABLE accounts (id bigserial PRIMARY KEY, owner text NOT NULL DEFAULT 'x', "
            "balance int NOT NULL DEFAULT 0, note text DEFAULT '');\n"
            "INSERT INTO accounts (owner) SELECT 'o' || i FROM generate_series(1, 50) i");
    const auto plan = db.write_plan(name + ".yaml", "name: " + name + "\nchanges:\n  - " + change + "\n");
    REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
    std::vector<std::string> seen;
    auto shape = [&] {
      std::string cols;
      for (const auto& c : table_columns(db)) {
        cols += (cols.empty() ? "" : ",") + c;
      }
      seen.push_back(cols);
    };
    shape();
    for (const char* state : {"expand", "dual_write", "backfill", "transition", "done"}) {
      next_to(db, state);
      shape();
    }
    INFO(change);
    CHECK(seen == shapes);
  }
}

TEST_SUITE_END();

} // namespace test_stable_shapes
