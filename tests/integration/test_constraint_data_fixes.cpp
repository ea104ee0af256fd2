// validate for the data fixes of add_unique and add_foreign_key: the rows `up` still leaves
// duplicated or orphaned are counted with an example key, and nothing changes.
#include <doctest/doctest.h>

#include "fixture.hpp"

namespace test_constraint_data_fixes {

TEST_SUITE_BEGIN("constraint data fixes");

TEST_CASE("validate counts the duplicates and orphans up leaves, with an example key") {
  itest::TestDb db("fix_validate", 0);
  db.exec("CREATE TABLE parent (id int PRIMARY KEY); INSERT INTO parent SELECT "
          "generate_series(1, 5); CREATE TABLE t (id int PRIMARY KEY, code text, pid int); "
          "INSERT INTO t SELECT i, 'c' || (i % 10), i FROM generate_series(1, 20) i");
  const std::string before = db.dump();
  auto r = db.orchestrate({"validate", db.write_plan("u.yaml", R"yaml(name: u
changes:
  - add_unique: {table: t, name: t_code_key, columns: [code], column: code, up: "lower(code)"}
)yaml")});
  CHECK_MESSAGE(r.exit_code == 2, r.err);
  CHECK_MESSAGE(r.err.find("u.yaml:3:81: add_unique.t_code_key: 20 existing rows would be "
                           "refused (a key up gives to more than one row; first key [\"c0\"])") !=
                    std::string::npos,
                r.err);
  r = db.orchestrate({"validate", db.write_plan("f.yaml", R"yaml(name: f
changes:
  - add_foreign_key: {table: t, name: t_pid_fkey, columns: [pid], references: {table: parent, columns: [id]}, column: pid, up: "pid + 1"}
)yaml")});
  CHECK_MESSAGE(r.exit_code == 2, r.err);
  CHECK(r.err.find("f.yaml:3:128: add_foreign_key.t_pid_fkey: 16 existing rows would be refused "
                   "(a reference up gives that names no row of parent; first key [") !=
        std::string::npos);
  // The up that fixes them passes.
  r = db.orchestrate({"validate", db.write_plan("ok.yaml", R"yaml(name: ok
changes:
  - add_unique: {table: t, name: t_code_key, columns: [code], column: code, up: "code || id"}
  - add_foreign_key: {table: t, name: t_pid_fkey, columns: [pid], references: {table: parent, columns: [id]}, column: pid, up: "(SELECT p.id FROM parent p WHERE p.id = pid)"}
)yaml")});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(db.dump() == before);
}

TEST_SUITE_END();

} // namespace test_constraint_data_fixes
