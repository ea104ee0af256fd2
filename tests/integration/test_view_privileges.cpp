#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"

namespace test_view_privileges {

// Every view orchestrate puts in front of a table (rename_table's and drop_table's under the
// old name, the version schemas of change_type and set_not_null) carries the table's owner and
// privileges: an application role that owns the table, one with table-level grants and one
// with column-level grants each do through the view, in every phase the view exists, exactly
// what they may do on the table, and no more.

namespace {

struct Role {
  std::string name;
  bool columns_only; // column-level grants: SELECT (id, name, phone_number), INSERT (name,
                     // phone_number), UPDATE (phone_number); no DELETE, no email
};

const std::vector<Role> k_roles = {{"app_owner", false}, {"app_rw", false}, {"app_cols", true}};

void create_roles(const itest::TestDb& db) {
  db.exec("DO $$ BEGIN\n"
          "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_owner') THEN\n"
          "    CREATE ROLE app_owner LOGIN; CREATE ROLE app_rw LOGIN; CREATE ROLE app_cols LOGIN;\n"
          "  END IF;\nEND $$");
  db.exec("ALTER TABLE users OWNER TO app_owner;"
          "GRANT SELECT, INSERT, UPDATE, DELETE ON users TO app_rw;"
          "GRANT SELECT (id, name, phone_number), INSERT (name, phone_number), "
          "UPDATE (phone_number) ON users TO app_cols;");
}

// SQLSTATE of running `sql` as `role`, "" when it succeeds.
std::string run_as(const itest::TestDb& db, const std::string& role, const std::string& sql,
                   const std::string& search_path) {
  try {
    pqxx::connection conn(db.url() + " user=" + role);
    pqxx::work tx(conn);
    if (!search_path.empty()) {
      tx.exec("SET LOCAL search_path TO " + search_path);
    }
    tx.exec(sql);
    tx.commit();
    return "";
  } catch (const pqxx::insufficient_privilege&) {
    // libpqxx 6.4 throws this one without its SQLSTATE.
    return "42501";
  } catch (const pqxx::sql_error& e) {
    return e.sqlstate().empty() ? "?" + std::string(e.what()) : e.sqlstate();
  }
}

// What each role may do on the table, it may do through `relation`, and no more.
void check_roles(const itest::TestDb& db,
                 const std::string& relation,
                 const std::string& search_path,
                 const std::string& phase) {
  CAPTURE(relation);
  CAPTURE(phase);
  for (const auto& role : k_roles) {
    CAPTURE(role.name);
    CHECK(run_as(db, role.name, "SELECT id, name, phone_number FROM " + relation + " LIMIT 5",
                 search_path) == "");
    CHECK(run_as(db, role.name,
                 "INSERT INTO " + relation + " (name, phone_number) VALUES ('by " + role.name +
                     "', '+1-555-0000000')",
                 search_path) == "");
    CHECK(run_as(db, role.name, "UPDATE " + relation + " SET phone_number = '+1-555-0000001' "
                                "WHERE phone_number = '+1-555-0000000'",
                 search_path) == "");
    const std::string denied = role.columns_only ? "42501" : "";
    CHECK(run_as(db, role.name, "SELECT email FROM " + relation + " LIMIT 1", search_path) ==
          denied);
    CHECK(run_as(db, role.name, "UPDATE " + relation + " SET name = name WHERE id = 1",
                 search_path) == denied);
    CHECK(run_as(db, role.name, "DELETE FROM " + relation + " WHERE name = 'by " + role.name + "'",
                 search_path) == denied);
  }
}

struct Scenario {
  std::string kind;
  std::string plan;
  std::string relation;                 // what the roles reach the table by
  std::vector<std::string> phases;      // after which `next`s the view is there
  bool version_schema = false;          // reached through the plan's version schema
};

const std::vector<Scenario> k_scenarios = {
    {"rename_table", "name: p\nchanges:\n  - rename_table: {from: users, to: members}\n", "users",
     {"expand", "dual_write", "backfill", "transition"}},
    {"drop_table", "name: p\nchanges:\n  - drop_table: {table: users}\n", "users",
     {"expand", "dual_write", "backfill", "transition"}},
    {"change_type", "name: p\nchanges:\n  - change_type: {table: users, column: phone_number, "
                    "type: varchar(40), up: phone_number::varchar(40), down: "
                    "phone_number::text}\n",
     "users", {"dual_write", "backfill", "transition"}, true},
    {"set_not_null", "name: p\nchanges:\n  - set_not_null: {table: users, column: email, fill: "
                     "\"'unknown@example.com'\"}\n",
     "users", {"dual_write", "backfill", "transition"}, true},
};

} // namespace

TEST_SUITE_BEGIN("view_privileges");

TEST_CASE("roles with table- and column-level grants, and the table's owner, use every view "
          "orchestrate creates as they use the table, in every phase") {
  for (const auto& s : k_scenarios) {
    CAPTURE(s.kind);
    itest::TestDb db("priv_" + s.kind, 300);
    create_roles(db);
    example::WriterOptions options;
    options.url = db.url();
    example::Writer app(options);
    app.start(example::Version::old_app);
    auto start = db.orchestrate({"start", db.write_plan(s.kind + ".yaml", s.plan)});
    INFO(start.err);
    REQUIRE(start.exit_code == 0);
    const std::string search_path = s.version_schema ? "p, public" : "";
    check_roles(db, s.relation, search_path, "planned");
    for (const char* phase : {"expand", "dual_write", "backfill", "transition"}) {
      auto r = db.orchestrate({"next"});
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
      if (std::find(s.phases.begin(), s.phases.end(), phase) == s.phases.end()) {
        continue;
      }
      if (s.version_schema) {
        CHECK(db.value("SELECT relkind FROM pg_class WHERE oid = to_regclass('p.users')") == "v");
        CHECK(db.value("SELECT relowner::regrole::text FROM pg_class WHERE oid = "
                       "'p.users'::regclass") == "app_owner");
      } else {
        CHECK(db.value("SELECT relkind FROM pg_class WHERE oid = 'users'::regclass") == "v");
        CHECK(db.value("SELECT relowner::regrole::text FROM pg_class WHERE oid = "
                       "'users'::regclass") == "app_owner");
      }
      check_roles(db, s.relation, search_path, phase);
    }
    app.stop();
    INFO("writer errors: " << (app.error_messages().empty() ? "" : app.error_messages()[0]));
    CHECK(app.errors() == 0);
    CHECK(app.commits() > 0);
  }
}

TEST_SUITE_END();

} // namespace test_view_privileges
