// Constraint names as PostgreSQL scopes them: a check or foreign key name another table uses
// is accepted and the plan runs; a unique constraint's name that a relation holds is refused
// before anything runs.
#include <doctest/doctest.h>

#include "fixture.hpp"
#include "app/writer.hpp"

namespace test_kinds_names {

TEST_SUITE_BEGIN("kinds_names");

TEST_CASE("a check or foreign key may reuse another table's constraint name, a unique may not") {
  itest::TestDb db("names_scope", 200);
  db.exec("CREATE TABLE orgs (id bigint PRIMARY KEY, owner_id bigint, "
          "CONSTRAINT fk_users_id FOREIGN KEY (owner_id) REFERENCES users (id), "
          "CONSTRAINT positive_id CHECK (id > 0)); "
          "ALTER TABLE users ADD COLUMN org_id bigint; CREATE SEQUENCE users_note_seq");
  example::WriterOptions o;
  o.url = db.url();
  example::Writer app(o);
  app.start(example::Version::old_app);
  const std::string plan = db.write_plan(
      "names.yaml", "name: names\nchanges:\n"
                    "  - add_check: {table: users, name: positive_id, check: id > 0}\n"
                    "  - add_foreign_key: {table: users, name: fk_users_id, columns: [org_id], "
                    "references: {table: orgs, columns: [id]}}\n");
  auto r = db.orchestrate({"validate", plan});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
  for (int i = 0; i < 5; ++i) {
    r = db.orchestrate({"next"});
    INFO(i << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  app.stop();
  CHECK(app.errors() == 0);
  CHECK(db.value("SELECT count(*) FROM pg_constraint WHERE conname IN ('positive_id', "
                 "'fk_users_id') AND convalidated") == "4");
  // A unique constraint builds an index: a sequence's name is taken for it.
  const std::string taken = db.write_plan(
      "taken.yaml", "name: taken\nchanges:\n"
                    "  - add_unique: {table: users, name: users_note_seq, columns: [email]}\n");
  r = db.orchestrate({"validate", taken});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("taken.yaml:3:38: add_unique: the name users_note_seq is already taken") !=
        std::string::npos);
}

TEST_SUITE_END();

} // namespace test_kinds_names
