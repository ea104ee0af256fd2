#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "fixture.hpp"

namespace test_view_limits {

// What a view under a table's old name cannot do (COPY, TRUNCATE), said at validate where
// pg_stat_statements shows the application doing it.

namespace {

test_support::ProcessResult psql(const itest::TestDb& db, const std::string& sql) {
  auto& cluster = test_support::shared_cluster();
  return test_support::run_process(
      {"psql", "-X", "-q", "-h", cluster.socket_dir(), "-p", std::to_string(cluster.port()), "-U",
       "postgres", "-d", db.name(), "-c", sql},
      {{"PATH", "/usr/lib/postgresql/15/bin:/usr/bin:/bin"}});
}

void load_pg_stat_statements(const itest::TestDb& db) {
  {
    pqxx::connection conn(db.url());
    pqxx::nontransaction tx(conn);
    tx.exec("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
  }
  test_support::shared_cluster().restart();
  db.exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
}

} // namespace

TEST_SUITE_BEGIN("view_limits");

TEST_CASE("validate warns about COPY and TRUNCATE that pg_stat_statements saw on a table that "
          "becomes a view, and is silent without them") {
  itest::TestDb db("view_limits", 100);
  db.exec("CREATE TABLE sessions (id bigint PRIMARY KEY, token text)");
  const auto rename = db.write_plan("r.yaml", "name: r\nchanges:\n  - rename_table: {from: users, "
                                              "to: members}\n");
  const auto drop = db.write_plan("d.yaml", "name: d\nchanges:\n  - drop_table: {table: sessions}\n");

  // Without pg_stat_statements nothing can be seen, and nothing is said.
  auto quiet = db.orchestrate({"validate", "--strict", rename});
  INFO(quiet.out << quiet.err);
  CHECK(quiet.exit_code == 0);

  load_pg_stat_statements(db);
  auto clean = db.orchestrate({"validate", "--strict", rename});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);

  REQUIRE(psql(db, "COPY users TO STDOUT").exit_code == 0);
  REQUIRE(psql(db, "TRUNCATE sessions").exit_code == 0);
  auto r = db.orchestrate({"validate", rename});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("warning [view-limits]") != std::string::npos);
  CHECK(r.out.find("COPY users TO STDOUT") != std::string::npos);
  CHECK(r.out.find("pg_dump") != std::string::npos);
  CHECK(r.out.find("TRUNCATE sessions") == std::string::npos);
  CHECK(db.orchestrate({"validate", "--strict", rename}).exit_code == 2);
  auto d = db.orchestrate({"validate", drop});
  INFO(d.out << d.err);
  CHECK(d.out.find("TRUNCATE sessions") != std::string::npos);

  // And what the warning is about: once expand has run, the old name refuses COPY and TRUNCATE.
  REQUIRE(db.orchestrate({"start", rename}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  CHECK(psql(db, "COPY users TO STDOUT").exit_code != 0);
  CHECK(psql(db, "TRUNCATE users").exit_code != 0);
  CHECK(psql(db, "COPY (SELECT * FROM users) TO STDOUT").exit_code == 0);
}

TEST_SUITE_END();

} // namespace test_view_limits
