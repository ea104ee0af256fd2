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
#include "app/verify.hpp"
#include "app/writer.hpp"

using namespace std::chrono_literals;

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
)YAML";

// Waits until the writer has committed `more` writes after this call, or fails at a deadline.
void wait_for_writes(const example::Writer& writer, long long more) {
  const long long target = writer.commits() + more;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (writer.commits() < target && writer.errors() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  REQUIRE_MESSAGE(writer.commits() >= target,
                  "the writer committed " << writer.commits() << " of " << target
                                          << " writes within 30 s; errors: " << writer.errors()
                                          << (writer.error_messages().empty()
                                                  ? ""
                                                  : " " + writer.error_messages()[0]));
}

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
// later in the same transaction (the foreign key is deferred to commit), then the team's key
// changed (the user follows it: ON UPDATE CASCADE).
void probe(App& app, int phase, Expected& expected) {
  const long long id = 100000 + phase * 10 + (app.new_app() ? 1 : 0);
  const long long team = 1000 + phase * 10 + (app.new_app() ? 1 : 0);
  const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
  app.run("INSERT INTO users (id, name, phone_number, team_id) VALUES (" + std::to_string(id) +
          ", 'probe " + who + "', '+1 " + who + "', " + std::to_string(team) +
          ");\nINSERT INTO teams (id, label) VALUES (" + std::to_string(team) + ", '" + who +
          "')");
  app.run("UPDATE teams SET id = " + std::to_string(team + 500) + " WHERE id = " +
          std::to_string(team));
  expected[id] = {{"name", "probe " + who},
                  {"phone_number", "+1 " + who},
                  {"team_id", std::to_string(team + 500)}};
}

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
  }
  wait_for_writes(new_writer, 10);
  new_writer.stop();
  CHECK(db.value("SELECT state FROM orchestrate.plans") == "done");
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
  // ON DELETE SET NULL, as a last write of the new application.
  App new_app(db, true);
  new_app.run("DELETE FROM teams WHERE id = 1531");
  CHECK(db.value("SELECT coalesce(team_id::text, '<null>') FROM users WHERE id = 100031") ==
        "<null>");
}

TEST_CASE("rollback of the options plan from every phase before contract leaves the schema as "
          "it was") {
  for (int phases = 1; phases <= 4; ++phases) {
    CAPTURE(phases);
    itest::TestDb db("options_rb" + std::to_string(phases), 200);
    db.exec(k_setup);
    example::WriterOptions options;
    options.url = db.url();
    options.old_column = options.new_column = "phone_number";
    options.search_path = std::string(k_tag) + "_old, public";
    example::Writer app(options);
    app.start(example::Version::old_app);
    const std::string before = db.dump();
    auto r = db.orchestrate({"start", db.write_plan("options.yaml", k_plan)});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    for (int i = 0; i < phases; ++i) {
      wait_for_writes(app, 10);
      r = db.orchestrate({"next"});
      REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    }
    wait_for_writes(app, 10);
    r = db.orchestrate({"rollback"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    wait_for_writes(app, 10);
    app.stop();
    CHECK(app.errors() == 0);
    CHECK(db.dump() == before);
    CHECK(example::verify_writes(db.url(), options, app.committed(), {"phone_number"}).ok());
  }
}

TEST_SUITE_END();
