#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "fixture.hpp"

namespace test_safety_secrets {

// No password from a connection string or PGPASSWORD ever reaches output, logs, the event log
// or status, on success and on every error path. The throwaway cluster trusts local
// connections, so the password is sent but not needed: what matters is that it is never echoed.

namespace {

const std::string k_secret = "Sw0rdf1sh-Qz7";
const std::string k_env_secret = "PgEnvPass-K9w";

std::vector<std::string> argv_with(const std::string& url, const std::vector<std::string>& args) {
  std::vector<std::string> argv{ORCHESTRATE_BIN, "--db", url};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

void check_clean(const test_support::ProcessResult& r, const std::string& what) {
  INFO(what << ": exit " << r.exit_code << "\n" << r.out << r.err);
  CHECK(r.out.find(k_secret) == std::string::npos);
  CHECK(r.err.find(k_secret) == std::string::npos);
  CHECK(r.out.find(k_env_secret) == std::string::npos);
  CHECK(r.err.find(k_env_secret) == std::string::npos);
}

} // namespace

TEST_SUITE_BEGIN("safety_secrets");

TEST_CASE("a password in the connection string or PGPASSWORD is never printed or stored") {
  itest::TestDb db("secrets", 300);
  db.exec("CREATE ROLE secret_operator LOGIN SUPERUSER PASSWORD '" + k_secret + "'");
  auto& cluster = test_support::shared_cluster();
  const std::string host = cluster.socket_dir();
  const std::string port = std::to_string(cluster.port());
  const std::string keyword_url = "host=" + host + " port=" + port +
                                  " user=secret_operator password=" + k_secret +
                                  " dbname=" + db.name();
  const std::string uri_url = "postgresql://secret_operator:" + k_secret + "@/" + db.name() +
                              "?host=" + host + "&port=" + port;
  const test_support::Environment env{{"PGPASSWORD", k_env_secret}};

  // The whole life of a plan, with both forms of connection string.
  check_clean(test_support::run_process(argv_with(keyword_url, {"start", itest::rename_plan_path()}),
                                        env),
              "start");
  for (const auto& url : {keyword_url, uri_url}) {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"next"},
                                               {"-v", "status"},
                                               {"--json", "status"},
                                               {"history"},
                                               {"verify"},
                                               {"--json", "history"}}) {
      auto r = test_support::run_process(argv_with(url, args), env);
      check_clean(r, args.back());
    }
  }

  // Error paths: a step that cannot get its lock, an unknown plan, a server that is not there,
  // a database that does not exist, a role that does not exist, a malformed string.
  {
    pqxx::connection blocker(db.url());
    pqxx::work hold(blocker);
    hold.exec("LOCK TABLE users IN SHARE MODE");
    auto r = test_support::run_process(
        argv_with(keyword_url, {"--lock-timeout", "100ms", "--lock-retry-for", "300ms", "next"}),
        env);
    CHECK(r.exit_code != 0);
    check_clean(r, "next behind a lock");
  }
  check_clean(test_support::run_process(argv_with(keyword_url, {"next", "nope"}), env), "unknown");
  for (const auto& url :
       {"host=" + host + " port=1 user=secret_operator password=" + k_secret,
        "postgresql://secret_operator:" + k_secret + "@/no_such_db?host=" + host + "&port=" + port,
        "postgresql://nobody:" + k_secret + "@/" + db.name() + "?host=" + host + "&port=" + port,
        "host=" + host + " port=" + port + " password='" + k_secret + "' bogus_option=1",
        "postgresql://secret_operator:" + k_secret + "@[bad"}) {
    auto r = test_support::run_process(argv_with(url, {"status"}), env);
    CHECK(r.exit_code == 1);
    check_clean(r, "bad connection " + std::to_string(r.exit_code));
  }
  // Only PGPASSWORD, a failing connection.
  {
    auto r = test_support::run_process(
        {ORCHESTRATE_BIN, "status"},
        {{"PGPASSWORD", k_env_secret}, {"PGHOST", host}, {"PGPORT", "1"}, {"PGUSER", "x"}});
    CHECK(r.exit_code == 1);
    check_clean(r, "PGPASSWORD only");
  }

  // Nothing in the state schema holds either password.
  const std::string stored = db.value(
      "SELECT concat((SELECT string_agg(e::text, ' ') FROM orchestrate.events e), "
      "              (SELECT string_agg(p::text, ' ') FROM orchestrate.plans p))");
  CHECK(!stored.empty());
  CHECK(stored.find(k_secret) == std::string::npos);
  CHECK(stored.find(k_env_secret) == std::string::npos);
  // Nor what the orchestrator told the server about itself.
  CHECK(db.value("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '%" +
                 k_secret + "%'") == "0");
}

TEST_SUITE_END();

} // namespace test_safety_secrets
