// The catalog-only change kinds (drop_index, rename_constraint, set_replica_identity,
// set_comment, set_default and drop_default), each through its whole lifecycle while both
// applications write: the old one through its version schema from the start, the new one
// through its own (marked as the plan's new application) from the end of dual-write. Each
// phase, both also insert and update a row of their own, and every value any of them
// committed is compared exactly at the end. Rollback from every phase before contract must
// leave pg_dump --schema-only exactly as it was.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include "fixture.hpp"
#include "kinds_lifecycle.hpp"
#include "writes.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"

namespace test_kinds_catalog {

using namespace std::chrono_literals;
using itest::wait_for_writes;
using itest::wait_until;
using namespace kinds_lifecycle;

namespace {

std::string comment_of_column(const itest::TestDb& db, const std::string& relation,
                              const std::string& column) {
  return db.value("SELECT coalesce(col_description('" + relation + "'::regclass, (SELECT attnum "
                  "FROM pg_attribute WHERE attrelid = '" + relation + "'::regclass AND attname = '" +
                  column + "')), '<none>')");
}

} // namespace

TEST_SUITE_BEGIN("kinds_catalog");

TEST_CASE("drop_index: the index serves both applications until contract drops it concurrently") {
  Kind k{.tag = "drop_idx",
         .plan = "  - drop_index: {table: users, name: users_phone_number_idx}\n"};
  k.after_phase = [](const itest::TestDb& db, int phase) {
    CHECK(db.value("SELECT coalesce((SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
                   "to_regclass('users_phone_number_idx')), 'gone')") ==
          (phase < 5 ? "true" : "gone"));
  };
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("drop_index: contract's drop waits for an old transaction while writes go on, and "
          "runs again when its backend is terminated") {
  itest::TestDb db("drop_idx_wait", 300);
  example::WriterOptions options;
  options.url = db.url();
  options.old_column = options.new_column = "phone_number";
  example::Writer app(options);
  app.start(example::Version::old_app);
  auto r = db.orchestrate({"start", db.write_plan("p.yaml", "name: drop_idx_wait\nchanges:\n"
                                                            "  - drop_index: {name: "
                                                            "users_phone_number_idx}\n")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  for (int i = 0; i < 4; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  // A transaction that read the table holds a lock DROP INDEX CONCURRENTLY must wait out.
  pqxx::connection blocker_conn(db.url());
  auto blocker = std::make_unique<pqxx::work>(blocker_conn);
  blocker->exec("SELECT count(*) FROM users");
  test_support::Child contract(db.orchestrate_argv({"next"}));
  const std::string waiting = "SELECT pid FROM pg_stat_activity WHERE query LIKE 'DROP INDEX "
                              "CONCURRENTLY%' AND wait_event_type = 'Lock'";
  wait_until([&] { return !db.value(waiting).empty(); },
             "contract's DROP INDEX CONCURRENTLY waits");
  // The application keeps committing while the drop waits.
  wait_for_writes(app, 20);
  CHECK(db.value("SELECT to_regclass('users_phone_number_idx') IS NOT NULL") == "t");
  // Its backend terminated mid-drop: next reconnects and runs the drop again, which waits again.
  const std::string first = db.value(waiting);
  CHECK(db.value("SELECT pg_terminate_backend(" + first + ")") == "t");
  wait_until([&] {
    const std::string pid = db.value(waiting);
    return !pid.empty() && pid != first;
  }, "the drop runs again after its backend was terminated");
  wait_for_writes(app, 20);
  blocker->commit();
  blocker.reset();
  auto done = contract.wait();
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  app.stop();
  CHECK(app.errors() == 0);
  CHECK(db.value("SELECT to_regclass('users_phone_number_idx') IS NULL") == "t");
  CHECK(example::verify_writes(db.url(), options, app.committed(), {"phone_number"}).ok());
}

TEST_CASE("drop_index refuses an index backing a constraint, naming it, and changes nothing") {
  itest::TestDb db("drop_idx_bad", 10);
  db.exec("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)");
  auto r = db.orchestrate({"validate", db.write_plan("p.yaml", "name: p\nchanges:\n"
                                                               "  - drop_index: {name: "
                                                               "users_email_key}\n")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("p.yaml:3:24: drop_index: index users_email_key backs constraint "
                   "users_email_key of table users; drop the constraint instead "
                   "(drop_constraint)") != std::string::npos);
  r = db.orchestrate({"validate", db.write_plan("q.yaml", "name: q\nchanges:\n"
                                                          "  - drop_index: {name: nope}\n")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("q.yaml:3:24: drop_index: index public.nope does not exist") !=
        std::string::npos);
}

TEST_CASE("set_comment: the old application's view keeps the old comment, the table gets the "
          "new one at expand, rollback restores it exactly") {
  Kind k{.tag = "comment_kind",
         .setup = "COMMENT ON COLUMN users.phone_number IS 'old ''quoted'' note';",
         .plan = "  - set_comment: {table: users, column: phone_number, comment: \"E.164, "
                 "it's checked\"}\n"
                 "  - set_comment: {table: users, comment: who logs in}\n"
                 "  - set_comment: {table: users, column: email, comment: null}\n"};
  k.after_phase = [](const itest::TestDb& db, int phase) {
    if (phase == 0) {
      return;
    }
    CHECK(comment_of_column(db, "users", "phone_number") == "E.164, it's checked");
    CHECK(db.value("SELECT obj_description('users'::regclass, 'pg_class')") == "who logs in");
    if (phase < 5) {
      CHECK(comment_of_column(db, "comment_kind_old.users", "phone_number") ==
            "old 'quoted' note");
    }
    if (phase >= 2 && phase < 5) {
      CHECK(comment_of_column(db, "comment_kind.users", "phone_number") ==
            "E.164, it's checked");
    }
  };
  lifecycle(k);
  // A comment that was NULL comes back as none, one that was set comes back exactly.
  k.setup += "COMMENT ON TABLE users IS 'accounts of people';";
  rollback_from_each_phase(k);
}

TEST_CASE("comment: on create_table and add_column columns") {
  Kind k{.tag = "comment_new",
         .plan = "  - create_table: {table: notes, columns: [{name: id, type: bigint, "
                 "primary_key: true, comment: the note's key}, {name: created_at, type: "
                 "timestamptz, default: now()}, {name: updated_at, type: timestamptz, default: "
                 "now()}]}\n"
                 "  - add_column: {table: users, column: tier, type: text, default: \"'free'\", "
                 "comment: billing tier}\n"
                 "  - add_column: {table: users, column: region, type: text, fill: \"'eu'\", "
                 "comment: where they live}\n"};
  k.after_phase = [](const itest::TestDb& db, int phase) {
    if (phase >= 1) {
      CHECK(comment_of_column(db, "notes", "id") == "the note's key");
      CHECK(comment_of_column(db, "users", "tier") == "billing tier");
      CHECK(comment_of_column(db, "users", "region") == "where they live");
    }
  };
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("set_replica_identity: set at expand, restored exactly by rollback") {
  Kind k{.tag = "replident",
         .setup = "ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x'; UPDATE users SET email "
                  "= 'u' || id; ALTER TABLE users ALTER COLUMN email SET NOT NULL; ALTER TABLE "
                  "users ALTER COLUMN email DROP DEFAULT; CREATE UNIQUE INDEX users_email_idx ON "
                  "users (email); ALTER TABLE users REPLICA IDENTITY FULL;",
         .plan = "  - set_replica_identity: {table: users, index: users_email_idx}\n"};
  k.after_phase = [](const itest::TestDb& db, int phase) {
    CHECK(db.value("SELECT relreplident FROM pg_class WHERE oid = 'users'::regclass") ==
          (phase == 0 ? "f" : "i"));
    if (phase > 0) {
      CHECK(db.value("SELECT indisreplident FROM pg_index WHERE indexrelid = "
                     "'users_email_idx'::regclass") == "t");
    }
  };
  // The old application's rows need an email now that it is NOT NULL.
  k.probe = [](App& app, int phase, Expected& expected) {
    const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
    const long long id = std::stoll(app.run("INSERT INTO users (name, email, phone_number) "
                                            "VALUES ($1, $2, $3) RETURNING id",
                                            "probe " + who, who + "@x", "+1 " + who));
    app.run("DELETE FROM users WHERE id = $1 RETURNING id", id);
    const long long kept = std::stoll(app.run("INSERT INTO users (name, email, phone_number) "
                                              "VALUES ($1, $2, $3) RETURNING id",
                                              "probe " + who, who + "@y", "+1 " + who));
    expected.rows[kept] = {{"name", "probe " + who}};
    CHECK(app.run("SELECT count(*) FROM users WHERE id = $1", id) == "0");
  };
  // The old application's writer writes phone_number only: its inserts need an email.
  k.setup += "ALTER TABLE users ALTER COLUMN email SET DEFAULT 'w' || gen_random_uuid();";
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("set_replica_identity nothing on a published table is refused at validate") {
  itest::TestDb db("replident_pub", 10);
  db.exec("CREATE PUBLICATION app_pub FOR TABLE users");
  const std::string before = db.dump();
  auto r = db.orchestrate({"validate", db.write_plan("p.yaml", "name: p\nchanges:\n"
                                                               "  - set_replica_identity: "
                                                               "{table: users, identity: "
                                                               "nothing}\n")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("p.yaml:3:52: set_replica_identity: table \"public\".\"users\" would have no "
                   "replica identity while publication(s) app_pub publish its updates or "
                   "deletes") != std::string::npos);
  CHECK(r.err.find("[55000]") != std::string::npos);
  CHECK(db.dump() == before);
  r = db.orchestrate({"validate", db.write_plan("q.yaml", "name: q\nchanges:\n"
                                                          "  - set_replica_identity: {table: "
                                                          "users, identity: full}\n")});
  CHECK(r.exit_code == 0);
}

TEST_CASE("rename_constraint: the old application's ON CONFLICT ON CONSTRAINT works until "
          "contract renames it") {
  Kind k{.tag = "rename_con",
         .setup = "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); ALTER TABLE "
                  "users ADD CONSTRAINT name_present CHECK (name <> '');",
         .plan = "  - rename_constraint: {table: users, from: users_email_key, to: "
                 "users_email_uniq}\n"
                 "  - rename_constraint: {table: users, from: name_present, to: "
                 "users_name_present}\n"};
  k.after_phase = [](const itest::TestDb& db, int phase) {
    const bool renamed = phase == 5;
    CHECK(db.value("SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE "
                   "conrelid = 'users'::regclass AND contype IN ('u', 'c')") ==
          (renamed ? "users_email_uniq,users_name_present" : "name_present,users_email_key"));
    CHECK(db.value("SELECT to_regclass('users_email_uniq') IS NOT NULL") == (renamed ? "t" : "f"));
  };
  // Each application upserts by the constraint's name as it knows it. PostgreSQL looks that
  // name up on the relation the statement names, and a view has no constraints: this form
  // works only on the table itself, which is where the name matters.
  k.probe = [](App& app, int phase, Expected& expected) {
    const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
    const std::string constraint = app.new_app() && phase == 5 ? "users_email_uniq"
                                                               : "users_email_key";
    const std::string upsert = "INSERT INTO public.users (name, email, phone_number) VALUES ($1, "
                               "$2, $3) ON CONFLICT ON CONSTRAINT " + constraint +
                               " DO UPDATE SET name = excluded.name RETURNING id";
    const long long id = std::stoll(app.run(upsert, "probe " + who + " a", who + "@x", "+1"));
    CHECK(app.run(upsert, "probe " + who + " b", who + "@x", "+1") == std::to_string(id));
    expected.rows[id] = {{"name", "probe " + who + " b"}};
  };
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("set_default: the old application keeps the old default until contract, the new one "
          "gets the new default from transition on") {
  Kind k{.tag = "set_dflt",
         .setup = "ALTER TABLE users ADD COLUMN tier text DEFAULT 'free', ADD COLUMN "
                  "score int DEFAULT 5;",
         .plan = "  - set_default: {table: users, column: tier, default: \"'pro'\"}\n"
                 "  - drop_default: {table: users, column: score}\n"};
  k.after_phase = [](const itest::TestDb& db, int phase) {
    CHECK(db.value("SELECT coalesce(pg_get_expr(adbin, adrelid), '<none>') FROM pg_attrdef WHERE "
                   "adrelid = 'users'::regclass AND adnum = (SELECT attnum FROM pg_attribute "
                   "WHERE attrelid = 'users'::regclass AND attname = 'tier')") ==
          (phase < 5 ? "'free'::text" : "'pro'::text"));
  };
  // An insert leaving tier and score out gets each application's defaults; an explicit
  // DEFAULT too.
  k.probe = [](App& app, int phase, Expected& expected) {
    const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
    // The new application's schema exists from dual-write on; before, it reaches the table.
    const bool new_defaults = phase == 5 || (app.new_app() && phase >= 2);
    for (const char* sql : {"INSERT INTO users (name, phone_number) VALUES ($1, $2) RETURNING id",
                            "INSERT INTO users (name, phone_number, tier, score) VALUES ($1, $2, "
                            "DEFAULT, DEFAULT) RETURNING id"}) {
      const long long id = std::stoll(app.run(sql, "probe " + who, "+1 " + who));
      expected.rows[id] = {{"tier", new_defaults ? "pro" : "free"},
                           {"score", new_defaults ? "<null>" : "5"},
                           {"name", "probe " + who}};
    }
  };
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("set_default: the default compiles at validate, with the error at its position") {
  itest::TestDb db("set_dflt_bad", 10);
  const std::string before = db.dump();
  auto r = db.orchestrate({"validate", db.write_plan("p.yaml", "name: p\nchanges:\n"
                                                               "  - set_default: {table: users, "
                                                               "column: created_at, default: "
                                                               "\"'soon'\"}\n")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("p.yaml:3:62: set_default.default: invalid input syntax for type timestamp "
                   "with time zone: \"soon\" [22007]") != std::string::npos);
  r = db.orchestrate({"validate", db.write_plan("q.yaml", "name: q\nchanges:\n"
                                                          "  - set_default: {table: users, "
                                                          "column: name, default: nosuch}\n")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("q.yaml:3:56: set_default.default: cannot use column reference in DEFAULT "
                   "expression [0A000]") != std::string::npos);
  CHECK(db.dump() == before);
}

TEST_CASE("set_default without CREATE on the database: both applications get it at contract, "
          "and plan says so") {
  itest::TestDb db("set_dflt_owner", 100);
  db.exec("ALTER TABLE users ADD COLUMN tier text DEFAULT 'free'");
  const std::string owner = db.make_owner_role("set_dflt_owner_role");
  db.exec("CREATE SCHEMA orchestrate AUTHORIZATION set_dflt_owner_role");
  const std::string plan = db.write_plan("p.yaml", "name: set_dflt_owner\nchanges:\n"
                                                   "  - set_default: {table: users, column: "
                                                   "tier, default: \"'pro'\"}\n");
  auto r = db.orchestrate_as(owner, {"plan", plan});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("set_default of users.tier takes effect for both applications at contract") !=
        std::string::npos);
  REQUIRE(db.orchestrate_as(owner, {"start", plan}).exit_code == 0);
  for (int phase = 1; phase <= 5; ++phase) {
    CAPTURE(phase);
    r = db.orchestrate_as(owner, {"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    CHECK(db.value("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'set\\_dflt\\_owner%'") ==
          "0");
    const std::string id = db.value("INSERT INTO users (name) VALUES ('p') RETURNING id");
    CHECK(db.value("SELECT tier FROM users WHERE id = " + id) == (phase < 5 ? "free" : "pro"));
  }
}

TEST_SUITE_END();

} // namespace test_kinds_catalog
