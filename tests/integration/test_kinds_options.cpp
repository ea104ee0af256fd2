// The options of the constraint and index kinds on an existing table (create_index's operator
// classes, collations, orders and storage parameters; add_foreign_key's actions, match and
// deferral; add_unique's INCLUDE, NULLS NOT DISTINCT, deferral and storage parameters;
// add_check's NO INHERIT; add_column's constraint names and reference options) in one plan,
// through its whole lifecycle while both applications write: the old one through its version
// schema from the start, the new one through its own from the end of dual-write. In each phase
// both also write rows of their own that lean on the options (a reference deferred to commit, a
// key change cascading), and every value any of them committed is compared exactly at the end.
// Then the definitions as PostgreSQL prints them. Rollback from every phase before contract
// leaves pg_dump --schema-only exactly as it was.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "fixture.hpp"
#include "rollback_chain.hpp"
#include "writes.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"

namespace test_kinds_options {

using namespace std::chrono_literals;
using itest::wait_for_writes;
using itest::wait_until;

namespace {

const char* const k_tag = "options";

const char* const k_setup = R"SQL(
  CREATE TABLE teams (id bigint PRIMARY KEY, label text);
  INSERT INTO teams SELECT i, 'team ' || i FROM generate_series(1, 5) i;
  ALTER TABLE users ADD COLUMN team_id bigint, ADD COLUMN handle text;
)SQL";

const char* const k_plan = R"YAML(name: options
changes:
  - create_index:
      table: users
      name: users_name_pattern_idx
      columns:
        - {column: name, opclass: text_pattern_ops, collate: C, sort: desc, nulls: last}
        - phone_number
      storage_parameters: fillfactor=70
  - add_foreign_key: {table: users, name: users_team_fk, columns: [team_id],
                      references: {table: teams, columns: [id]}, on_delete: set_null,
                      on_update: cascade, match: full, deferrable: true,
                      initially_deferred: true}
  - add_column: {table: users, column: backup_team_id, type: bigint, unique: true,
                 unique_name: users_backup_team_uq, check: backup_team_id > 0,
                 check_name: users_backup_team_positive, check_no_inherit: true,
                 references: {table: teams, column: id, name: users_backup_team_fk,
                              on_delete: set_null, on_update: cascade, match: full,
                              deferrable: true, initially_deferred: true}}
  - add_unique: {table: users, name: users_handle_key, columns: [handle], include: [name],
                 storage_parameters: fillfactor=80, deferrable: true, initially_deferred: true}
  - add_unique: {table: users, name: users_handle_id_key, columns: [handle, id],
                 nulls_not_distinct: true}
  - add_check: {table: users, name: users_name_short, check: "length(name) < 200",
                no_inherit: true}
)YAML";

// Every column option and every table constraint type of create_table in one table.
const char* const k_table_plan = R"YAML(name: booking
changes:
  - create_table:
      table: bookings
      comment: "who holds which room, when"
      primary_key_name: bookings_pk
      primary_key: [id]
      columns:
        - {name: id, type: bigint, identity: always, identity_options: "START WITH 10 INCREMENT BY 2"}
        - {name: room, type: int, nullable: false, check: room > 0, check_name: bookings_room_positive,
           check_no_inherit: true}
        - {name: code, type: text, unique: true, unique_name: bookings_code_uq, comment: "door code"}
        - {name: user_id, type: bigint, references: {table: users, column: id, name: bookings_user_fk,
           on_delete: cascade, on_update: restrict, match: full, deferrable: true,
           initially_deferred: true}}
        - {name: during, type: daterange, nullable: false}
        - {name: nights, type: int, generated: upper(during) - lower(during)}
        - {name: parent_id, type: bigint}
        - {name: seq, type: int, identity: by_default}
        - {name: price, type: int, default: "100", check: price >= 0}
      constraints:
        - {name: bookings_room_code_key, type: unique, columns: [room, code], nulls_not_distinct: true,
           include: [price], storage_parameters: fillfactor=70, deferrable: true}
        - {name: bookings_nights_max, type: check, check: upper(during) - lower(during) < 60,
           no_inherit: true}
        - {name: bookings_parent_fk, type: foreign_key, columns: [parent_id],
           references: {table: bookings, columns: [id], on_delete: set_null, on_update: cascade,
           match: simple}, initially_deferred: true}
        - {name: bookings_no_overlap, type: exclude, exclude: {method: gist, elements: "during WITH &&",
           where: "room > 0"}, deferrable: true}
)YAML";

// One application's session: its version schema first on the search_path, and for the new
// application the marker `orchestrate url` puts in its options.
class App {
public:
  App(const itest::TestDb& db, bool new_app) : m_conn(db.url()), m_new(new_app) {
    m_conn.set_variable("search_path", new_app ? std::string(k_tag) + ", public"
                                               : std::string(k_tag) + "_old, public");
    if (new_app) {
      m_conn.set_variable("orchestrate.new_app", std::string("'") + k_tag + "'");
    }
  }
  // Runs `sql` (one or more statements) in one transaction.
  void run(const std::string& sql) {
    pqxx::work tx(m_conn);
    tx.exec(sql);
    tx.commit();
  }
  bool new_app() const { return m_new; }

private:
  pqxx::connection m_conn;
  bool m_new;
};

// What the probes' rows must hold at the end: by user id, each column as text.
using Expected = std::map<long long, std::map<std::string, std::string>>;

// One application's writes in one phase, leaning on the options: a user whose team is inserted
// later in the same transaction (the foreign keys are deferred to commit), then the team's key
// changed (the user follows it: ON UPDATE CASCADE). The new application also writes the column
// the plan adds, which the old one does not know, and a handle; the old one inserts with ON
// CONFLICT DO NOTHING and no target, which a deferrable unique constraint would refuse.
void probe(App& app, int phase, Expected& expected) {
  const long long id = 100000 + phase * 10 + (app.new_app() ? 1 : 0);
  const long long team = 1000 + phase * 10 + (app.new_app() ? 1 : 0);
  const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
  const std::string t = std::to_string(team);
  app.run("INSERT INTO users (id, name, phone_number, team_id" +
          std::string(app.new_app() ? ", backup_team_id, handle" : "") + ") VALUES (" +
          std::to_string(id) + ", 'probe " + who + "', '+1 " + who + "', " + t +
          (app.new_app() ? ", " + t + ", 'h-" + who + "'" : "") + ")" +
          (app.new_app() ? "" : " ON CONFLICT DO NOTHING") +
          ";\nINSERT INTO teams (id, label) VALUES (" + t + ", '" + who + "')");
  app.run("UPDATE teams SET id = " + std::to_string(team + 500) + " WHERE id = " + t);
  expected[id] = {{"name", "probe " + who},
                  {"phone_number", "+1 " + who},
                  {"team_id", std::to_string(team + 500)},
                  {"backup_team_id", app.new_app() ? std::to_string(team + 500) : "<null>"},
                  {"handle", app.new_app() ? "h-" + who : "<null>"}};
}

// The new application's probes of phases 1 and 2 swap handles in one transaction: a duplicate
// that lasts until the second statement.
const char* const k_swap = "UPDATE users SET handle = 'h-new1' WHERE id = 100021;\n"
                           "UPDATE users SET handle = 'h-new2' WHERE id = 100011";

void check_expected(const itest::TestDb& db, const Expected& expected) {
  for (const auto& [id, columns] : expected) {
    for (const auto& [column, value] : columns) {
      CAPTURE(id);
      CAPTURE(column);
      CHECK(db.value("SELECT coalesce(" + column + "::text, '<null>') FROM users WHERE id = " +
                     std::to_string(id)) == value);
    }
  }
}

std::string constraint_def(const itest::TestDb& db, const std::string& name) {
  return db.value("SELECT coalesce((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                  "conrelid = 'users'::regclass AND conname = '" + name + "'), '<none>')");
}

std::string index_def(const itest::TestDb& db, const std::string& name) {
  return db.value("SELECT coalesce(pg_get_indexdef(to_regclass('" + name + "')), '<none>')");
}

} // namespace

TEST_SUITE_BEGIN("kinds_options");

TEST_CASE("index and constraint options on an existing table hold for both applications from "
          "expand on, and PostgreSQL prints them as planned") {
  itest::TestDb db("options_life", 300);
  db.exec(k_setup);
  example::WriterOptions old_options;
  old_options.url = db.url();
  old_options.old_column = old_options.new_column = "phone_number";
  old_options.search_path = std::string(k_tag) + "_old, public";
  example::Writer old_writer(old_options);
  old_writer.start(example::Version::old_app);
  example::WriterOptions new_options;
  new_options.url = db.url();
  new_options.old_column = new_options.new_column = "email";
  new_options.search_path = std::string(k_tag) + ", public";
  new_options.new_app_plan = k_tag;
  example::Writer new_writer(new_options);

  auto r = db.orchestrate({"start", db.write_plan("options.yaml", k_plan)});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  Expected expected;
  for (int phase = 1; phase <= 5; ++phase) {
    CAPTURE(phase);
    wait_for_writes(old_writer, 10);
    if (phase == 5) {
      old_writer.stop(); // the old application is retired before contract
    }
    if (phase >= 3) {
      wait_for_writes(new_writer, 10);
    }
    r = db.orchestrate({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    if (phase == 2) {
      new_writer.start(example::Version::new_app);
    }
    if (phase < 5) {
      App old_app(db, false);
      probe(old_app, phase, expected);
    }
    App new_app(db, true);
    probe(new_app, phase, expected);
    if (phase == 4) {
      // Until contract the unique index checks each row at once.
      CHECK_THROWS(new_app.run(k_swap));
    }
    if (phase == 5) {
      // From contract on the constraint is checked at commit (INITIALLY DEFERRED).
      CHECK_NOTHROW(new_app.run(k_swap));
      expected[100011]["handle"] = "h-new2";
      expected[100021]["handle"] = "h-new1";
    }
  }
  wait_for_writes(new_writer, 10);
  new_writer.stop();
  CHECK(plan_state(db) == "done");
  for (auto* w : {&old_writer, &new_writer}) {
    INFO("writer errors: " << (w->error_messages().empty() ? "" : w->error_messages()[0]));
    CHECK(w->errors() == 0);
    CHECK(w->commits() > 0);
  }
  auto report = example::verify_writes(db.url(), old_options, old_writer.committed(),
                                       {"phone_number"});
  CHECK(report.checked == static_cast<long long>(old_writer.committed().size()));
  CHECK(report.ok());
  report = example::verify_writes(db.url(), new_options, new_writer.committed(), {"email"});
  CHECK(report.checked == static_cast<long long>(new_writer.committed().size()));
  CHECK(report.ok());
  check_expected(db, expected);

  CHECK(index_def(db, "users_name_pattern_idx") ==
        "CREATE INDEX users_name_pattern_idx ON public.users USING btree (name COLLATE \"C\" "
        "text_pattern_ops DESC NULLS LAST, phone_number) WITH (fillfactor='70')");
  CHECK(constraint_def(db, "users_team_fk") ==
        "FOREIGN KEY (team_id) REFERENCES teams(id) MATCH FULL ON UPDATE CASCADE ON DELETE SET "
        "NULL DEFERRABLE INITIALLY DEFERRED");
  CHECK(constraint_def(db, "users_backup_team_fk") ==
        "FOREIGN KEY (backup_team_id) REFERENCES teams(id) MATCH FULL ON UPDATE CASCADE ON "
        "DELETE SET NULL DEFERRABLE INITIALLY DEFERRED");
  CHECK(constraint_def(db, "users_backup_team_positive") ==
        "CHECK ((backup_team_id > 0)) NO INHERIT");
  CHECK(constraint_def(db, "users_backup_team_uq") == "UNIQUE (backup_team_id)");
  CHECK(constraint_def(db, "users_handle_key") ==
        "UNIQUE (handle) INCLUDE (name) DEFERRABLE INITIALLY DEFERRED");
  CHECK(index_def(db, "users_handle_key") ==
        "CREATE UNIQUE INDEX users_handle_key ON public.users USING btree (handle) INCLUDE (name) "
        "WITH (fillfactor='80')");
  CHECK(constraint_def(db, "users_handle_id_key") == "UNIQUE NULLS NOT DISTINCT (handle, id)");
  CHECK(constraint_def(db, "users_name_short") == "CHECK ((length(name) < 200)) NO INHERIT");
  // ON DELETE SET NULL, as a last write of the new application.
  App new_app(db, true);
  new_app.run("DELETE FROM teams WHERE id = 1531");
  CHECK(db.value("SELECT coalesce(team_id::text, '<null>') || ' ' || coalesce(backup_team_id::"
                 "text, '<null>') FROM users WHERE id = 100031") == "<null> <null>");
}

TEST_CASE("rollback of the options plan from every phase before contract leaves the schema as "
          "it was") {
  std::string before;
  itest::RollbackChain chain;
  chain.tag = "options";
  chain.rows = 200;
  chain.start = [&](const itest::TestDb& db) {
    db.exec(k_setup);
    before = db.dump();
    auto r = db.orchestrate({"start", db.write_plan("options.yaml", k_plan)});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  };
  chain.writer.old_column = chain.writer.new_column = "phone_number";
  chain.writer.search_path = std::string(k_tag) + "_old, public";
  chain.check = [&](const itest::TestDb& db, int) { CHECK(db.dump() == before); };
  itest::rollback_from_each_phase(chain);
}

TEST_CASE("add_foreign_key finds the key of a live unique constraint with INCLUDE columns") {
  itest::TestDb db("options_include_key", 10);
  db.exec("CREATE TABLE people (id bigint PRIMARY KEY, email text NOT NULL, name text, "
          "CONSTRAINT people_email_key UNIQUE (email) INCLUDE (name)); "
          "CREATE TABLE notes (id bigint PRIMARY KEY, author text)");
  auto r = db.orchestrate(
      {"validate", db.write_plan("fk.yaml", "name: fk\nchanges:\n  - add_foreign_key: {table: "
                                            "notes, name: notes_author_fk, columns: [author], "
                                            "references: {table: people, columns: [email]}}\n")});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
}

TEST_CASE("create_table with every column option and every table constraint type: the new "
          "application writes it from expand on while the old one writes users, and PostgreSQL "
          "prints the definitions as planned") {
  itest::TestDb db("booking_life", 300);
  example::WriterOptions options;
  options.url = db.url();
  options.old_column = options.new_column = "phone_number";
  example::Writer writer(options);
  writer.start(example::Version::old_app);
  auto r = db.orchestrate({"start", db.write_plan("booking.yaml", k_table_plan)});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  std::string expected;
  for (int phase = 1; phase <= 5; ++phase) {
    CAPTURE(phase);
    wait_for_writes(writer, 10);
    r = db.orchestrate({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    // The booking names a user inserted after it in the same transaction: the reference is
    // checked at commit (initially deferred).
    const std::string p = std::to_string(phase);
    const std::string user = std::to_string(900000 + phase);
    pqxx::connection conn(db.url());
    conn.set_variable("search_path", "booking, public");
    conn.set_variable("orchestrate.new_app", "'booking'");
    pqxx::work tx(conn);
    tx.exec("INSERT INTO bookings (room, code, user_id, during) VALUES (" + p + ", 'door " + p +
            "', " + user + ", daterange('2026-0" + p + "-01', '2026-0" + p + "-04'))");
    tx.exec("INSERT INTO users (id, name, phone_number) VALUES (" + user + ", 'booker', '')");
    tx.commit();
    expected += (expected.empty() ? "" : "; ") + std::to_string(10 + 2 * (phase - 1)) + " " + p +
                " door " + p + " " + user + " 3 " + p + " 100";
  }
  wait_for_writes(writer, 10);
  writer.stop();
  CHECK(writer.errors() == 0);
  CHECK(example::verify_writes(db.url(), options, writer.committed(), {"phone_number"}).ok());
  CHECK(plan_state(db) == "done");
  // Identity (START WITH 10 INCREMENT BY 2, and a second one by default), the generated column
  // and the default, exactly as stored.
  CHECK(db.value("SELECT string_agg(concat_ws(' ', id, room, code, user_id, nights, seq, price), "
                 "'; ' ORDER BY id) FROM bookings") == expected);
  // A bad row is refused by each rule; the exclusion constraint refuses an overlap.
  for (const char* bad :
       {"INSERT INTO bookings (room, code, during) VALUES (0, 'x', daterange('2027-01-01', "
        "'2027-01-02'))",
        "INSERT INTO bookings (room, code, during) VALUES (9, 'door 1', daterange('2027-01-01', "
        "'2027-01-02'))",
        "INSERT INTO bookings (room, code, during) VALUES (9, 'y', daterange('2026-01-02', "
        "'2026-01-03'))",
        "INSERT INTO bookings (room, code, during) VALUES (9, 'z', daterange('2027-01-01', "
        "'2027-05-01'))",
        "INSERT INTO bookings (room, code, during, price) VALUES (9, 'w', daterange('2028-01-01', "
        "'2028-01-02'), -1)",
        "INSERT INTO bookings (id, room, code, during) VALUES (1, 9, 'v', daterange('2029-01-01', "
        "'2029-01-02'))"}) {
    CAPTURE(bad);
    CHECK_THROWS(db.exec(bad));
  }
  CHECK(db.value("SELECT obj_description('bookings'::regclass, 'pg_class')") ==
        "who holds which room, when");
  CHECK(db.value("SELECT col_description('bookings'::regclass, 3)") == "door code");
  CHECK(db.value("SELECT seqstart || ' ' || seqincrement FROM pg_sequence WHERE seqrelid = "
                 "pg_get_serial_sequence('bookings', 'id')::regclass") == "10 2");
  CHECK(db.value("SELECT string_agg(conname || ' | ' || pg_get_constraintdef(oid), E'\\n' ORDER "
                 "BY conname) FROM pg_constraint WHERE conrelid = 'bookings'::regclass") ==
        "bookings_code_uq | UNIQUE (code)\n"
        "bookings_nights_max | CHECK (((upper(during) - lower(during)) < 60)) NO INHERIT\n"
        "bookings_no_overlap | EXCLUDE USING gist (during WITH &&) WHERE ((room > 0)) DEFERRABLE\n"
        "bookings_parent_fk | FOREIGN KEY (parent_id) REFERENCES bookings(id) ON UPDATE CASCADE "
        "ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED\n"
        "bookings_pk | PRIMARY KEY (id)\n"
        "bookings_price_check | CHECK ((price >= 0))\n"
        "bookings_room_code_key | UNIQUE NULLS NOT DISTINCT (room, code) INCLUDE (price) "
        "DEFERRABLE\n"
        "bookings_room_positive | CHECK ((room > 0)) NO INHERIT\n"
        "bookings_user_fk | FOREIGN KEY (user_id) REFERENCES users(id) MATCH FULL ON UPDATE "
        "RESTRICT ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED");
  CHECK(index_def(db, "bookings_room_code_key") ==
        "CREATE UNIQUE INDEX bookings_room_code_key ON public.bookings USING btree (room, code) "
        "INCLUDE (price) NULLS NOT DISTINCT WITH (fillfactor='70')");
  CHECK(index_def(db, "bookings_no_overlap") ==
        "CREATE INDEX bookings_no_overlap ON public.bookings USING gist (during) WHERE (room > 0)");
  CHECK(db.value("SELECT string_agg(attname || ':' || attidentity::text || attgenerated::text, ' ' ORDER BY "
                 "attnum) FROM pg_attribute WHERE attrelid = 'bookings'::regclass AND attnum > 0 "
                 "AND (attidentity <> '' OR attgenerated <> '')") == "id:a nights:s seq:d");
}

TEST_CASE("create_table refuses at validate, at the field, what PostgreSQL would refuse at "
          "expand, and changes nothing") {
  itest::TestDb db("booking_bad", 10);
  const std::string before = db.dump();
  const std::string head = "name: bad\nchanges:\n  - create_table:\n      table: t\n"
                           "      columns:\n        - {name: id, type: bigint}\n";
  const std::pair<std::string, std::string> cases[] = {
      {"        - {name: a, type: int, generated: nope + 1}\n",
       "bad.yaml:7:43: create_table.generated: column \"nope\" does not exist [42703]"},
      {"        - {name: a, type: text, identity: always}\n",
       "bad.yaml:7:27: create_table.identity: identity column type must be smallint, integer, or "
       "bigint [22023]"},
      {"        - {name: a, type: int, identity: always, identity_options: \"START WITH x\"}\n",
       "bad.yaml:7:68: create_table.identity"},
      {"        - {name: a, type: nosuchtype}\n", "bad.yaml:7:27: create_table.type: type "
                                                   "\"nosuchtype\" does not exist [42704]"},
      {"        - {name: a, type: int, check: a + 1}\n",
       "bad.yaml:7:39: create_table.check: argument of CHECK must be type boolean, not type "
       "integer [42804]"},
      {"      constraints:\n        - {name: k, type: unique, columns: [id], storage_parameters: "
       "fillfactor=5}\n",
       "bad.yaml:8:18: create_table.constraints: value 5 out of bounds for option \"fillfactor\""},
      {"      constraints:\n        - {name: k, type: exclude, exclude: {elements: \"id WITH =\"}}\n",
       "bad.yaml:8:56: create_table.constraints: data type bigint has no default operator class "
       "for access method \"gist\" [42704]"},
  };
  for (const auto& [tail, message] : cases) {
    CAPTURE(tail);
    auto r = db.orchestrate({"validate", db.write_plan("bad.yaml", head + tail)});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find(message) != std::string::npos, r.err);
  }
  CHECK(db.dump() == before);
}

TEST_CASE("rollback of create_table with every option from every phase before contract leaves "
          "the schema as it was") {
  for (int phases = 1; phases <= 4; ++phases) {
    CAPTURE(phases);
    itest::TestDb db("booking_rb" + std::to_string(phases), 100);
    const std::string before = db.dump();
    auto r = db.orchestrate({"start", db.write_plan("booking.yaml", k_table_plan)});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    for (int i = 0; i < phases; ++i) {
      r = db.orchestrate({"next"});
      REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    }
    db.exec("INSERT INTO bookings (room, code, during) VALUES (1, 'a', daterange('2026-01-01', "
            "'2026-01-02'))");
    r = db.orchestrate({"rollback"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    CHECK(db.dump() == before);
  }
}

TEST_SUITE_END();

} // namespace test_kinds_options
