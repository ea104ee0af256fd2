// surrogate_key under both applications writing: the old one writes orders.customer_email and
// reviews.author_email (the natural key), the new one (connected with `orchestrate url`) writes
// orders.customer_id and reviews.author_id (the surrogate). After every write both sides of
// every row are checked exactly: the natural key as its writer wrote it (or as the surrogate the
// new application wrote stands for), the surrogate as the one of that customer, and every
// customer keeps the surrogate it got first. Rollback from every phase must leave pg_dump and
// every table's rows as they were written.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "fixture.hpp"

namespace test_surrogate_key {

namespace {

constexpr const char* k_setup = R"SQL(
DROP TABLE users;
CREATE TABLE customers (email text PRIMARY KEY, name text NOT NULL, note text DEFAULT '');
CREATE TABLE orders (id int PRIMARY KEY,
                     customer_email text NOT NULL REFERENCES customers (email)
                       ON UPDATE CASCADE ON DELETE CASCADE,
                     note text DEFAULT '');
CREATE TABLE reviews (id int PRIMARY KEY,
                      author_email text REFERENCES customers (email) ON UPDATE CASCADE
                        ON DELETE SET NULL,
                      note text DEFAULT '');
INSERT INTO customers (email, name) SELECT 'c' || i, 'n' || i FROM generate_series(1, 20) i;
INSERT INTO orders (id, customer_email) SELECT i, 'c' || (i % 20 + 1) FROM generate_series(1, 40) i;
INSERT INTO reviews (id, author_email)
  SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'c' || (i % 20 + 1) END FROM generate_series(1, 20) i;
)SQL";

constexpr const char* k_plan = "name: sk\nchanges:\n  - surrogate_key: {table: customers}\n";

// One referencing row: the customer it points at (nullopt: none), and whether its surrogate
// side is set yet (a row nobody wrote since expand has none until the backfill).
struct Ref {
  std::optional<std::string> email;
  bool reached = true;
};

struct Side {
  const char* table;
  const char* old_column;
  const char* new_column;
};

constexpr Side k_orders{"orders", "customer_email", "customer_id"};
constexpr Side k_reviews{"reviews", "author_email", "author_id"};

std::string literal(const std::optional<std::string>& v) {
  return v ? "'" + *v + "'" : "NULL";
}

class Run {
public:
  explicit Run(const std::string& name) : m_db(name, 0) {
    m_db.exec(k_setup);
    pqxx::connection c(m_db.url());
    pqxx::work tx(c);
    for (const auto& row : tx.exec("SELECT email FROM customers")) {
      m_customers[row[0].as<std::string>()] = std::nullopt;
    }
    for (const Side* s : {&k_orders, &k_reviews}) {
      for (const auto& row : tx.exec(std::string("SELECT id, ") + s->old_column + " FROM " +
                                     s->table)) {
        Ref r;
        if (!row[1].is_null()) {
          r.email = row[1].as<std::string>();
        }
        r.reached = false;
        rows(*s)[row[0].as<int>()] = r;
      }
    }
    m_plan = m_db.write_plan("plan.yaml", k_plan);
  }

  itest::TestDb& db() { return m_db; }

  void next(const std::string& phase) {
    auto r = phase == "start" ? m_db.orchestrate({"start", m_plan}) : m_db.orchestrate({"next"});
    INFO(phase << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    if (phase == "backfill") {
      for (const Side* s : {&k_orders, &k_reviews}) {
        for (auto& [id, ref] : rows(*s)) {
          ref.reached = true;
        }
      }
    }
    m_contracted = phase == "contract";
    m_old_app = std::make_unique<pqxx::connection>(m_db.url());
    std::string u = m_db.url();
    if (!m_contracted) {
      auto url = m_db.orchestrate({"url"});
      REQUIRE(url.exit_code == 0);
      u = url.out;
      u.erase(u.find_last_not_of("\n") + 1);
    }
    m_new_app = std::make_unique<pqxx::connection>(u);
    check_all(phase);
  }

  void exec(bool new_app, const std::string& sql) {
    CAPTURE(sql);
    CAPTURE(new_app);
    pqxx::work tx(new_app ? *m_new_app : *m_old_app);
    tx.exec(sql);
    tx.commit();
  }

  std::string query(bool new_app, const std::string& sql) {
    CAPTURE(sql);
    pqxx::work tx(new_app ? *m_new_app : *m_old_app);
    auto r = tx.exec1(sql);
    tx.commit();
    return r[0].is_null() ? "~" : r[0].as<std::string>();
  }

  // The old application writes the natural key of a row (inserting it when new).
  void old_writes(const Side& s, int id, const std::optional<std::string>& email) {
    auto& m = rows(s);
    const std::string key = std::to_string(id);
    if (m.count(id) == 0) {
      exec(false, std::string("INSERT INTO ") + s.table + " (id, " + s.old_column + ") VALUES (" +
                      key + ", " + literal(email) + ")");
    } else {
      exec(false, std::string("UPDATE ") + s.table + " SET " + s.old_column + " = " +
                      literal(email) + " WHERE id = " + key);
    }
    m[id] = {email, true};
    check(s, id);
  }

  // The new application writes the surrogate of `email`'s customer (inserting the row when new).
  void new_writes(const Side& s, int id, const std::optional<std::string>& email) {
    auto& m = rows(s);
    const std::string key = std::to_string(id);
    const std::string value = email ? surrogate(*email) : "NULL";
    REQUIRE(value != "~");
    if (m.count(id) == 0) {
      exec(true, std::string("INSERT INTO ") + s.table + " (id, " + s.new_column + ") VALUES (" +
                     key + ", " + value + ")");
    } else {
      exec(true, std::string("UPDATE ") + s.table + " SET " + s.new_column + " = " + value +
                     " WHERE id = " + key);
    }
    m[id] = {email, true};
    check(s, id);
  }

  // The new application adds a customer: its surrogate comes from the column's default.
  std::string new_customer(const std::string& email) {
    const std::string id = query(true, "INSERT INTO customers (email, name) VALUES ('" + email +
                                           "', 'new') RETURNING id");
    CHECK(id != "~");
    m_customers[email] = id;
    return id;
  }

  // The surrogate of a customer as the new application reads it.
  std::string surrogate(const std::string& email) {
    return query(true, "SELECT id FROM customers WHERE email = '" + email + "'");
  }

  void write_phase(const std::string& phase, int b) {
    CAPTURE(phase);
    const std::string fresh = "n" + std::to_string(b);
    new_customer(fresh);
    if (!m_contracted) {
      old_writes(k_orders, b + 1, std::string("c3"));
      old_writes(k_reviews, b + 1, std::string("c4"));
      old_writes(k_reviews, b + 2, std::nullopt);
      old_writes(k_orders, b % 40 + 1, std::string(fresh));
      old_writes(k_reviews, b % 20 + 1, std::string("c7"));
    }
    new_writes(k_orders, b + 3, fresh);
    new_writes(k_reviews, b + 3, fresh);
    new_writes(k_reviews, b + 4, std::nullopt);
    if (phase != "dual_write") {
      // From the backfill on, every customer has its surrogate.
      new_writes(k_orders, b % 40 + 2, std::string("c9"));
      new_writes(k_reviews, b % 20 + 2, std::string("c9"));
    }
    // Unrelated updates by each application to every row: nothing changes.
    for (bool new_app : {false, true}) {
      exec(new_app, "UPDATE orders SET note = note || 'x'");
      exec(new_app, "UPDATE reviews SET note = note || 'x'");
      exec(new_app, "UPDATE customers SET note = note || 'x'");
    }
    check_all(phase + " after unrelated updates");
  }

  // The old application changes a customer's email: ON UPDATE CASCADE carries it into the
  // natural-key columns, and the surrogates stay.
  void old_renames_customer(const std::string& from, const std::string& to) {
    exec(false, "UPDATE customers SET email = '" + to + "' WHERE email = '" + from + "'");
    m_customers[to] = m_customers[from];
    m_customers.erase(from);
    for (const Side* s : {&k_orders, &k_reviews}) {
      for (auto& [id, ref] : rows(*s)) {
        if (ref.email == from) {
          ref.email = to;
        }
      }
    }
    check_all("customer renamed");
  }

  // The old application deletes a customer: its orders go, its reviews keep no author.
  void old_deletes_customer(const std::string& email) {
    exec(false, "DELETE FROM customers WHERE email = '" + email + "'");
    m_customers.erase(email);
    std::erase_if(m_orders, [&](const auto& e) { return e.second.email == email; });
    for (auto& [id, ref] : m_reviews) {
      if (ref.email == email) {
        ref.email = std::nullopt;
      }
    }
    check_all("customer deleted");
  }

  void check_all(const std::string& when) {
    CAPTURE(when);
    for (const Side* s : {&k_orders, &k_reviews}) {
      CHECK(m_db.value(std::string("SELECT count(*) FROM ") + s->table) ==
            std::to_string(rows(*s).size()));
      for (const auto& [id, ref] : rows(*s)) {
        check(*s, id);
      }
    }
    CHECK(m_db.value("SELECT count(*) FROM customers") == std::to_string(m_customers.size()));
    if (m_db.value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'customers'::regclass "
                   "AND attname = 'id' AND NOT attisdropped") == "0") {
      return;
    }
    // A customer keeps the surrogate it got first.
    for (auto& [email, id] : m_customers) {
      CAPTURE(email);
      const std::string now = m_db.value("SELECT coalesce(id::text, '~') FROM customers WHERE "
                                         "email = '" + email + "'");
      if (id) {
        CHECK(now == *id);
      } else if (now != "~") {
        id = now;
      }
    }
  }

  // The rows of every table as the old application reads them.
  std::string rows_text() const {
    std::string out;
    for (const auto& [email, id] : m_customers) {
      out += email + ",";
    }
    for (const Side* s : {&k_orders, &k_reviews}) {
      for (const auto& [id, ref] : s == &k_orders ? m_orders : m_reviews) {
        out += std::to_string(id) + ":" + ref.email.value_or("~") + ",";
      }
    }
    return out;
  }

  std::string rows_in_db() const {
    return m_db.value("SELECT string_agg(email || ',', '' ORDER BY email) FROM customers") +
           m_db.value("SELECT string_agg(id || ':' || coalesce(customer_email, '~') || ',', '' "
                      "ORDER BY id) FROM orders") +
           m_db.value("SELECT string_agg(id || ':' || coalesce(author_email, '~') || ',', '' "
                      "ORDER BY id) FROM reviews");
  }

private:
  std::map<int, Ref>& rows(const Side& s) { return &s == &k_orders ? m_orders : m_reviews; }

  void check(const Side& s, int id) {
    CAPTURE(s.table);
    CAPTURE(id);
    const Ref& ref = rows(s)[id];
    const std::string key = std::to_string(id);
    if (!m_contracted) {
      CHECK(m_db.value(std::string("SELECT coalesce(") + s.old_column + ", '~') FROM " + s.table +
                       " WHERE id = " + key) == ref.email.value_or("~"));
    }
    const bool has_new = m_db.value(std::string("SELECT count(*) FROM pg_attribute WHERE "
                                                 "attrelid = '") +
                                     s.table + "'::regclass AND attname = '" + s.new_column +
                                     "' AND NOT attisdropped") == "1";
    if (has_new && ref.reached) {
      const std::string expected =
          ref.email ? m_db.value("SELECT coalesce(id::text, '~') FROM customers WHERE email = '" +
                                 *ref.email + "'")
                    : "~";
      if (ref.email) {
        CHECK(expected != "~"); // a customer a row points at has its surrogate
      }
      CHECK(m_db.value(std::string("SELECT coalesce(") + s.new_column + "::text, '~') FROM " +
                       s.table + " WHERE id = " + key) == expected);
    }
  }

  itest::TestDb m_db;
  std::string m_plan;
  std::map<std::string, std::optional<std::string>> m_customers; // email -> surrogate once seen
  std::map<int, Ref> m_orders;
  std::map<int, Ref> m_reviews;
  bool m_contracted = false;
  std::unique_ptr<pqxx::connection> m_old_app;
  std::unique_ptr<pqxx::connection> m_new_app;
};

} // namespace

TEST_SUITE_BEGIN("surrogate_key");

TEST_CASE("surrogate_key: the old application writes the natural key, the new one the "
          "surrogate, in every phase, and both sides hold exactly what was written") {
  Run run("sk_life");
  run.next("start");
  run.next("expand");
  run.next("dual_write");
  run.write_phase("dual_write", 100);
  run.next("backfill");
  run.write_phase("backfill", 200);
  run.old_renames_customer("c5", "c5-renamed");
  run.old_deletes_customer("c6");
  run.next("transition");
  run.write_phase("transition", 300);
  run.next("contract");
  auto& db = run.db();
  CHECK(db.value("SELECT count(*) FROM pg_attribute WHERE attrelid IN ('orders'::regclass, "
                 "'reviews'::regclass) AND (attname IN ('customer_email', 'author_email') OR "
                 "attname LIKE '\\_orc\\_%') AND NOT attisdropped") == "0");
  CHECK(db.value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                 "'customers'::regclass AND contype = 'p'") == "PRIMARY KEY (id)");
  CHECK(db.value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                 "'customers'::regclass AND contype = 'u'") == "UNIQUE (email)");
  CHECK(db.value("SELECT attidentity FROM pg_attribute WHERE attrelid = 'customers'::regclass "
                 "AND attname = 'id'") == "d");
  CHECK(db.value("SELECT string_agg(pg_get_constraintdef(oid), ' | ' ORDER BY conname) FROM "
                 "pg_constraint WHERE contype = 'f'") ==
        "FOREIGN KEY (customer_id) REFERENCES customers(id) ON UPDATE CASCADE ON DELETE CASCADE | "
        "FOREIGN KEY (author_id) REFERENCES customers(id) ON UPDATE CASCADE ON DELETE SET NULL");
  CHECK(db.value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass AND "
                 "attname = 'customer_id'") == "t");
  CHECK(db.value("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_orc\\_%'") == "0");
  CHECK(db.value("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_orc\\_%'") == "0");
  // New customers continue after the highest surrogate.
  CHECK(db.value("SELECT (SELECT max(id) FROM customers) < nextval(pg_get_serial_sequence("
                 "'customers', 'id'))") == "t");
  run.write_phase("done", 400);
}

TEST_CASE("surrogate_key: rollback from every phase leaves pg_dump and every row as written") {
  const char* phases[] = {"expand", "dual_write", "backfill", "transition"};
  for (int reached = 0; reached < 4; ++reached) {
    CAPTURE(phases[reached]);
    Run run(std::string("sk_rb_") + phases[reached]);
    const std::string before = run.db().dump();
    run.next("start");
    for (int i = 0; i <= reached; ++i) {
      run.next(phases[i]);
    }
    if (reached >= 1) {
      run.write_phase(phases[reached], 100);
    }
    auto r = run.db().orchestrate({"rollback"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(run.db().dump() == before);
    CHECK(run.rows_in_db() == run.rows_text());
  }
}

TEST_CASE("surrogate_key: the dual-write gate's probes pass while the application holds the "
          "first row locked, without waiting for it") {
  Run run("sk_locked");
  run.next("start");
  run.next("expand");
  run.next("dual_write");
  auto& db = run.db();
  // The first order gets its surrogate side (and its customer a surrogate), then the
  // application keeps that row locked in an open transaction.
  db.exec("UPDATE orders SET note = 'reached' WHERE id = 1");
  pqxx::connection app(db.url());
  pqxx::work held(app);
  held.exec("UPDATE orders SET note = 'held' WHERE id = 1");
  // A probe that wrote row 1 would wait for the lock (500 ms) and fail; one that read row 1
  // before an application's write committed would write a value the row already has.
  auto r = db.orchestrate({"verify"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  held.commit();
  CHECK(db.value("SELECT note || ' ' || customer_email || ' ' || (customer_id = (SELECT id FROM "
                 "customers WHERE email = customer_email)) FROM orders WHERE id = 1") ==
        "held c2 true");
  r = db.orchestrate({"verify"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("surrogate_key: validate refuses values that name no row and a natural key with NULLs, "
          "touching nothing") {
  itest::TestDb db("sk_validate", 0);
  db.exec("DROP TABLE users;\n"
          "CREATE TABLE customers (email text PRIMARY KEY);\n"
          "INSERT INTO customers VALUES ('a'), ('b');\n"
          "CREATE TABLE orders (id int PRIMARY KEY, customer_email text);\n"
          "INSERT INTO orders VALUES (1, 'a'), (2, 'gone'), (3, NULL);\n"
          "ALTER TABLE orders ADD FOREIGN KEY (customer_email) REFERENCES customers (email) "
          "NOT VALID;\n"
          "CREATE TABLE codes (code text UNIQUE, label text);\n"
          "INSERT INTO codes VALUES ('x', 'X'), (NULL, 'no code');\n"
          "CREATE TABLE items (id int PRIMARY KEY, code text REFERENCES codes (code));\n");
  const std::string before = db.dump();
  const std::string orphans = db.write_plan(
      "orphans.yaml", "name: orphans\nchanges:\n  - surrogate_key: {table: customers}\n");
  auto r = db.orchestrate({"validate", orphans});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("1 existing rows would be refused (orders.customer_email values that name no "
                   "row of customers, e.g. 'gone'; first key [2])") != std::string::npos);
  const std::string nulls = db.write_plan(
      "nulls.yaml", "name: nulls\nchanges:\n  - surrogate_key: {table: codes, column: code_id}\n");
  r = db.orchestrate({"validate", nulls});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("rows of codes without a code") != std::string::npos);
  CHECK(db.orchestrate({"start", nulls}).exit_code == 2);
  CHECK(db.dump() == before);
}

TEST_SUITE_END();

} // namespace test_surrogate_key
