// The dual-write rules cell by cell. For every kind that keeps two sides in step, both
// applications write every shape (an INSERT that leaves the column out, an explicit NULL, an
// explicit value equal to a default, an UPDATE of the synced column, an UPDATE to NULL, an
// UPDATE of both sides at once (rename and cents), an unrelated UPDATE of a row the other
// application wrote) in dual-write, backfill and transition. The exact stored values of both
// sides are checked after every write, after every phase, after contract, and (in a copy of the
// database at transition) after a rollback from there.
//
// The new application connects with what `orchestrate url` prints (its version schema and the
// marker that tells the trigger which application wrote); the old one with the plain URL.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fixture.hpp"

namespace test_dual_write_matrix {

namespace {

// Expected values, each rendered as text, NULL as "~", joined by '|'.
struct Row {
  std::string old_side;
  std::string new_side;
  bool reached = true; // false: a row that existed before the plan, not copied yet
};

struct Write {
  bool new_app;
  std::string sql; // {id} stands for the row's key
  int id;
  std::optional<Row> expect; // nullopt: the write must be refused
};

struct Scenario {
  std::string name;
  std::string setup;  // the table and its rows 1..20
  std::string plan;   // plan YAML
  std::string old_cols; // the old side, as SQL over the base table
  std::string new_cols; // the new side, as SQL over the base table until contract
  std::string final_cols; // the new side after contract
  std::function<Row(int id)> pre; // rows 1..20 as they were, with the new side they must get
  // The writes of one phase; `base` starts the keys of the rows it inserts, `pre` names three
  // rows of those that existed before the plan for its UPDATEs.
  std::function<std::vector<Write>(int base, int pre)> writes;
};

std::string text_of(const std::string& cols) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    // Split the select list on top-level commas (the lists here have no nested commas).
    auto comma = cols.find(',', start);
    const std::string col = cols.substr(start, comma == std::string::npos ? comma : comma - start);
    out += (out.empty() ? "" : " || '|' || ") + ("coalesce((" + col + ")::text, '~')");
    if (comma == std::string::npos) {
      return out;
    }
    start = comma + 1;
  }
}

class Run {
public:
  Run(const Scenario& s, const std::string& db_name) : m_s(s), m_db(db_name, 0) {
    m_db.exec("DROP TABLE users");
    m_db.exec(s.setup);
    for (int id = 1; id <= 20; ++id) {
      m_rows[id] = s.pre(id);
      m_rows[id].reached = false;
    }
    m_plan = m_db.write_plan("plan.yaml", s.plan);
  }

  // A run that goes on from where `from` is, in a copy of its database: every expectation kept.
  // `from` may carry on afterwards.
  Run(Run& from, const std::string& db_name)
      : m_s(from.m_s), m_db(db_name, from.release()), m_plan(from.m_plan),
        m_rows(from.m_rows) {}

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
    if (phase == "backfill") {
      for (auto& [id, row] : m_rows) {
        row.reached = true;
      }
    }
    if (phase != "done") {
      reconnect_new_app();
    }
    check_all(phase, phase == "done" ? m_s.final_cols : m_s.new_cols, true);
  }

  void write_phase(const std::string& phase, int base, int pre) {
    for (const auto& w : m_s.writes(base, pre)) {
      std::string sql = w.sql;
      for (auto pos = sql.find("{id}"); pos != std::string::npos; pos = sql.find("{id}")) {
        sql.replace(pos, 4, std::to_string(w.id));
      }
      CAPTURE(phase);
      CAPTURE(sql);
      CAPTURE(w.new_app);
      bool refused = false;
      try {
        pqxx::work tx(w.new_app ? *m_new_app : *m_old_app);
        tx.exec(sql);
        tx.commit();
      } catch (const pqxx::sql_error& e) {
        refused = true;
        if (w.expect) {
          FAIL_CHECK("refused: " << e.what());
        }
      }
      if (!w.expect) {
        CHECK(refused);
        continue;
      }
      m_rows[w.id] = *w.expect;
      check_row(w.id, m_s.new_cols, true);
    }
    // Unrelated writes by each application to every row: nothing may change, except that a row
    // not copied yet gets its new side.
    for (bool new_app : {false, true}) {
      pqxx::work tx(new_app ? *m_new_app : *m_old_app);
      tx.exec("UPDATE t SET note = note || 'x'");
      tx.commit();
    }
    for (auto& [id, row] : m_rows) {
      row.reached = true;
    }
    check_all(phase + " after unrelated updates", m_s.new_cols, true);
  }

  // After a rollback only the old side remains.
  void check_old_side_only(const std::string& phase) {
    check_all(phase, "", false);
  }

private:
  // Closes every session to this run's database, which a copy of it needs; the applications
  // reconnect at the next phase.
  itest::TestDb::CopyOf release() {
    m_old_app.reset();
    m_new_app.reset();
    m_db.end_sessions();
    return {m_db.name()};
  }

  void reconnect_new_app() {
    m_old_app = std::make_unique<pqxx::connection>(m_db.url());
    auto url = m_db.orchestrate({"url"});
    REQUIRE(url.exit_code == 0);
    std::string u = url.out;
    u.erase(u.find_last_not_of("\n") + 1);
    m_new_app = std::make_unique<pqxx::connection>(u);
  }

  void check_all(const std::string& phase, const std::string& new_cols, bool with_old) {
    CAPTURE(phase);
    for (const auto& [id, row] : m_rows) {
      check_row(id, new_cols, with_old);
    }
  }

  void check_row(int id, const std::string& new_cols, bool with_old) {
    const Row& row = m_rows[id];
    CAPTURE(id);
    const bool with_new = !new_cols.empty() && row.reached;
    if (with_old && new_cols != m_s.final_cols) {
      CHECK(m_db.value("SELECT " + text_of(m_s.old_cols) + " FROM t WHERE id = " +
                       std::to_string(id)) == row.old_side);
    }
    if (!with_new) {
      return;
    }
    CHECK(m_db.value("SELECT " + text_of(new_cols) + " FROM t WHERE id = " + std::to_string(id)) ==
          row.new_side);
  }

  const Scenario& m_s;
  itest::TestDb m_db;
  std::string m_plan;
  std::map<int, Row> m_rows;
  std::unique_ptr<pqxx::connection> m_old_app;
  std::unique_ptr<pqxx::connection> m_new_app;
};

// Rolls back a copy of `run`'s database as it is now: pg_dump --schema-only as `before`, and the
// old side of every row as written.
void rollback_copy(Run& run, const std::string& db_name, const std::string& before) {
  Run back(run, db_name);
  auto r = back.db().orchestrate({"rollback"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  back.check_old_side_only("rolled back");
  CHECK(back.db().dump() == before);
}

// A scenario through contract, the applications writing in every phase from dual-write on, and
// rolled back from transition (in a copy of its database there).
void run_scenario(const Scenario& s) {
  Run run(s, s.name);
  const std::string before = run.db().dump();
  run.start();
  run.next("expand");
  run.next("dual_write");
  run.write_phase("dual_write", 100, 1);
  run.next("backfill");
  run.write_phase("backfill", 200, 6);
  run.next("transition");
  run.write_phase("transition", 300, 11);
  rollback_copy(run, s.name + "_rb", before);
  run.next("done");
}

// Rollback after expand, dual-write and backfill (run_scenario covers transition), each in a copy
// of one database moved on a phase at a time, the applications writing in every phase reached.
void rollback_from_earlier_phases(const Scenario& s) {
  const char* phases[] = {"expand", "dual_write", "backfill"};
  Run run(s, s.name + "_early");
  const std::string before = run.db().dump();
  run.start();
  for (int i = 0; i < 3; ++i) {
    CAPTURE(phases[i]);
    run.next(phases[i]);
    if (i >= 1) {
      run.write_phase(phases[i], 100 * i, 1 + 5 * (i - 1));
    }
    rollback_copy(run, s.name + "_early_rb" + std::to_string(i + 1), before);
  }
}

// Writes of the dual-write phase (keys from 100) meet rows the backfill has not reached.
bool unreached(int base) {
  return base == 100;
}

Write old_w(const std::string& sql, int id, Row row) {
  return {false, sql, id, row};
}
Write new_w(const std::string& sql, int id, Row row) {
  return {true, sql, id, row};
}
Write new_refused(const std::string& sql, int id) {
  return {true, sql, id, std::nullopt};
}
Write old_refused(const std::string& sql, int id) {
  return {false, sql, id, std::nullopt};
}

} // namespace

TEST_SUITE_BEGIN("dual-write matrix");

TEST_CASE("rename_column: an exact round trip, every write kept on both sides") {
  Scenario s;
  s.name = "dw_rename";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, v text DEFAULT 'd', note text DEFAULT '');\n"
            "INSERT INTO t (id, v) SELECT i, 'pre' || i FROM generate_series(1, 20) i";
  s.plan = "name: rn\nchanges:\n  - rename_column: {table: t, from: v, to: w}\n";
  s.old_cols = "v";
  s.new_cols = "w";
  s.final_cols = "w";
  s.pre = [](int id) { return Row{"pre" + std::to_string(id), "pre" + std::to_string(id)}; };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id) VALUES ({id})", b + 1, {"d", "d"}),
        old_w("INSERT INTO t (id, v) VALUES ({id}, NULL)", b + 2, {"~", "~"}),
        old_w("INSERT INTO t (id, v) VALUES ({id}, 'd')", b + 3, {"d", "d"}),
        new_w("INSERT INTO t (id) VALUES ({id})", b + 4, {"d", "d"}),
        new_w("INSERT INTO t (id, w) VALUES ({id}, NULL)", b + 5, {"~", "~"}),
        new_w("INSERT INTO t (id, w) VALUES ({id}, 'd')", b + 6, {"d", "d"}),
        new_w("INSERT INTO t (id, w) VALUES ({id}, 'new')", b + 7, {"new", "new"}),
        old_w("UPDATE t SET v = 'old' WHERE id = {id}", p, {"old", "old"}),
        new_w("UPDATE t SET w = 'new' WHERE id = {id}", p + 1, {"new", "new"}),
        // Before the backfill the row shows NULL on the new side already: setting NULL changes
        // nothing, and the row gets its new side like any row a write reaches.
        new_w("UPDATE t SET w = NULL WHERE id = {id}", p + 2,
              unreached(b) ? Row{"pre" + std::to_string(p + 2), "pre" + std::to_string(p + 2)}
                           : Row{"~", "~"}),
        old_w("UPDATE t SET v = NULL WHERE id = {id}", b + 7, {"~", "~"}),
        // A statement that changes both sides: each application's own side is what it wrote.
        old_w("UPDATE t SET v = 'ob', w = 'ow' WHERE id = {id}", b + 1, {"ob", "ob"}),
        new_w("UPDATE public.t SET v = 'nv', w = 'nb' WHERE id = {id}", b + 4, {"nb", "nb"}),
    };
  };
  run_scenario(s);
}

TEST_CASE("change_type cents to dollars: defaults keep their meaning, 100.00 stays 100.00") {
  Scenario s;
  s.name = "dw_cents";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, price integer NOT NULL DEFAULT 100, "
            "note text DEFAULT '');\n"
            "INSERT INTO t (id, price) SELECT i, i * 7 FROM generate_series(1, 20) i";
  s.plan = "name: dollars\nchanges:\n  - change_type: {table: t, column: price, type: "
           "\"numeric(10,2)\",\n      up: \"price / 100.0\", down: \"round(price * 100)::integer\"}\n";
  s.old_cols = "price";
  s.new_cols = "_orc_new_price";
  s.final_cols = "price";
  s.pre = [](int id) {
    char dollars[32];
    std::snprintf(dollars, sizeof dollars, "%.2f", id * 7 / 100.0);
    return Row{std::to_string(id * 7), dollars};
  };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id) VALUES ({id})", b + 1, {"100", "1.00"}),
        old_w("INSERT INTO t (id, price) VALUES ({id}, 100)", b + 2, {"100", "1.00"}),
        // Through the version schema: price is the dollars column there.
        new_w("INSERT INTO t (id) VALUES ({id})", b + 3, {"100", "1.00"}),
        new_w("INSERT INTO t (id, price) VALUES ({id}, 100.00)", b + 4, {"10000", "100.00"}),
        new_w("INSERT INTO t (id, price) VALUES ({id}, 1.00)", b + 5, {"100", "1.00"}),
        new_refused("INSERT INTO t (id, price) VALUES ({id}, NULL)", b + 6),
        new_w("UPDATE t SET price = 9.99 WHERE id = {id}", p, {"999", "9.99"}),
        new_w("UPDATE t SET price = price + 1 WHERE id = {id}", p, {"1099", "10.99"}),
        old_w("UPDATE t SET price = 250 WHERE id = {id}", p + 1, {"250", "2.50"}),
        new_w("UPDATE t SET price = price * 2 WHERE id = {id}", b + 4, {"20000", "200.00"}),
        // A statement that changes both sides: each application's own side is what it wrote.
        old_w("UPDATE t SET price = 300, _orc_new_price = 7 WHERE id = {id}", b + 1,
              {"300", "3.00"}),
        new_w("UPDATE public.t SET price = 1, _orc_new_price = 4.56 WHERE id = {id}", b + 3,
              {"456", "4.56"}),
    };
  };
  run_scenario(s);
}

TEST_CASE("change_type with a lossy down: the new application's 9.99 is never rounded away") {
  Scenario s;
  s.name = "dw_round";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, qty integer, note text DEFAULT '');\n"
            "INSERT INTO t (id, qty) SELECT i, i FROM generate_series(1, 20) i";
  s.plan = "name: qty-numeric\nchanges:\n  - change_type: {table: t, column: qty, type: "
           "\"numeric(10,2)\", down: \"round(qty)::integer\"}\n";
  s.old_cols = "qty";
  s.new_cols = "_orc_new_qty";
  s.final_cols = "qty";
  s.pre = [](int id) { return Row{std::to_string(id), std::to_string(id) + ".00"}; };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id) VALUES ({id})", b + 1, {"~", "~"}),
        old_w("INSERT INTO t (id, qty) VALUES ({id}, 5)", b + 2, {"5", "5.00"}),
        new_w("INSERT INTO t (id) VALUES ({id})", b + 3, {"~", "~"}),
        new_w("INSERT INTO t (id, qty) VALUES ({id}, NULL)", b + 4, {"~", "~"}),
        new_w("INSERT INTO t (id, qty) VALUES ({id}, 9.99)", b + 5, {"10", "9.99"}),
        new_w("UPDATE t SET qty = 9.99 WHERE id = {id}", p, {"10", "9.99"}),
        new_w("UPDATE t SET qty = qty + 1 WHERE id = {id}", p, {"11", "10.99"}),
        old_w("UPDATE t SET qty = 7 WHERE id = {id}", p + 1, {"7", "7.00"}),
        new_w("UPDATE t SET qty = NULL WHERE id = {id}", p + 2,
              unreached(b) ? Row{std::to_string(p + 2), std::to_string(p + 2) + ".00"}
                           : Row{"~", "~"}),
        old_w("UPDATE t SET qty = qty + 1 WHERE id = {id}", b + 5, {"11", "11.00"}),
    };
  };
  run_scenario(s);
}

TEST_CASE("split_column (plans/007): Jean Luc Picard and Prince survive unrelated updates") {
  Scenario s;
  s.name = "dw_split";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, note text DEFAULT '');\n"
            "INSERT INTO t (id, name) SELECT i, 'First' || i || ' Last' || i FROM "
            "generate_series(1, 20) i";
  s.plan = R"yaml(name: split
changes:
  - split_column:
      table: t
      from: name
      into:
        - {name: first_name, type: text, up: "split_part(name, ' ', 1)"}
        - {name: last_name, type: text, up: "nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')"}
      down: "concat_ws(' ', first_name, last_name)"
)yaml";
  s.old_cols = "name";
  s.new_cols = "first_name, last_name";
  s.final_cols = "first_name, last_name";
  s.pre = [](int id) {
    const auto i = std::to_string(id);
    return Row{"First" + i + " Last" + i, "First" + i + "|Last" + i};
  };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id, name) VALUES ({id}, 'Jean Luc Picard')", b + 1,
              {"Jean Luc Picard", "Jean|Luc Picard"}),
        new_w("INSERT INTO t (id, first_name, last_name) VALUES ({id}, 'Jean Luc', 'Picard')",
              b + 2, {"Jean Luc Picard", "Jean Luc|Picard"}),
        new_w("INSERT INTO t (id, first_name, last_name) VALUES ({id}, NULL, 'Prince')", b + 3,
              {"Prince", "~|Prince"}),
        new_w("INSERT INTO t (id, first_name) VALUES ({id}, 'Cher')", b + 4, {"Cher", "Cher|~"}),
        old_w("INSERT INTO t (id, name) VALUES ({id}, '')", b + 5, {"", "|~"}),
        new_w("UPDATE t SET last_name = 'Riker' WHERE id = {id}", p, {"First" + std::to_string(p) + " Riker",
                                                                       "First" + std::to_string(p) + "|Riker"}),
        old_w("UPDATE t SET name = 'William T Riker' WHERE id = {id}", p + 1,
              {"William T Riker", "William|T Riker"}),
        new_w("UPDATE t SET first_name = NULL WHERE id = {id}", b + 2, {"Picard", "~|Picard"}),
    };
  };
  run_scenario(s);
}

TEST_CASE("merge_columns (plans/011): an explicit NULL stays NULL") {
  Scenario s;
  s.name = "dw_merge";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, first_name text, last_name text, "
            "note text DEFAULT '');\n"
            "INSERT INTO t (id, first_name, last_name) SELECT i, 'F' || i, 'L' || i FROM "
            "generate_series(1, 20) i";
  s.plan = R"yaml(name: merge
changes:
  - merge_columns:
      table: t
      from: [first_name, last_name]
      into: {name: display_name, type: text, up: "concat_ws(' ', first_name, last_name)"}
      down:
        first_name: "split_part(display_name, ' ', 1)"
        last_name: "nullif(substr(display_name, length(split_part(display_name, ' ', 1)) + 2), '')"
)yaml";
  s.old_cols = "first_name, last_name";
  s.new_cols = "display_name";
  s.final_cols = "display_name";
  s.pre = [](int id) {
    const auto i = std::to_string(id);
    return Row{"F" + i + "|L" + i, "F" + i + " L" + i};
  };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        new_w("INSERT INTO t (id, display_name) VALUES ({id}, NULL)", b + 1, {"~|~", "~"}),
        new_w("INSERT INTO t (id) VALUES ({id})", b + 2, {"~|~", "~"}),
        new_w("INSERT INTO t (id, display_name) VALUES ({id}, 'Jean Luc Picard')", b + 3,
              {"Jean|Luc Picard", "Jean Luc Picard"}),
        old_w("INSERT INTO t (id) VALUES ({id})", b + 4, {"~|~", ""}),
        old_w("INSERT INTO t (id, first_name) VALUES ({id}, 'Cher')", b + 5, {"Cher|~", "Cher"}),
        new_w("UPDATE t SET display_name = NULL WHERE id = {id}", p,
              unreached(b) ? Row{"F" + std::to_string(p) + "|L" + std::to_string(p),
                                 "F" + std::to_string(p) + " L" + std::to_string(p)}
                           : Row{"~|~", "~"}),
        old_w("UPDATE t SET last_name = 'Data' WHERE id = {id}", p + 1,
              {"F" + std::to_string(p + 1) + "|Data", "F" + std::to_string(p + 1) + " Data"}),
    };
  };
  run_scenario(s);
}

TEST_CASE("set_not_null: the old application keeps its NULL, the new one sees the fill") {
  Scenario s;
  s.name = "dw_notnull";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, email text, note text DEFAULT '');\n"
            "INSERT INTO t (id, email) SELECT i, CASE WHEN i % 2 = 0 THEN 'u' || i END FROM "
            "generate_series(1, 20) i";
  s.plan = "name: email-nn\nchanges:\n  - set_not_null: {table: t, column: email, fill: "
           "\"'unknown'\"}\n";
  s.old_cols = "email";
  s.new_cols = "_orc_new_email";
  s.final_cols = "email";
  s.pre = [](int id) {
    return id % 2 == 0 ? Row{"u" + std::to_string(id), "u" + std::to_string(id)}
                       : Row{"~", "unknown"};
  };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id) VALUES ({id})", b + 1, {"~", "unknown"}),
        old_w("INSERT INTO t (id, email) VALUES ({id}, 'unknown')", b + 2, {"unknown", "unknown"}),
        new_w("INSERT INTO t (id, email) VALUES ({id}, 'a@b')", b + 3, {"a@b", "a@b"}),
        new_refused("INSERT INTO t (id, email) VALUES ({id}, NULL)", b + 4),
        new_refused("INSERT INTO t (id) VALUES ({id})", b + 5),
        old_w("UPDATE t SET email = NULL WHERE id = {id}", p + 1, {"~", "unknown"}),
        new_w("UPDATE t SET email = 'n@b' WHERE id = {id}", p, {"n@b", "n@b"}),
    };
  };
  run_scenario(s);
}

TEST_CASE("drop_not_null: the new application's NULL is kept, the old one reads down") {
  Scenario s;
  s.name = "dw_dropnn";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, email text NOT NULL, note text DEFAULT '');\n"
            "INSERT INTO t (id, email) SELECT i, 'u' || i FROM generate_series(1, 20) i";
  s.plan = "name: email-null\nchanges:\n  - drop_not_null: {table: t, column: email, down: "
           "\"'unknown'\"}\n";
  s.old_cols = "email";
  s.new_cols = "_orc_new_email";
  s.final_cols = "email";
  s.pre = [](int id) { return Row{"u" + std::to_string(id), "u" + std::to_string(id)}; };
  s.writes = [](int b, int p) {
    const std::string pre2 = "u" + std::to_string(p + 2);
    return std::vector<Write>{
        old_w("INSERT INTO t (id, email) VALUES ({id}, 'o@b')", b + 1, {"o@b", "o@b"}),
        old_refused("INSERT INTO t (id) VALUES ({id})", b + 2),
        old_w("INSERT INTO t (id, email) VALUES ({id}, 'unknown')", b + 3, {"unknown", "unknown"}),
        new_w("INSERT INTO t (id, email) VALUES ({id}, NULL)", b + 4, {"unknown", "~"}),
        new_w("INSERT INTO t (id) VALUES ({id})", b + 5, {"unknown", "~"}),
        // A value equal to what down gives a NULL is stored as written.
        new_w("INSERT INTO t (id, email) VALUES ({id}, 'unknown')", b + 6, {"unknown", "unknown"}),
        new_w("INSERT INTO t (id, email) VALUES ({id}, 'n@b')", b + 7, {"n@b", "n@b"}),
        new_w("UPDATE t SET email = NULL WHERE id = {id}", b + 7, {"unknown", "~"}),
        // The old application writes over the new one's NULL: both sides take its value.
        old_w("UPDATE t SET email = 'back' WHERE id = {id}", b + 7, {"back", "back"}),
        old_refused("UPDATE t SET email = NULL WHERE id = {id}", b + 1),
        new_w("UPDATE t SET email = 'n2' WHERE id = {id}", p, {"n2", "n2"}),
        old_w("UPDATE t SET email = 'o2' WHERE id = {id}", p + 1, {"o2", "o2"}),
        // Before the backfill the new side of a row nobody reached reads NULL already: setting
        // NULL changes nothing, and the row gets its new side like any row a write reaches.
        new_w("UPDATE t SET email = NULL WHERE id = {id}", p + 2,
              unreached(b) ? Row{pre2, pre2} : Row{"unknown", "~"}),
    };
  };
  run_scenario(s);
}

TEST_CASE("drop_constraint with down: the new application's -3 is kept, the old one reads 0") {
  Scenario s;
  s.name = "dw_dropcheck";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, qty int NOT NULL CONSTRAINT qty_nonneg CHECK "
            "(qty >= 0), note text DEFAULT '');\n"
            "INSERT INTO t (id, qty) SELECT i, i FROM generate_series(1, 20) i";
  s.plan = "name: qty-signed\nchanges:\n  - drop_constraint: {table: t, name: qty_nonneg, "
           "columns: [qty], down: \"GREATEST(qty, 0)\"}\n";
  s.old_cols = "qty";
  s.new_cols = "_orc_new_qty";
  s.final_cols = "qty";
  s.pre = [](int id) { return Row{std::to_string(id), std::to_string(id)}; };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id, qty) VALUES ({id}, 5)", b + 1, {"5", "5"}),
        // The old application's column keeps its constraint until contract.
        old_refused("INSERT INTO t (id, qty) VALUES ({id}, -1)", b + 2),
        new_w("INSERT INTO t (id, qty) VALUES ({id}, -3)", b + 3, {"0", "-3"}),
        new_w("INSERT INTO t (id, qty) VALUES ({id}, 0)", b + 4, {"0", "0"}),
        new_w("INSERT INTO t (id, qty) VALUES ({id}, 7)", b + 5, {"7", "7"}),
        // NOT NULL stays on both sides.
        new_refused("INSERT INTO t (id) VALUES ({id})", b + 6),
        new_w("UPDATE t SET qty = -5 WHERE id = {id}", p, {"0", "-5"}),
        old_w("UPDATE t SET qty = 9 WHERE id = {id}", b + 3, {"9", "9"}),
        old_refused("UPDATE t SET qty = -2 WHERE id = {id}", p + 1),
        new_w("UPDATE t SET qty = -1 WHERE id = {id}", b + 5, {"0", "-1"}),
    };
  };
  run_scenario(s);
}

TEST_CASE("add_check with up: rows that break the check are rewritten on the new side only") {
  Scenario s;
  s.name = "dw_checkfix";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, qty int NOT NULL, note text DEFAULT '');\n"
            "INSERT INTO t (id, qty) SELECT i, i * 10 FROM generate_series(1, 20) i";
  s.plan = "name: qty-small\nchanges:\n  - add_check: {table: t, name: qty_small, check: \"qty "
           "<= 100\", column: qty, up: \"LEAST(qty, 100)\"}\n";
  s.old_cols = "qty";
  s.new_cols = "_orc_new_qty";
  s.final_cols = "qty";
  s.pre = [](int id) {
    return Row{std::to_string(id * 10), std::to_string(std::min(id * 10, 100))};
  };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        // The old application still writes what the check refuses; the new side gets up of it.
        old_w("INSERT INTO t (id, qty) VALUES ({id}, 500)", b + 1, {"500", "100"}),
        old_w("INSERT INTO t (id, qty) VALUES ({id}, 50)", b + 2, {"50", "50"}),
        new_w("INSERT INTO t (id, qty) VALUES ({id}, 70)", b + 3, {"70", "70"}),
        new_refused("INSERT INTO t (id, qty) VALUES ({id}, 150)", b + 4),
        new_w("UPDATE t SET qty = 90 WHERE id = {id}", p, {"90", "90"}),
        old_w("UPDATE t SET qty = 300 WHERE id = {id}", p + 1, {"300", "100"}),
        new_refused("UPDATE t SET qty = 101 WHERE id = {id}", p + 2),
    };
  };
  run_scenario(s);
}

TEST_CASE("set_not_null with up and down: every value rewritten each way, NULL refused") {
  Scenario s;
  s.name = "dw_notnull_updown";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, email text, note text DEFAULT '');\n"
            "INSERT INTO t (id, email) SELECT i, CASE WHEN i % 2 = 0 THEN 'U' || i END FROM "
            "generate_series(1, 20) i";
  s.plan = "name: email-lower\nchanges:\n  - set_not_null: {table: t, column: email, up: "
           "\"COALESCE(lower(email), 'none')\", down: \"upper(email)\"}\n";
  s.old_cols = "email";
  s.new_cols = "_orc_new_email";
  s.final_cols = "email";
  s.pre = [](int id) {
    return id % 2 == 0 ? Row{"U" + std::to_string(id), "u" + std::to_string(id)}
                       : Row{"~", "none"};
  };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id, email) VALUES ({id}, 'AB')", b + 1, {"AB", "ab"}),
        old_w("INSERT INTO t (id) VALUES ({id})", b + 2, {"~", "none"}),
        new_w("INSERT INTO t (id, email) VALUES ({id}, 'cd')", b + 3, {"CD", "cd"}),
        new_refused("INSERT INTO t (id, email) VALUES ({id}, NULL)", b + 4),
        new_w("UPDATE t SET email = 'xy' WHERE id = {id}", p, {"XY", "xy"}),
        old_w("UPDATE t SET email = NULL WHERE id = {id}", p + 1, {"~", "none"}),
    };
  };
  run_scenario(s);
}

// t.nick added with `fill: lower(name)` and the options given.
Scenario nick(const std::string& name, const std::string& options) {
  Scenario s;
  s.name = name;
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, name text, note text DEFAULT '');\n"
            "INSERT INTO t (id, name) SELECT i, 'Name' || i FROM generate_series(1, 20) i";
  s.plan = "name: " + name + "\nchanges:\n  - add_column: {table: t, column: nick, type: text, "
           "fill: \"lower(name)\"" + options + "}\n";
  s.old_cols = "name";
  s.new_cols = "nick";
  s.final_cols = "nick";
  s.pre = [](int id) { return Row{"Name" + std::to_string(id), "name" + std::to_string(id)}; };
  return s;
}

TEST_CASE("add_column with a fill, nullable: the new application's NULL is kept") {
  Scenario s = nick("dw_fill", "");
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id, name) VALUES ({id}, 'Bob')", b + 1, {"Bob", "bob"}),
        new_w("INSERT INTO t (id, name, nick) VALUES ({id}, 'Al', NULL)", b + 2, {"Al", "~"}),
        new_w("INSERT INTO t (id, name) VALUES ({id}, 'Al')", b + 3, {"Al", "~"}),
        new_w("INSERT INTO t (id, name, nick) VALUES ({id}, 'Al', 'al')", b + 4, {"Al", "al"}),
        new_w("UPDATE t SET nick = NULL WHERE id = {id}", p,
              {"Name" + std::to_string(p), unreached(b) ? "name" + std::to_string(p) : "~"}),
        // name is no side of this change: the fill is given once, never recomputed.
        old_w("UPDATE t SET name = 'Zed' WHERE id = {id}", p,
              {"Zed", unreached(b) ? "name" + std::to_string(p) : "~"}),
        new_w("UPDATE t SET nick = 'z' WHERE id = {id}", b + 1, {"Bob", "z"}),
    };
  };
  run_scenario(s);
}

TEST_CASE("add_column with a fill, NOT NULL: an explicit NULL is refused before and after") {
  Scenario s = nick("dw_fill_nn", ", default: \"'x'\", nullable: false");
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id, name) VALUES ({id}, 'Bob')", b + 1, {"Bob", "x"}),
        new_w("INSERT INTO t (id, name) VALUES ({id}, 'Al')", b + 2, {"Al", "x"}),
        new_refused("INSERT INTO t (id, name, nick) VALUES ({id}, 'Al', NULL)", b + 3),
        new_w("INSERT INTO t (id, name, nick) VALUES ({id}, 'Al', 'x')", b + 4, {"Al", "x"}),
        new_refused("UPDATE t SET nick = NULL WHERE id = {id}", b + 4),
        new_w("UPDATE t SET nick = 'n' WHERE id = {id}", p + 1, {"Name" + std::to_string(p + 1), "n"}),
    };
  };
  run_scenario(s);
}

namespace {

Scenario unique_fix() {
  Scenario s;
  s.name = "dw_uniquefix";
  s.setup = "CREATE TABLE t (id int PRIMARY KEY, code text, note text DEFAULT '');\n"
            "INSERT INTO t (id, code) SELECT i, 'c' || (i % 10) FROM generate_series(1, 20) i";
  s.plan = "name: code-unique\nchanges:\n  - add_unique: {table: t, name: t_code_key, columns: "
           "[code], column: code, up: \"code || '-' || id\"}\n";
  s.old_cols = "code";
  s.new_cols = "_orc_new_code";
  s.final_cols = "code";
  s.pre = [](int id) {
    const std::string code = "c" + std::to_string(id % 10);
    return Row{code, code + "-" + std::to_string(id)};
  };
  s.writes = [](int b, int p) {
    const std::string mine = "n" + std::to_string(b);
    const auto id = [](int i) { return std::to_string(i); };
    return std::vector<Write>{
        // The old application writes the same code twice; up makes each unique.
        old_w("INSERT INTO t (id, code) VALUES ({id}, 'dup')", b + 1, {"dup", "dup-" + id(b + 1)}),
        old_w("INSERT INTO t (id, code) VALUES ({id}, 'dup')", b + 2, {"dup", "dup-" + id(b + 2)}),
        new_w("INSERT INTO t (id, code) VALUES ({id}, '" + mine + "')", b + 3, {mine, mine}),
        // The new side's key refuses the new application's duplicate.
        new_refused("INSERT INTO t (id, code) VALUES ({id}, '" + mine + "')", b + 4),
        new_w("INSERT INTO t (id, code) VALUES ({id}, NULL)", b + 5, {"~", "~"}),
        new_w("UPDATE t SET code = '" + mine + "u' WHERE id = {id}", p, {mine + "u", mine + "u"}),
        old_w("UPDATE t SET code = 'dup' WHERE id = {id}", p + 1, {"dup", "dup-" + id(p + 1)}),
        new_refused("UPDATE t SET code = '" + mine + "' WHERE id = {id}", b + 5),
    };
  };
  return s;
}

} // namespace

TEST_CASE("add_unique with up: the old application keeps its duplicates, the new side is "
          "unique") {
  run_scenario(unique_fix());
}

TEST_CASE("add_unique with up: rollback from expand, dual-write and backfill") {
  rollback_from_earlier_phases(unique_fix());
}

namespace {

Scenario foreign_key_fix() {
  Scenario s;
  s.name = "dw_fkfix";
  s.setup = "CREATE TABLE parent (id int PRIMARY KEY);\n"
            "INSERT INTO parent SELECT generate_series(1, 5);\n"
            "CREATE TABLE t (id int PRIMARY KEY, pid int, note text DEFAULT '');\n"
            "INSERT INTO t (id, pid) SELECT i, i FROM generate_series(1, 20) i";
  s.plan = "name: pid-fk\nchanges:\n  - add_foreign_key: {table: t, name: t_pid_fkey, columns: "
           "[pid], references: {table: parent, columns: [id]}, column: pid, up: \"(SELECT "
           "p.id FROM parent p WHERE p.id = pid)\"}\n";
  s.old_cols = "pid";
  s.new_cols = "_orc_new_pid";
  s.final_cols = "pid";
  s.pre = [](int id) { return Row{std::to_string(id), id <= 5 ? std::to_string(id) : "~"}; };
  s.writes = [](int b, int p) {
    return std::vector<Write>{
        old_w("INSERT INTO t (id, pid) VALUES ({id}, 99)", b + 1, {"99", "~"}),
        old_w("INSERT INTO t (id, pid) VALUES ({id}, 3)", b + 2, {"3", "3"}),
        new_w("INSERT INTO t (id, pid) VALUES ({id}, 4)", b + 3, {"4", "4"}),
        new_refused("INSERT INTO t (id, pid) VALUES ({id}, 99)", b + 4),
        new_w("INSERT INTO t (id) VALUES ({id})", b + 5, {"~", "~"}),
        new_w("UPDATE t SET pid = 2 WHERE id = {id}", p, {"2", "2"}),
        old_w("UPDATE t SET pid = 77 WHERE id = {id}", p + 1, {"77", "~"}),
        new_refused("UPDATE t SET pid = 42 WHERE id = {id}", b + 3),
        old_w("UPDATE t SET pid = 1 WHERE id = {id}", b + 1, {"1", "1"}),
    };
  };
  return s;
}

} // namespace

TEST_CASE("add_foreign_key with up: the old application keeps its orphans, the new side names "
          "rows") {
  run_scenario(foreign_key_fix());
}

TEST_CASE("add_foreign_key with up: rollback from expand, dual-write and backfill") {
  rollback_from_earlier_phases(foreign_key_fix());
}

TEST_CASE("alter_column type and references with up: one shadow column of the new type "
          "carries the foreign key") {
  Scenario s = foreign_key_fix();
  s.name = "dw_alter_fk";
  s.plan = "name: pid-bigint-fk\nchanges:\n  - alter_column: {table: t, column: pid, type: "
           "bigint, references: {table: parent, column: id, name: t_pid_fkey}, up: \"(SELECT "
           "p.id FROM parent p WHERE p.id = pid)\", down: pid::integer}\n";
  run_scenario(s);
}

TEST_SUITE_END();

} // namespace test_dual_write_matrix
