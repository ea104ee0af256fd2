#include "fixture.hpp"

#include <nlohmann/json.hpp>

#include <pqxx/pqxx>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace itest {

// Idle sessions to one database. A session taken is the caller's alone until it is given back,
// so concurrent callers (a test's threads) each get their own, as with a connection each.
class Sessions {
public:
  explicit Sessions(std::string url) : m_url(std::move(url)) {}

  template <typename F>
  auto with(F&& use) {
    auto conn = take();
    struct GiveBack {
      Sessions& pool;
      std::unique_ptr<pqxx::connection>& conn;
      ~GiveBack() { pool.give_back(std::move(conn)); }
    } give_back{*this, conn};
    return use(*conn);
  }

  void close_idle() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_idle.clear();
  }

private:
  // An idle session that still answers (a test may have restarted the cluster or ended its
  // backends), or a new one.
  std::unique_ptr<pqxx::connection> take() {
    for (;;) {
      std::unique_ptr<pqxx::connection> conn;
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_idle.empty()) {
          break;
        }
        conn = std::move(m_idle.back());
        m_idle.pop_back();
      }
      try {
        pqxx::nontransaction ping(*conn);
        ping.exec("SELECT 1");
        return conn;
      } catch (const std::exception&) {
        // Gone: dropped, and the next one tried.
      }
    }
    return std::make_unique<pqxx::connection>(m_url);
  }

  void give_back(std::unique_ptr<pqxx::connection> conn) noexcept {
    try {
      pqxx::nontransaction reset(*conn);
      reset.exec("DISCARD ALL");
    } catch (const std::exception&) {
      return; // not reusable: closed with it
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_idle.push_back(std::move(conn));
  }

  std::string m_url;
  std::mutex m_mutex;
  std::vector<std::unique_ptr<pqxx::connection>> m_idle;
};

TestDb::TestDb(const std::string& name, int rows) : TestDb(name, CopyOf{}) {
  exec(users_table_sql(rows));
}

TestDb::TestDb(const std::string& name, const CopyOf& copy) : m_name(name) {
  m_url = test_support::shared_cluster().create_database(name, copy.source);
  m_sessions = std::make_unique<Sessions>(m_url);
  m_dir = std::filesystem::temp_directory_path() / ("orchestrate-test-" + name + "-" +
                                                    std::to_string(::getpid()));
  std::filesystem::create_directories(m_dir);
}

void TestDb::end_sessions() const {
  m_sessions->close_idle();
}

TestDb::~TestDb() {
  std::error_code ignored;
  std::filesystem::remove_all(m_dir, ignored);
}

test_support::ProcessResult TestDb::orchestrate(const std::vector<std::string>& args,
                                                const test_support::Environment& env) const {
  return test_support::run_process(orchestrate_argv(args), env);
}

std::vector<std::string> TestDb::orchestrate_argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{ORCHESTRATE_BIN, "--db", m_url};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

test_support::ProcessResult TestDb::orchestrate_as(const std::string& url,
                                                   const std::vector<std::string>& args,
                                                   const test_support::Environment& env) const {
  return test_support::run_process(orchestrate_argv_as(url, args), env);
}

std::vector<std::string> TestDb::orchestrate_argv_as(const std::string& url,
                                                     const std::vector<std::string>& args) const {
  std::vector<std::string> argv{ORCHESTRATE_BIN, "--db", url};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string TestDb::url_as(const std::string& role) const {
  const auto& cluster = test_support::shared_cluster();
  return "host=" + cluster.socket_dir() + " port=" + std::to_string(cluster.port()) +
         " user=" + role + " dbname=" + m_name;
}

std::string TestDb::make_owner_role(const std::string& role) const {
  exec("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE");
  exec("DO $$DECLARE t record; BEGIN FOR t IN SELECT c.oid::regclass AS name FROM pg_class c "
       "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind "
       "IN ('r', 'p') LOOP EXECUTE format('ALTER TABLE %s OWNER TO " + role +
       "', t.name); END LOOP; END$$");
  exec("GRANT USAGE, CREATE ON SCHEMA public TO " + role);
  return url_as(role);
}

void TestDb::exec(const std::string& sql) const {
  m_sessions->with([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
  });
}

std::string TestDb::value(const std::string& sql) const {
  return m_sessions->with([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    auto r = tx.exec(sql);
    tx.commit();
    return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
  });
}

bool TestDb::wait_until(const std::string& sql, std::chrono::milliseconds deadline) const {
  return m_sessions->with([&](pqxx::connection& conn) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      pqxx::nontransaction tx(conn);
      auto r = tx.exec(sql);
      if (!r.empty() && !r[0][0].is_null() && r[0][0].as<bool>()) {
        return true;
      }
      if (std::chrono::steady_clock::now() >= until) {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

bool TestDb::wait_for_backfill_rows(long long rows) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    const auto r = orchestrate({"--json", "status"});
    if (r.exit_code == 0) {
      const auto status = nlohmann::json::parse(r.out, nullptr, false);
      if (!status.is_discarded() && status.contains("backfill") &&
          status["backfill"].value("rows_done", 0LL) >= rows) {
        return true;
      }
    }
    if (std::chrono::steady_clock::now() >= until) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string TestDb::dump() const {
  auto& cluster = test_support::shared_cluster();
  auto r = test_support::run_process({"pg_dump", "--schema-only", "--no-owner", "-N", "orchestrate",
                                      "-h", cluster.socket_dir(), "-p",
                                      std::to_string(cluster.port()), "-U", "postgres", m_name},
                                     {{"PATH", "/usr/lib/postgresql/15/bin:/usr/bin:/bin"}});
  if (r.exit_code != 0) {
    throw std::runtime_error("pg_dump failed: " + r.err);
  }
  // pg_dump writes a random \restrict key on every run; it says nothing about the schema.
  std::string out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("\\restrict", 0) != 0 && line.rfind("\\unrestrict", 0) != 0) {
      out += line + "\n";
    }
  }
  return out;
}

std::string TestDb::write_plan(const std::string& file_name, const std::string& text) const {
  auto path = m_dir / file_name;
  std::ofstream(path) << text;
  return path.string();
}

std::string users_table_sql(int rows) {
  return R"SQL(
    CREATE TABLE users (
      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      name text NOT NULL,
      email text,
      phone_number text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now());
    CREATE INDEX users_phone_number_idx ON users (phone_number);
    INSERT INTO users (name, phone_number) SELECT 'user ' || i, '+1-555-' ||
      lpad(i::text, 7, '0') FROM generate_series(1, )SQL" +
         std::to_string(rows) + R"SQL() i;
    ANALYZE users;
  )SQL";
}

std::string rename_plan_path() {
  return std::string(SOURCE_DIR) + "/plans/004-rename-users-phone.yaml";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> reference_plans() {
  std::vector<std::filesystem::path> plans;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SOURCE_DIR) + "/plans")) {
    if (entry.path().extension() == ".yaml") {
      plans.push_back(entry.path());
    }
  }
  std::sort(plans.begin(), plans.end());
  return plans;
}

void load_example_schema(const TestDb& db) {
  db.exec("DROP TABLE users");
  auto& cluster = test_support::shared_cluster();
  auto load = test_support::run_process(
      {"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", cluster.socket_dir(), "-p",
       std::to_string(cluster.port()), "-U", "postgres", "-d", db.name(), "-f",
       std::string(SOURCE_DIR) + "/examples/schema.sql"},
      {{"PATH", "/usr/lib/postgresql/15/bin:/usr/bin:/bin"}});
  if (load.exit_code != 0) {
    throw std::runtime_error("loading examples/schema.sql failed: " + load.err);
  }
}

test_support::ProcessResult up_only(const TestDb& db,
                                    const std::vector<std::filesystem::path>& plans) {
  static int runs = 0;
  const auto dir = db.dir() / ("up-" + std::to_string(++runs));
  std::filesystem::create_directories(dir);
  for (const auto& plan : plans) {
    std::filesystem::copy_file(plan, dir / plan.filename());
  }
  return db.orchestrate({"up", dir.string()});
}

} // namespace itest
