// Two changes of one table that each copy into a new column, in one plan: their copies run as
// one pass that writes both new columns into a row at once. Apart, each copy would write a row
// version whose other new column is still empty, and the other change's NOT NULL check (NOT
// VALID, yet applied to every new row version) would refuse it.
#include <doctest/doctest.h>

#include "fixture.hpp"
#include "kinds_lifecycle.hpp"

namespace test_one_table_copies {

using namespace kinds_lifecycle;

namespace {

const char* const k_setup =
    "ALTER TABLE users ADD COLUMN score integer;\n"
    "UPDATE users SET score = CASE WHEN id % 10 = 0 THEN NULL ELSE id % 5 END;";

// score becomes text without an `up` (the integer converts as an assignment would), email
// becomes NOT NULL through a shadow column that up fills. The order matters: the first copy
// meets the second change's NOT NULL check.
const char* const k_plan =
    "  - change_type: {table: users, column: score, type: text, down: \"score::integer\"}\n"
    "  - set_not_null: {table: users, column: email, up: \"COALESCE(email, 'none')\",\n"
    "                   down: email}\n";

// Each application inserts a row with a score and changes the score; the old one leaves email
// out (up makes it 'none' in the new column), the new one writes it.
void probe_score(App& app, int phase, Expected& expected) {
  const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
  const std::string score = std::to_string(phase * 10 + (app.new_app() ? 1 : 0));
  const long long id = std::stoll(
      app.new_app()
          ? app.run("INSERT INTO users (name, phone_number, email, score) VALUES ($1, $2, $3, "
                    "$4) RETURNING id",
                    "probe " + who, "+1 " + who, who + "@example.com", "7")
          : app.run("INSERT INTO users (name, phone_number, score) VALUES ($1, $2, $3) "
                    "RETURNING id",
                    "probe " + who, "+1 " + who, "7"));
  app.run("UPDATE users SET score = $1 WHERE id = $2 RETURNING id", score, id);
  // email is left out: the new application's writer updates any row's email, these included,
  // and its own record of them is checked.
  expected.rows[id] = {{"score", score}};
}

} // namespace

TEST_SUITE_BEGIN("one_table_copies");

TEST_CASE("two shadow-column changes of one table in one plan copy in one pass and keep every "
          "write of both applications") {
  Kind k{.tag = "two_shadows", .setup = k_setup, .plan = k_plan};
  k.probe = probe_score;
  k.after_phase = [](const itest::TestDb& db, int phase) {
    if (phase == 3) {
      // The seeded rows: each column copied, neither changed.
      CHECK(db.value("SELECT count(*) FROM users WHERE id <= 500 AND _orc_new_score IS "
                     "DISTINCT FROM score::text") == "0");
      CHECK(db.value("SELECT count(*) FROM users WHERE _orc_new_email IS NULL") == "0");
    }
    if (phase == 5) {
      CHECK(db.value("SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull FROM "
                     "pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'score'") ==
            "text false");
      CHECK(db.value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass "
                     "AND attname = 'email'") == "t");
      CHECK(db.value("SELECT count(*) FROM users WHERE id <= 500 AND score IS DISTINCT FROM "
                     "(CASE WHEN id % 10 = 0 THEN NULL ELSE (id % 5)::text END)") == "0");
    }
  };
  lifecycle(k);
}

TEST_CASE("two shadow-column changes of one table: plan shows one copy that sets both") {
  itest::TestDb db("two_shadows_plan", 10);
  db.exec(k_setup);
  auto r = db.orchestrate(
      {"plan", db.write_plan("two.yaml", std::string("name: two\nchanges:\n") + k_plan)});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("CASE WHEN") != std::string::npos);
  CHECK(r.out.find("CAST((\"score\") AS text)") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_one_table_copies
