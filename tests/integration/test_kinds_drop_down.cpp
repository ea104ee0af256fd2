// drop_column with `down`: the old application, which runs until contract, reads down's value
// in the rows the new application inserts without the column; what it wrote itself is kept.
#include <doctest/doctest.h>

#include "fixture.hpp"
#include "kinds_lifecycle.hpp"

namespace test_kinds_drop_down {

using namespace kinds_lifecycle;

namespace {

// Each application inserts a user and updates its name; the old one (through its version
// schema, which still shows legacy_code) then reads the dropped column of both its own rows
// and the new application's.
void probe_legacy(App& app, int phase, Expected& expected) {
  const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
  const long long id = std::stoll(app.run("INSERT INTO users (name, phone_number) VALUES ($1, "
                                          "$2) RETURNING id",
                                          "probe " + who, "+1 " + who));
  app.run("UPDATE users SET name = $1 WHERE id = $2 RETURNING id", "probe " + who + " b", id);
  expected.rows[id] = {{"name", "probe " + who + " b"}};
  if (phase == 5) {
    return; // the column is gone
  }
  // The new application exists from the end of dual-write: its inserts get down of the row it
  // inserted (its name then); its UPDATE leaves the column alone. Before, a session marked as
  // the new application is not told apart by anything but its marker, so it gets down too from
  // dual-write on, when the trigger is installed.
  const bool computed = app.new_app() && phase >= 2;
  const std::string want = computed ? "N-probe " + who : "none";
  CHECK(app.run("SELECT legacy_code FROM public.users WHERE id = $1", id) == want);
  if (!app.new_app()) {
    // The old application writes the column itself; a later write of the new one keeps it.
    app.run("UPDATE users SET legacy_code = $1 WHERE id = $2 RETURNING id", "L-" + who, id);
    CHECK(app.run("SELECT legacy_code FROM public.users WHERE id = $1", id) == "L-" + who);
  }
}

} // namespace

TEST_SUITE_BEGIN("kinds_drop_down");

TEST_CASE("drop_column with down: the old application reads down's value in the new "
          "application's inserts, while both write") {
  Kind k{.tag = "drop_down",
         .setup = "ALTER TABLE users ADD COLUMN legacy_code text NOT NULL DEFAULT 'none';",
         .plan = "  - drop_column: {table: users, column: legacy_code, down: \"'N-' || name\"}\n"};
  k.probe = probe_legacy;
  k.after_phase = [](const itest::TestDb& db, int phase) {
    CHECK(db.value("SELECT count(*) FROM pg_trigger WHERE tgname = "
                   "'_orc_down_users_legacy_code'") == (phase >= 2 && phase < 5 ? "1" : "0"));
    CHECK(db.value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND "
                   "attname = 'legacy_code' AND NOT attisdropped") == (phase < 5 ? "1" : "0"));
    if (phase >= 2 && phase < 5) {
      // NOT NULL stays for the old application.
      CHECK(db.value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass "
                     "AND attname = 'legacy_code'") == "t");
      // The new application's writer inserts through its schema, which has no legacy_code:
      // every row it inserted holds down of its name.
      CHECK(db.value("SELECT count(*) FROM users WHERE legacy_code NOT IN ('none') AND "
                     "legacy_code NOT LIKE 'L-%' AND legacy_code <> 'N-' || name AND name NOT "
                     "LIKE 'probe %'") == "0");
    }
  };
  lifecycle(k);
  rollback_from_each_phase(k);
}

TEST_CASE("drop_column with down: validate compiles down over the new application's row") {
  itest::TestDb db("drop_down_bad", 10);
  db.exec("ALTER TABLE users ADD COLUMN legacy_code text");
  const std::string before = db.dump();
  auto r = db.orchestrate({"validate", db.write_plan("p.yaml", "name: p\nchanges:\n"
                                                               "  - drop_column: {table: users, "
                                                               "column: legacy_code, down: "
                                                               "legacy_code || 'x'}\n")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("p.yaml:3:60: drop_column.down: column \"legacy_code\" does not exist "
                   "[42703]") != std::string::npos);
  CHECK(db.dump() == before);
}

TEST_SUITE_END();

} // namespace test_kinds_drop_down
