// add_timestamps under both applications writing. The old application does not know the
// columns; the new one connects with what `orchestrate url` prints and writes them. In every
// phase each write's committed values are checked exactly: a default or an advanced updated_at
// is the writing transaction's now(), read in that transaction; an explicit value is kept as
// written, even one equal to what the row held. Rollback from every phase must leave pg_dump
// as it was and every row the applications wrote in place.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <map>
#include <memory>
#include <string>

#include "fixture.hpp"

namespace test_add_timestamps {

namespace {

constexpr const char* k_setup =
    "CREATE TABLE t (id int PRIMARY KEY, name text, placed_at timestamptz NOT NULL, "
    "note text DEFAULT '');\n"
    "INSERT INTO t (id, name, placed_at) SELECT i, 'n' || i, "
    "'2020-01-01 00:00:00+00'::timestamptz + i * interval '1 day' FROM generate_series(1, 20) i";

constexpr const char* k_explicit_created = "2001-02-03 04:05:06+00";
constexpr const char* k_explicit_updated = "2002-03-04 05:06:07+00";
constexpr const char* k_constant = "2019-01-01 00:00:00+00";

// Expected timestamps of one row, as timestamptz literals; empty: not reached yet.
struct Stamps {
  std::string created;
  std::string updated;
};

class Run {
public:
  Run(const std::string& name, bool by_application)
      : m_db(name, 0), m_by_application(by_application) {
    m_db.exec("DROP TABLE users");
    m_db.exec(k_setup);
    m_plan = m_db.write_plan(
        "plan.yaml",
        by_application
            ? "name: ts\nchanges:\n  - add_timestamps: {table: t, fill: \"'" +
                  std::string(k_constant) + "'\", updated_by: application}\n"
            : "name: ts\nchanges:\n  - add_timestamps: {table: t, fill: placed_at, "
              "updated_fill: now()}\n");
  }

  itest::TestDb& db() { return m_db; }

  void start() {
    auto r = m_db.orchestrate({"start", m_plan});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }

  void next(const std::string& phase) {
    auto r = m_db.orchestrate({"next"});
    INFO(phase << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    m_old_app = std::make_unique<pqxx::connection>(m_db.url());
    // After contract the plan is done: only the new application is left, with the plain URL.
    std::string u = m_db.url();
    if (phase != "contract") {
      auto url = m_db.orchestrate({"url"});
      REQUIRE(url.exit_code == 0);
      u = url.out;
      u.erase(u.find_last_not_of("\n") + 1);
    }
    m_new_app = std::make_unique<pqxx::connection>(u);
  }

  // The fill existing rows get: the plan's constant, else placed_at for created_at.
  std::string created_fill(int id) const {
    if (m_by_application) {
      return k_constant;
    }
    return m_db.value("SELECT placed_at::text FROM t WHERE id = " + std::to_string(id));
  }
  std::string updated_fill(const std::string& now) const {
    return m_by_application ? k_constant : now;
  }

  // Runs `sql` in one transaction of either application; returns that transaction's now().
  std::string write(bool new_app, const std::string& sql) {
    CAPTURE(sql);
    CAPTURE(new_app);
    pqxx::work tx(new_app ? *m_new_app : *m_old_app);
    const std::string now = tx.exec1("SELECT now()::text")[0].as<std::string>();
    tx.exec(sql);
    tx.commit();
    return now;
  }

  bool refused(bool new_app, const std::string& sql) {
    try {
      pqxx::work tx(new_app ? *m_new_app : *m_old_app);
      tx.exec(sql);
      tx.commit();
    } catch (const pqxx::sql_error&) {
      return true;
    }
    return false;
  }

  // The writes of one phase: `b` starts the keys of the rows they insert, `p` names rows that
  // existed before the plan. `old_app_too`: the old application still runs (before contract).
  void write_phase(const std::string& phase, int b, int p, bool old_app_too, bool unreached) {
    CAPTURE(phase);
    const auto id = [](int i) { return std::to_string(i); };
    // Inserts: defaults for the old application and for the new one leaving them out; the new
    // one's explicit values as written; an explicit NULL refused.
    if (old_app_too) {
      auto now = write(false, "INSERT INTO t (id, name, placed_at) VALUES (" + id(b + 1) +
                                  ", 'o', now())");
      expect(b + 1, {now, now});
    }
    write(true, "INSERT INTO t (id, name, placed_at, created_at, updated_at) VALUES (" +
                    id(b + 4) + ", 'n', now(), '" + k_explicit_created + "', '" +
                    k_explicit_updated + "')");
    expect(b + 4, {k_explicit_created, k_explicit_updated});
    auto now = write(true, "INSERT INTO t (id, name, placed_at) VALUES (" + id(b + 5) +
                               ", 'n', now())");
    expect(b + 5, {now, now});
    CHECK(refused(true, "INSERT INTO t (id, name, placed_at, updated_at) VALUES (" + id(b + 9) +
                            ", 'n', now(), NULL)"));

    // The old application's UPDATE advances updated_at; a row nobody reached gets its fill.
    if (old_app_too) {
      const std::string created = unreached ? created_fill(p) : known(p).created;
      now = write(false, "UPDATE t SET name = 'o2' WHERE id = " + id(p));
      expect(p, {created, now});
      now = write(false, "UPDATE t SET name = 'o3' WHERE id = " + id(b + 4));
      expect(b + 4, {k_explicit_created, now});
    }
    // The new application's UPDATE of updated_at keeps what it wrote.
    {
      const std::string created = unreached ? created_fill(p + 1) : known(p + 1).created;
      write(true, "UPDATE t SET updated_at = '" + std::string(k_explicit_updated) +
                      "' WHERE id = " + id(p + 1));
      expect(p + 1, {created, k_explicit_updated});
    }
    // Naming updated_at with the value it holds is a write too: kept, not advanced.
    const Stamps held = m_rows[b + 4];
    write(true, "UPDATE t SET name = 'n7', updated_at = updated_at WHERE id = " + id(b + 4));
    expect(b + 4, held);
    // An UPDATE that leaves updated_at out: the database advances it, unless the application
    // sets it itself.
    {
      const std::string created = unreached ? created_fill(p + 2) : known(p + 2).created;
      const std::string before = unreached ? "" : known(p + 2).updated;
      now = write(true, "UPDATE t SET name = 'n8' WHERE id = " + id(p + 2));
      expect(p + 2, {created, m_by_application ? (unreached ? updated_fill(now) : before) : now});
    }
  }

  // Unrelated updates by each application to every row `where` selects.
  void unrelated(const std::string& where, bool old_app_too) {
    for (bool new_app : {false, true}) {
      if (!new_app && !old_app_too) {
        continue;
      }
      const std::string now = write(new_app, "UPDATE t SET note = note || 'x' WHERE " + where);
      for (auto& [id, row] : m_rows) {
        if (id > 20 || where == "true") {
          if (!new_app || !m_by_application) {
            row.updated = now;
          }
        }
      }
    }
    check_all("after unrelated updates");
  }

  // Rows 1..20 after the backfill: created_at from the fill, updated_at the backfill's time.
  void expect_backfilled(const std::string& from, const std::string& to) {
    for (int id = 1; id <= 20; ++id) {
      if (m_rows.count(id) != 0) {
        continue;
      }
      CAPTURE(id);
      CHECK(m_db.value("SELECT created_at = '" + created_fill(id) + "' FROM t WHERE id = " +
                       std::to_string(id)) == "t");
      if (m_by_application) {
        CHECK(m_db.value("SELECT updated_at = '" + std::string(k_constant) +
                         "' FROM t WHERE id = " + std::to_string(id)) == "t");
      } else {
        CHECK(m_db.value("SELECT updated_at BETWEEN '" + from + "' AND '" + to +
                         "' FROM t WHERE id = " + std::to_string(id)) == "t");
      }
      known(id);
    }
  }

  void check_all(const std::string& when) {
    CAPTURE(when);
    for (const auto& [id, row] : m_rows) {
      check_row(id);
    }
  }

private:
  // What a row holds: as expected, or as stored for a row no check has recorded yet (the
  // backfill's copies in the rollback runs).
  const Stamps& known(int id) {
    if (m_rows.count(id) == 0) {
      const std::string where = " FROM t WHERE id = " + std::to_string(id);
      m_rows[id] = {m_db.value("SELECT created_at::text" + where),
                    m_db.value("SELECT updated_at::text" + where)};
    }
    return m_rows[id];
  }

  void expect(int id, Stamps s) {
    m_rows[id] = std::move(s);
    check_row(id);
  }

  void check_row(int id) {
    CAPTURE(id);
    const Stamps& s = m_rows[id];
    CHECK(m_db.value("SELECT (created_at = '" + s.created + "')::text || '|' || (updated_at = '" +
                     s.updated + "')::text FROM t WHERE id = " + std::to_string(id)) ==
          "true|true");
  }

  itest::TestDb m_db;
  bool m_by_application;
  std::string m_plan;
  std::map<int, Stamps> m_rows;
  std::unique_ptr<pqxx::connection> m_old_app;
  std::unique_ptr<pqxx::connection> m_new_app;
};

void lifecycle(const std::string& name, bool by_application) {
  Run run(name, by_application);
  run.start();
  run.next("expand");
  run.next("dual_write");
  run.write_phase("dual_write", 100, 1, true, true);
  // Rows 4..20 are left to the backfill.
  run.unrelated("id > 20", true);
  const std::string from = run.db().value("SELECT now()::text");
  run.next("backfill");
  const std::string to = run.db().value("SELECT now()::text");
  run.expect_backfilled(from, to);
  run.check_all("after the backfill");
  run.write_phase("backfill", 200, 6, true, false);
  run.unrelated("true", true);
  run.next("transition");
  run.write_phase("transition", 300, 11, true, false);
  run.unrelated("true", true);
  run.next("contract");
  run.check_all("after contract");
  CHECK(run.db().value("SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND "
                       "attname IN ('created_at', 'updated_at') AND attnotnull") == "2");
  CHECK(run.db().value("SELECT count(*) FROM pg_trigger WHERE tgrelid = 't'::regclass AND "
                       "NOT tgisinternal") == (by_application ? "0" : "2"));
  // After contract only the new application writes.
  run.write_phase("done", 400, 16, false, false);
  run.unrelated("true", false);
}

} // namespace

TEST_SUITE_BEGIN("add_timestamps");

TEST_CASE("add_timestamps updated_by database: both applications write in every phase and "
          "every committed value is kept") {
  lifecycle("ts_database", false);
}

TEST_CASE("add_timestamps updated_by application: the trigger covers the old application only "
          "and goes at contract") {
  lifecycle("ts_application", true);
}

TEST_CASE("add_timestamps: rollback from every phase leaves pg_dump and the written rows as "
          "they were") {
  const char* phases[] = {"expand", "dual_write", "backfill", "transition"};
  for (int reached = 0; reached < 4; ++reached) {
    CAPTURE(phases[reached]);
    Run run(std::string("ts_rb_") + phases[reached], false);
    const std::string before = run.db().dump();
    run.start();
    for (int i = 0; i <= reached; ++i) {
      run.next(phases[i]);
    }
    if (reached >= 1) {
      run.write_phase(phases[reached], 100, 1, true, reached == 1);
    }
    const std::string rows = run.db().value(
        "SELECT string_agg(id || ':' || name || ':' || placed_at || ':' || note, ',' ORDER BY id) "
        "FROM t");
    auto r = run.db().orchestrate({"rollback"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(run.db().dump() == before);
    CHECK(run.db().value("SELECT string_agg(id || ':' || name || ':' || placed_at || ':' || "
                         "note, ',' ORDER BY id) FROM t") == rows);
  }
}

TEST_SUITE_END();

} // namespace test_add_timestamps
