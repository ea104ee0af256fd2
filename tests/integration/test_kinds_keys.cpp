// add_primary_key and add_exclusion on an existing table (enforced only at contract, once the
// old application is gone) and on a table the plan creates (at expand), each while both
// applications write.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "fixture.hpp"
#include "kinds_lifecycle.hpp"
#include "public_state.hpp"

namespace test_kinds_keys {

using namespace kinds_lifecycle;

namespace {

const char* const k_items =
    "CREATE TABLE items (id bigint, sku text NOT NULL, note text);\n"
    "INSERT INTO items SELECT i, 'sku' || i, 'note ' || i FROM generate_series(1, 300) i;\n";

// Each application inserts an item and updates its note; the old one also writes what the key
// will forbid (a NULL id, an id another row has), which must not be refused before contract,
// and then removes it so that contract finds no row breaking the key.
void probe_items(App& app, int phase, Expected& expected) {
  const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
  const long long id = 1000 * phase + (app.new_app() ? 500 : 0);
  app.run("INSERT INTO items (id, sku, note) VALUES ($1, $2, $3) RETURNING id", id, "sku " + who,
          "a " + who);
  app.run("UPDATE items SET note = $1 WHERE id = $2 RETURNING id", "b " + who, id);
  expected.rows[id] = {{"note", "b " + who}, {"sku", "sku " + who}};
  if (!app.new_app() && phase < 5) {
    CHECK(app.run("INSERT INTO items (id, sku) VALUES (NULL, 'no id') RETURNING sku") == "no id");
    CHECK(app.run("INSERT INTO items (id, sku) VALUES (1, 'twin') RETURNING id") == "1");
    CHECK(app.run("WITH d AS (DELETE FROM items WHERE sku IN ('no id', 'twin') RETURNING 1) "
                  "SELECT count(*) FROM d") == "2");
  }
}

std::string key_of(const itest::TestDb& db, const std::string& table) {
  return db.value("SELECT coalesce((SELECT conname || ' ' || pg_get_constraintdef(oid) FROM "
                  "pg_constraint WHERE conrelid = '" + table + "'::regclass AND contype = 'p'), "
                  "'none')");
}

const char* const k_bookings =
    "CREATE EXTENSION IF NOT EXISTS btree_gist;\n"
    "CREATE TABLE bookings (id bigint PRIMARY KEY, room int NOT NULL, during tstzrange NOT NULL, "
    "note text);\n"
    "INSERT INTO bookings SELECT i, i % 10, tstzrange('2026-01-01'::timestamptz + i * interval "
    "'1 hour', '2026-01-01'::timestamptz + (i + 1) * interval '1 hour') FROM "
    "generate_series(1, 300) i;\n";

// Each application books a room of its own and updates the note; until contract the old one
// also books over another booking, which must not be refused, and then cancels it.
void probe_bookings(App& app, int phase, Expected& expected) {
  const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
  const long long id = 1000 * phase + (app.new_app() ? 500 : 0);
  const std::string during = "[2030-01-0" + std::to_string(phase) + " " +
                             (app.new_app() ? "12" : "00") + ":00+00, 2030-01-0" +
                             std::to_string(phase) + " " + (app.new_app() ? "13" : "01") +
                             ":00+00)";
  app.run("INSERT INTO bookings (id, room, during, note) VALUES ($1, 1, $2, $3) RETURNING id",
          id, during, "a " + who);
  app.run("UPDATE bookings SET note = $1 WHERE id = $2 RETURNING id", "b " + who, id);
  expected.rows[id] = {{"note", "b " + who}};
  if (!app.new_app()) {
    CHECK(app.run("INSERT INTO bookings (id, room, during) VALUES ($1, 1, $2) RETURNING id",
                  id + 1, during) == std::to_string(id + 1));
    CHECK(app.run("WITH d AS (DELETE FROM bookings WHERE id = $1 RETURNING 1) SELECT count(*) "
                  "FROM d",
                  id + 1) == "1");
  } else if (phase == 5) {
    bool refused = false;
    try {
      app.run("INSERT INTO bookings (id, room, during) VALUES ($1, 1, $2) RETURNING id", id + 1,
              during);
    } catch (const pqxx::sql_error& e) {
      refused = std::string(e.sqlstate()) == "23P01";
    }
    CHECK(refused);
  }
}

} // namespace

TEST_SUITE_BEGIN("kinds_keys");

TEST_CASE("add_primary_key: enforced at contract only, while both applications write") {
  Kind k{.tag = "pk_add",
         .setup = k_items,
         .plan = "  - add_primary_key: {table: items, columns: [id], name: items_key}\n",
         .table = "items"};
  k.probe = probe_items;
  k.after_phase = [](const itest::TestDb& db, int phase) {
    CHECK(key_of(db, "items") == (phase < 5 ? "none" : "items_key PRIMARY KEY (id)"));
    CHECK(db.value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'items'::regclass AND "
                   "attname = 'id'") == (phase < 5 ? "f" : "t"));
    CHECK(db.value("SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass AND "
                   "conname LIKE '\\_orc\\_%'") == "0");
    if (phase == 5) {
      CHECK(db.value("SELECT indisvalid AND indisprimary FROM pg_index WHERE indexrelid = "
                     "'items_key'::regclass") == "t");
    }
  };
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("add_primary_key: validate refuses NULL and duplicate keys naming one, and a table "
          "that has a key, and transition's gate refuses to move on while one breaks it") {
  itest::TestDb db("pk_refuse", 10);
  db.exec(k_items);
  db.exec("UPDATE items SET id = NULL WHERE id = 7; UPDATE items SET id = 5 WHERE id = 6");
  const std::string before = db.dump();
  const std::string plan =
      db.write_plan("p.yaml", "name: pk_refuse\nchanges:\n  - add_primary_key: {table: items, "
                              "columns: [id]}\n");
  auto r = db.orchestrate({"validate", plan});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("p.yaml:3:30: add_primary_key: 3 existing rows would be refused (a NULL in "
                   "a key column or a key another row has; first key [5]); give each row a "
                   "value in every key column and a key no other row has") != std::string::npos);
  r = db.orchestrate({"validate", db.write_plan("q.yaml", "name: q\nchanges:\n"
                                                          "  - add_primary_key: {table: users, "
                                                          "columns: [email]}\n")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("q.yaml:3:30: add_primary_key: table users already has a primary key "
                   "(users_pkey)") != std::string::npos);
  CHECK(db.dump() == before);
  db.exec("DELETE FROM items WHERE id IS NULL OR id = 5");
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  db.exec("INSERT INTO items (id, sku) VALUES (8, 'again')");
  r = db.orchestrate({"next"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("2 rows break the key (first key [8])") != std::string::npos);
  db.exec("DELETE FROM items WHERE sku = 'again'");
  CHECK(db.orchestrate({"next"}).exit_code == 0);
  CHECK(plan_state(db) == "done");
  CHECK(key_of(db, "items") == "items_pkey PRIMARY KEY (id)");
}

TEST_CASE("add_primary_key on a table created earlier in the plan: the key is there from "
          "expand") {
  Kind k{.tag = "pk_new",
         .plan = "  - create_table: {table: notes, columns: [{name: id, type: bigint}, {name: "
                 "body, type: text}, {name: created_at, type: timestamptz, default: now()}, "
                 "{name: updated_at, type: timestamptz, default: now()}]}\n"
                 "  - add_primary_key: {table: notes, columns: [id], name: notes_key}\n"};
  k.after_phase = [](const itest::TestDb& db, int phase) {
    if (phase >= 1) {
      CHECK(key_of(db, "notes") == "notes_key PRIMARY KEY (id)");
      CHECK(db.value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'notes'::regclass "
                     "AND attname = 'id'") == "t");
    }
  };
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("add_exclusion: added at contract under lock_timeout, while both applications "
          "write") {
  Kind k{.tag = "excl_add",
         .setup = k_bookings,
         .plan = "  - add_exclusion: {table: bookings, name: no_double_booking, elements: "
                 "\"room WITH =, during WITH &&\"}\n",
         .table = "bookings"};
  k.probe = probe_bookings;
  k.after_phase = [](const itest::TestDb& db, int phase) {
    CHECK(db.value("SELECT count(*) FROM pg_constraint WHERE conrelid = 'bookings'::regclass AND "
                   "contype = 'x'") == (phase < 5 ? "0" : "1"));
  };
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("add_exclusion: validate refuses conflicting rows naming a pair, and a table over "
          "max_table_size, and lint and plan state the lock") {
  itest::TestDb db("excl_refuse", 10);
  db.exec(k_bookings);
  db.exec("ANALYZE bookings");
  const std::string plan = db.write_plan(
      "p.yaml", "name: excl_refuse\nchanges:\n  - add_exclusion: {table: bookings, name: apart, "
                "elements: \"room WITH =, during WITH &&\"}\n");
  auto r = db.orchestrate({"lint", plan});
  CHECK(r.out.find("p.yaml:3:5: warning [exclusion-lock]: add_exclusion: contract's ALTER TABLE "
                   "... ADD CONSTRAINT ... EXCLUDE holds ACCESS EXCLUSIVE on bookings (about "
                   "300 rows by its statistics)") != std::string::npos);
  r = db.orchestrate({"plan", plan});
  CHECK(r.out.find("-- Holds ACCESS EXCLUSIVE on bookings (about 300 rows at plan time; "
                   "max_table_size 1MB)") != std::string::npos);
  db.exec("INSERT INTO bookings VALUES (9001, 3, tstzrange('2026-01-01 03:30+00', "
          "'2026-01-01 04:30+00'))");
  const std::string before = db.dump();
  r = db.orchestrate({"validate", plan});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("p.yaml:3:61: add_exclusion: 1 existing rows would be refused (rows that "
                   "conflict with another row; first key Key (room, during)=(3, [\"2026-01-01 ") !=
        std::string::npos);
  CHECK(r.err.find("conflicts with key (room, during)=(3, ") != std::string::npos);
  CHECK(db.dump() == before);
  db.exec("DELETE FROM bookings WHERE id = 9001");
  r = db.orchestrate({"validate", db.write_plan("q.yaml", "name: q\nchanges:\n"
                                                          "  - add_exclusion: {table: bookings, "
                                                          "name: apart, elements: \"room WITH =, "
                                                          "during WITH &&\", max_table_size: "
                                                          "8kB}\n")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("q.yaml:3:28: add_exclusion: table \"public\".\"bookings\" is ") !=
        std::string::npos);
  CHECK(r.err.find("over max_table_size 8kB: adding an exclusion constraint holds ACCESS "
                   "EXCLUSIVE on it while the index builds; raise max_table_size to accept that "
                   "lock [54000]") != std::string::npos);
  CHECK(db.orchestrate({"validate", plan}).exit_code == 0);
}

TEST_SUITE_END();

} // namespace test_kinds_keys
