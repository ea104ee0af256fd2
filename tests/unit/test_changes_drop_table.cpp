#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_drop_table {

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_drop_table");

TEST_CASE("expand hides the table behind a view of its old name, contract drops both") {
  auto w = render("  - drop_table: {table: accounts}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].in_transaction);
  CHECK(expand.steps[0].sql.find("ALTER TABLE \"public\".\"accounts\" RENAME TO "
                                 "\"_orc_dropped_accounts\";\n    CREATE VIEW \"public\".\"accounts\" "
                                 "AS SELECT * FROM \"public\".\"_orc_dropped_accounts\"") !=
        std::string::npos);
  // The view carries the table's owner and privileges, table- and column-level.
  CHECK(expand.steps[0].sql.find("ALTER VIEW %s OWNER TO %s") != std::string::npos);
  CHECK(expand.steps[0].sql.find("aclexplode(t.attacl)") != std::string::npos);
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(has_check(w.at(p), "drop_table.accounts.view"));
    CHECK(rollback_has(w, p, "ALTER TABLE \"public\".\"_orc_dropped_accounts\" RENAME TO "
                             "\"accounts\""));
  }
  const auto& c = w.at(Phase::contract);
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].sql == "DROP VIEW IF EXISTS \"public\".\"accounts\";\n"
                          "DROP TABLE IF EXISTS \"public\".\"_orc_dropped_accounts\"");
  CHECK(has_check(c, "drop_table.accounts.gone"));
}

TEST_CASE("drop_table refuses a table other tables' foreign keys point at") {
  CHECK(plan_error("  - drop_table: {table: users}\n").find("accounts_user_id_fkey") !=
        std::string::npos);
  CHECK(plan_error("  - drop_table: {table: nope}\n").find("does not exist") != std::string::npos);
}

TEST_CASE("a later change cannot use a dropped table") {
  CHECK(plan_error("  - drop_table: {table: logs}\n"
                   "  - add_column: {table: logs, column: x, type: text}\n")
            .find("conflicting changes") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_drop_table
