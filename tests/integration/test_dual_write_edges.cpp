// The dual-write's edges: types without `=`, narrowing refused before anything runs, the version
// schema's column order, the application's own triggers during a backfill, and sessions that
// try to look like the backfill.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <string>

#include "fixture.hpp"
#include "public_state.hpp"

namespace test_dual_write_edges {

namespace {

void next_to(const itest::TestDb& db, const std::string& state) {
  auto r = db.orchestrate({"next"});
  INFO(state << ": " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(plan_state(db) == state);
}

std::string new_app_url(const itest::TestDb& db) {
  auto r = db.orchestrate({"url"});
  REQUIRE(r.exit_code == 0);
  std::string url = r.out;
  url.erase(url.find_last_not_of('\n') + 1);
  return url;
}

void exec_as(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec(sql);
  tx.commit();
}

} // namespace

TEST_SUITE_BEGIN("dual-write edges");

TEST_CASE("a json column renames with every write of both applications kept") {
  itest::TestDb db("dw_json", 0);
  db.exec("CREATE TABLE docs (id int PRIMARY KEY, body json, note text DEFAULT '');\n"
          "INSERT INTO docs SELECT i, json_build_object('n', i) FROM generate_series(1, 50) i");
  auto plan = db.write_plan("json.yaml", "name: json-rename\nchanges:\n"
                                         "  - rename_column: {table: docs, from: body, to: doc}\n");
  auto v = db.orchestrate({"validate", plan});
  INFO(v.out << v.err);
  REQUIRE(v.exit_code == 0);
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  next_to(db, "expand");
  next_to(db, "dual_write");
  // json has no `=`: the trigger compares text, and json keeps its text exactly (spaces too).
  db.exec("INSERT INTO docs (id, body) VALUES (100, '{\"a\" :  1}')");
  db.exec("UPDATE docs SET body = '[1,  2]' WHERE id = 1");
  db.exec("UPDATE docs SET note = 'x' WHERE id = 2");
  exec_as(new_app_url(db), "INSERT INTO docs (id, doc) VALUES (101, '{\"b\":2}');\n"
                           "UPDATE docs SET doc = '\"s\"' WHERE id = 3");
  next_to(db, "backfill");
  next_to(db, "transition");
  CHECK(db.value("SELECT body::text || '|' || doc::text FROM docs WHERE id = 100") ==
        "{\"a\" :  1}|{\"a\" :  1}");
  CHECK(db.value("SELECT body::text || '|' || doc::text FROM docs WHERE id = 1") ==
        "[1,  2]|[1,  2]");
  CHECK(db.value("SELECT body::text || '|' || doc::text FROM docs WHERE id = 101") ==
        "{\"b\":2}|{\"b\":2}");
  CHECK(db.value("SELECT body::text || '|' || doc::text FROM docs WHERE id = 3") == "\"s\"|\"s\"");
  CHECK(db.value("SELECT count(*) FROM docs WHERE body::text IS DISTINCT FROM doc::text") == "0");
  next_to(db, "done");
  CHECK(db.value("SELECT doc::text FROM docs WHERE id = 2") == "{\"n\" : 2}");
}

TEST_CASE("a narrowing change_type is refused at validate with the count and a key") {
  itest::TestDb db("dw_narrow", 0);
  db.exec("CREATE TABLE codes (id int PRIMARY KEY, code text);\n"
          "INSERT INTO codes SELECT i, CASE WHEN i IN (7, 9, 30) THEN 'ABCDEFGHIJ' ELSE 'AB' || i "
          "END FROM generate_series(1, 40) i");
  const std::string before = db.dump();
  auto plan = db.write_plan("narrow.yaml", "name: narrow\nchanges:\n"
                                           "  - change_type: {table: codes, column: code, type: "
                                           "\"varchar(5)\"}\n");
  for (const char* command : {"validate", "start"}) {
    auto r = db.orchestrate({command, plan});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("narrow.yaml:3:") != std::string::npos);
    CHECK(r.err.find("3 existing rows would be refused") != std::string::npos);
    CHECK(r.err.find("value too long for type character varying(5)") != std::string::npos);
    CHECK(r.err.find("first key [7]") != std::string::npos);
  }
  CHECK(db.dump() == before);
  // Once the rows fit, the plan runs, and a value too long fails like ALTER COLUMN TYPE would,
  // never truncated.
  db.exec("UPDATE codes SET code = 'ABCDE' WHERE id IN (7, 9, 30)");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  next_to(db, "expand");
  next_to(db, "dual_write");
  CHECK_THROWS(db.exec("INSERT INTO codes VALUES (100, 'ABCDEFGHIJ')"));
  db.exec("INSERT INTO codes VALUES (100, 'ABCDE')");
  CHECK(db.value("SELECT _orc_new_code FROM codes WHERE id = 100") == "ABCDE");
}

TEST_CASE("an up that names a missing column is refused at its line and column") {
  itest::TestDb db("dw_badexpr", 100);
  const std::string before = db.dump();
  auto plan = db.write_plan("bad.yaml", R"yaml(name: bad
changes:
  - split_column:
      table: users
      from: name
      into:
        - {name: first_name, type: text, up: "split_part(name, ' ', 1)"}
        - {name: last_name, type: text, up: "split_part(nmae, ' ', 2)"}
      down: "concat_ws(' ', first_name, last_nam)"
)yaml");
  auto r = db.orchestrate({"validate", plan});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.yaml:8:45: split_column.up: column \"nmae\" does not exist [42703]") !=
        std::string::npos);
  CHECK(r.err.find("42703") != std::string::npos);
  CHECK(r.err.find("nmae") != std::string::npos);
  CHECK(db.dump() == before);
}

TEST_CASE("the version schema has the column order of the table after contract") {
  itest::TestDb db("dw_order", 0);
  db.exec("CREATE TABLE ledger (id int PRIMARY KEY, balance integer NOT NULL DEFAULT 0, "
          "credit_limit integer NOT NULL DEFAULT 0);\n"
          "INSERT INTO ledger SELECT i, i, 100 FROM generate_series(1, 10) i");
  auto plan = db.write_plan("order.yaml", "name: ledger-bigint\nchanges:\n"
                                          "  - change_type: {table: ledger, column: balance, "
                                          "type: bigint}\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  next_to(db, "expand");
  next_to(db, "dual_write");
  next_to(db, "backfill");
  next_to(db, "transition");
  const std::string url = new_app_url(db);
  pqxx::connection app(url);
  // Prepared before contract, executed after it too: the shape never changes under it.
  app.prepare("all", "SELECT * FROM ledger WHERE id = $1");
  auto shape = [&](int id) {
    pqxx::work tx(app);
    auto r = tx.exec_prepared("all", id);
    std::string out;
    for (pqxx::row::size_type i = 0; i < r.columns(); ++i) {
      out += std::string(r.column_name(i)) + "=" + r[0][i].c_str() + " ";
    }
    tx.commit();
    return out;
  };
  {
    pqxx::work tx(app);
    tx.exec("INSERT INTO ledger VALUES (100, 5, 999)");
    tx.commit();
  }
  CHECK(shape(100) == "id=100 credit_limit=5 balance=999 ");
  next_to(db, "done");
  {
    pqxx::work tx(app);
    tx.exec("INSERT INTO ledger VALUES (101, 5, 999)");
    tx.commit();
  }
  CHECK(shape(100) == "id=100 credit_limit=5 balance=999 ");
  CHECK(shape(101) == "id=101 credit_limit=5 balance=999 ");
  CHECK(db.value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE "
                 "attrelid = 'ledger'::regclass AND attnum > 0 AND NOT attisdropped") ==
        "id,credit_limit,balance");
}

TEST_CASE("the backfill fires none of the application's own triggers") {
  itest::TestDb db("dw_user_triggers", 0);
  db.exec(R"SQL(
    CREATE TABLE items (id int PRIMARY KEY, qty integer, updated_at timestamptz NOT NULL
                        DEFAULT '2020-01-01');
    CREATE TABLE audit (item int, at timestamptz DEFAULT clock_timestamp());
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS
      $$BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END$$;
    CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS
      $$BEGIN INSERT INTO audit (item) VALUES (NEW.id); RETURN NEW; END$$;
    CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
    CREATE TRIGGER items_audit AFTER UPDATE ON items FOR EACH ROW EXECUTE FUNCTION audit_row();
    INSERT INTO items (id, qty) SELECT i, i FROM generate_series(1, 2000) i;
  )SQL");
  auto plan = db.write_plan("qty.yaml", "name: qty-bigint\nchanges:\n"
                                        "  - change_type: {table: items, column: qty, type: "
                                        "bigint}\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  next_to(db, "expand");
  next_to(db, "dual_write");
  next_to(db, "backfill");
  CHECK(db.value("SELECT count(*) FROM items WHERE _orc_new_qty IS DISTINCT FROM qty") == "0");
  CHECK(db.value("SELECT count(*) FROM audit") == "0");
  CHECK(db.value("SELECT count(*) FROM items WHERE updated_at <> '2020-01-01'") == "0");
  // The application's own writes still fire them.
  db.exec("UPDATE items SET qty = 7 WHERE id = 1");
  CHECK(db.value("SELECT count(*) FROM audit") == "1");
  CHECK(db.value("SELECT _orc_new_qty FROM items WHERE id = 1") == "7");
}

TEST_CASE("a session started with orchestrate.backfill=on still goes through the dual-write") {
  itest::TestDb db("dw_fake_backfill", 500);
  auto plan = db.write_plan("r.yaml", "name: phone\nchanges:\n"
                                      "  - rename_column: {table: users, from: phone_number, to: "
                                      "phone}\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  next_to(db, "expand");
  next_to(db, "dual_write");
  const std::string url = db.url() + " options='-c orchestrate.backfill=on'";
  exec_as(url, "UPDATE users SET phone_number = 'p1' WHERE id = 1;\n"
               "INSERT INTO users (name, phone_number) VALUES ('x', 'p2')");
  CHECK(db.value("SELECT phone FROM users WHERE id = 1") == "p1");
  CHECK(db.value("SELECT phone FROM users WHERE name = 'x'") == "p2");
}

TEST_SUITE_END();

TEST_CASE("a copied check that is false on NULL never refuses the old application's writes") {
  itest::TestDb db("dw_null_check", 50);
  db.exec("UPDATE users SET email = 'u' || id || '@example.com';\n"
          "ALTER TABLE users ADD CONSTRAINT email_present CHECK (coalesce(email, '') <> '')");
  auto plan = db.write_plan("widen.yaml",
                            "name: widen-email\nchanges:\n  - change_type:\n      table: users\n"
                            "      column: email\n      type: varchar(200)\n"
                            "      up: email::varchar(200)\n      down: email::text\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  // After each phase the old application updates a row and inserts one. Until the trigger
  // exists the new column is NULL in every row version, which the copied check must not see.
  const char* phases[] = {"expand", "dual_write", "backfill", "transition"};
  int n = 0;
  for (const char* phase : phases) {
    CAPTURE(phase);
    next_to(db, phase);
    ++n;
    db.exec("UPDATE users SET name = 'renamed " + std::to_string(n) + "' WHERE id = " +
            std::to_string(n));
    db.exec("INSERT INTO users (name, email) VALUES ('new " + std::to_string(n) + "', 'n" +
            std::to_string(n) + "@example.com')");
    if (n >= 2) {
      // The new application, through its version schema, from dual-write on.
      exec_as(new_app_url(db), "INSERT INTO users (name, email) VALUES ('newapp " +
                                   std::to_string(n) + "', 'a" + std::to_string(n) +
                                   "@example.com')");
    }
  }
  // The copy of the check holds on the new column from transition on.
  CHECK_THROWS(db.exec("UPDATE users SET email = '' WHERE id = 10"));
  next_to(db, "done");
  CHECK(db.value("SELECT count(*) FROM users WHERE name LIKE 'renamed %' OR name LIKE 'new %'") ==
        "8");
  CHECK(db.value("SELECT string_agg(email, ',' ORDER BY id) FROM users WHERE name LIKE 'new %'") ==
        "n1@example.com,n2@example.com,n3@example.com,n4@example.com");
  CHECK(db.value("SELECT string_agg(email, ',' ORDER BY id) FROM users WHERE name LIKE "
                 "'newapp %'") == "a2@example.com,a3@example.com,a4@example.com");
  CHECK(db.value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                 "'email_present'") == "CHECK (((COALESCE(email, (''::text)::character "
                                       "varying))::text <> ''::text))");
}

TEST_CASE("change_type of a unique column passes its dual-write probes and keeps every write") {
  itest::TestDb db("dw_unique_type", 10);
  db.exec("CREATE TABLE codes (id bigserial PRIMARY KEY, code integer NOT NULL UNIQUE);\n"
          "CREATE TABLE uses (id serial PRIMARY KEY, code_id bigint REFERENCES codes (id));\n"
          "INSERT INTO codes (code) SELECT n FROM generate_series(1, 200) n;\n"
          "INSERT INTO uses (code_id) SELECT n FROM generate_series(1, 150) n");
  auto plan = db.write_plan("codes.yaml", "name: codes-bigint\nchanges:\n  - change_type:\n"
                                          "      table: codes\n      column: code\n"
                                          "      type: bigint\n");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  // Before the fix, the probes wrote one row's code into another, and the unique index refused
  // it (23505): dual-write's gate never passed.
  int n = 0;
  for (const char* phase : {"expand", "dual_write", "backfill", "transition"}) {
    CAPTURE(phase);
    next_to(db, phase);
    ++n;
    db.exec("INSERT INTO codes (code) VALUES (" + std::to_string(1000 + n) + ")");
    db.exec("UPDATE codes SET code = " + std::to_string(2000 + n) + " WHERE id = " +
            std::to_string(n));
    if (n >= 2) {
      exec_as(new_app_url(db), "INSERT INTO codes (code) VALUES (" + std::to_string(3000 + n) +
                                   ")");
    }
  }
  next_to(db, "done");
  CHECK(db.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                 "'codes'::regclass AND attname = 'code'") == "bigint");
  CHECK(db.value("SELECT string_agg(code::text, ',' ORDER BY id) FROM codes WHERE id <= 4") ==
        "2001,2002,2003,2004");
  CHECK(db.value("SELECT string_agg(code::text, ',' ORDER BY code) FROM codes WHERE code > 1000 "
                 "AND code < 2000 OR code > 3000") == "1001,1002,1003,1004,3002,3003,3004");
  CHECK(db.value("SELECT count(*) FROM codes") == "207");
  CHECK(db.value("SELECT count(*) FROM uses WHERE code_id IS NOT NULL") == "150");
  CHECK(db.value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                 "'codes_code_key'") == "UNIQUE (code)");
}

} // namespace test_dual_write_edges
