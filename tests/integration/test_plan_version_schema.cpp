// A plan's `version_schema:` names the new application's version schema (the old one's adds
// _old): both applications write through them, `url`, `status --json` and `plan` show them,
// and validate refuses a name that is taken.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "fixture.hpp"
#include "kinds_lifecycle.hpp"

namespace test_plan_version_schema {

using namespace kinds_lifecycle;

namespace {

bool schema_exists(const itest::TestDb& db, const std::string& schema) {
  return db.value("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'") == "1";
}

} // namespace

TEST_SUITE_BEGIN("plan_version_schema");

TEST_CASE("version_schema: both applications write through the schemas it names, which url, "
          "status and plan show") {
  Kind k{.tag = "vs_named",
         .plan = "  - add_column: {table: users, column: tier, type: text, default: "
                 "\"'free'\"}\n",
         .version_schema = "app_v2"};
  k.after_phase = [](const itest::TestDb& db, int phase) {
    CHECK(schema_exists(db, "app_v2_old") == (phase >= 1 && phase < 5));
    CHECK(schema_exists(db, "app_v2") == (phase >= 2 && phase < 5));
    CHECK_FALSE(schema_exists(db, "vs_named"));
    CHECK_FALSE(schema_exists(db, "vs_named_old"));
    if (phase == 0) {
      auto r = db.orchestrate({"plan", db.dir().string() + "/vs_named.yaml"});
      CHECK(r.exit_code == 0);
      INFO(r.err);
      CHECK((r.out + r.err)
                .find("version schemas: app_v2 for the new application (`orchestrate url`), "
                      "app_v2_old for the old one (`orchestrate url --old`)") !=
            std::string::npos);
    }
    if (phase < 1 || phase > 4) {
      return;
    }
    auto r = db.orchestrate({"status", "--json"});
    REQUIRE(r.exit_code == 0);
    const auto status = nlohmann::json::parse(r.out);
    CHECK(status.at("version_schema") == "app_v2");
    CHECK(status.at("old_version_schema") == "app_v2_old");
    CHECK(status.at("search_path") == "\"app_v2\", \"public\"");
    CHECK(status.at("old_search_path") == "\"app_v2_old\", \"public\"");
    // Each application connects with exactly what url prints and writes through its schema.
    for (const bool old_app : {true, false}) {
      CAPTURE(old_app);
      std::vector<std::string> args = {"url", "--format", "keyvalue"};
      if (old_app) {
        args.push_back("--old");
      }
      r = db.orchestrate(args);
      REQUIRE(r.exit_code == 0);
      std::string url = r.out;
      url.erase(url.find_last_not_of("\n") + 1);
      CHECK(url.find(old_app ? "app_v2_old" : "app_v2") != std::string::npos);
      CHECK((url.find("app_v2_old") != std::string::npos) == old_app);
      CHECK((url.find("orchestrate.new_app") != std::string::npos) == !old_app);
      if (!old_app && phase < 2) {
        continue; // the new schema exists from the end of dual-write
      }
      pqxx::connection conn(url);
      pqxx::work tx(conn);
      CHECK(tx.exec1("SELECT current_schemas(false)::text")[0].as<std::string>() ==
            (old_app ? "{app_v2_old,public}" : "{app_v2,public}"));
      const auto where = tx.exec1("SELECT c.relnamespace::regnamespace::text FROM pg_class c "
                                  "WHERE c.oid = 'users'::regclass");
      CHECK(where[0].as<std::string>() == (old_app ? "app_v2_old" : "app_v2"));
      const auto id = tx.exec1("INSERT INTO users (name, phone_number) VALUES ('via url', "
                               "'+1 url') RETURNING id")[0]
                          .as<long long>();
      tx.exec0("UPDATE users SET name = 'via url " + std::string(old_app ? "old" : "new") +
               "' WHERE id = " + std::to_string(id));
      tx.commit();
      CHECK(db.value("SELECT name || '/' || phone_number || '/' || tier FROM public.users WHERE "
                     "id = " + std::to_string(id)) ==
            "via url " + std::string(old_app ? "old" : "new") + "/+1 url/free");
    }
  };
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("version_schema: validate refuses a name that is invalid or taken, and start one "
          "another active plan uses") {
  itest::TestDb db("vs_taken", 10);
  db.exec("CREATE SCHEMA reports; CREATE SCHEMA legacy_old; CREATE TABLE notes (id int "
          "PRIMARY KEY, body text)");
  const std::string before = db.dump();
  auto plan = [&](const std::string& name, const std::string& version_schema,
                  const std::string& table) {
    return db.write_plan(name + ".yaml",
                         "name: " + name + "\nversion_schema: " + version_schema +
                             "\nchanges:\n  - add_column: {table: " + table +
                             ", column: tier, type: text}\n");
  };
  auto r = db.orchestrate({"validate", plan("a", "reports", "users")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("a.yaml:2:17: version_schema: the new application's version schema would be "
                   "'reports', which exists already or is reserved") != std::string::npos);
  r = db.orchestrate({"validate", plan("b", "legacy", "users")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("b.yaml:2:17: version_schema: the old application's version schema would be "
                   "'legacy_old'") != std::string::npos);
  r = db.orchestrate({"validate", plan("c", "public", "users")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("c.yaml:2:17: version_schema:") != std::string::npos);
  r = db.orchestrate({"validate", plan("d", "\"has space\"", "users")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("d.yaml:2:17: version_schema 'has space' must be letters, digits") !=
        std::string::npos);
  r = db.orchestrate({"validate", plan("e", "pg_app", "users")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("e.yaml:2:17: version_schema 'pg_app' must be") != std::string::npos);
  CHECK(db.dump() == before);
  // Two active plans may not share a version schema, even before either has created it.
  REQUIRE(db.orchestrate({"start", plan("f", "shared", "users")}).exit_code == 0);
  r = db.orchestrate({"start", plan("g", "shared", "notes")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("plan g would use version schema shared") != std::string::npos);
  CHECK(r.err.find("which plan f (state planned) uses") != std::string::npos);
  // A name free of both is accepted.
  CHECK(db.orchestrate({"start", plan("h", "other", "notes")}).exit_code == 0);
}

TEST_CASE("the gate fails a version schema view that is gone, lacks a column or has one the "
          "application cannot write") {
  itest::TestDb db("vs_view_gate", 100);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  REQUIRE(db.orchestrate({"next"}).exit_code == 0); // expand: the views are there
  REQUIRE(db.orchestrate({"verify"}).exit_code == 0);
  const std::string view = "\"rename-users-phone_old\".users";
  const std::string check = "[FAIL] version_schema.view.rename-users-phone_old.users";
  const std::string columns = db.value(
      "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
      "WHERE attrelid = '" + view + "'::regclass AND attnum > 0 AND NOT attisdropped");
  REQUIRE(columns.find("phone_number") != std::string::npos);
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"gone", ""},
      {"a column short", "CREATE VIEW " + view + " AS SELECT id FROM public.users"},
      {"a column it cannot write",
       "CREATE VIEW " + view + " AS SELECT " +
           std::string(columns).replace(columns.find("phone_number"), 12,
                                        "phone_number || '' AS phone_number") +
           " FROM public.users"}};
  for (const auto& [how, sql] : broken) {
    CAPTURE(how);
    db.exec("DROP VIEW IF EXISTS " + view);
    if (!sql.empty()) {
      db.exec(sql);
    }
    auto r = db.orchestrate({"verify"});
    CHECK(r.exit_code == 3);
    CHECK_MESSAGE((r.out + r.err).find(check) != std::string::npos, r.out << r.err);
  }
  // Put back as it was, the gate passes again.
  db.exec("DROP VIEW IF EXISTS " + view + "; CREATE VIEW " + view + " AS SELECT " + columns +
          " FROM public.users");
  CHECK(db.orchestrate({"verify"}).exit_code == 0);
}

TEST_SUITE_END();

} // namespace test_plan_version_schema
