#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

namespace test_changes_rename_table {

using namespace kinds_data;

TEST_SUITE_BEGIN("changes_rename_table");

TEST_CASE("expand renames and leaves an updatable view under the old name, in one step") {
  PlanWork work = render("rename_table: {from: users, to: members}");
  const auto& e = work.at(Phase::expand);
  REQUIRE(e.steps.size() == 1);
  CHECK(e.steps[0].sql.find("ALTER TABLE \"public\".\"users\" RENAME TO \"members\";\n"
                            "    CREATE VIEW \"public\".\"users\" AS SELECT \"id\", \"name\", "
                            "\"email\", \"nickname\" FROM \"public\".\"members\"") !=
        std::string::npos);
  CHECK(has_check(e, "rename_table.users.members.view"));
  CHECK(work.version_schema.empty());
}

TEST_CASE("the middle phases pass at once, contract drops the view") {
  PlanWork work = render("rename_table: {from: users, to: members}");
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(work.at(p).steps.empty());
    CHECK(work.at(p).gate.empty());
    CHECK(work.at(p).backfills.empty());
  }
  CHECK(has_step(work.at(Phase::contract), "DROP VIEW \"public\".\"users\""));
  CHECK(has_check(work.at(Phase::contract), "rename_table.users.members.old_name_gone"));
}

TEST_CASE("rollback drops the view and renames the table back in one transaction") {
  PlanWork work = render("rename_table: {from: users, to: members}");
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    const auto& rb = work.rollback[static_cast<int>(p)];
    REQUIRE(rb.size() == 1);
    CHECK(rb[0].in_transaction);
    CHECK(rb[0].sql.find("relkind = 'v'") != std::string::npos);
    CHECK(rb[0].sql.find("DROP VIEW IF EXISTS \"public\".\"users\";\n    ALTER TABLE "
                         "\"public\".\"members\" RENAME TO \"users\"") != std::string::npos);
  }
}

TEST_CASE("the view under the old name gets the table's owner and privileges") {
  PlanWork work = render("rename_table: {from: users, to: members}");
  const std::string& sql = work.at(Phase::expand).steps[0].sql;
  CHECK(sql.find("ALTER VIEW %s OWNER TO %s") != std::string::npos);
  CHECK(sql.find("aclexplode(c.relacl)") != std::string::npos);
  CHECK(sql.find("aclexplode(t.attacl)") != std::string::npos);
}

TEST_CASE("another change of the renamed table in the same plan is refused as a conflict") {
  try {
    parse_plan_text("name: p\nchanges:\n  - rename_table: {from: accounts, to: wallets}\n"
                    "  - change_type: {table: wallets, column: balance, type: bigint}\n",
                    "p.yaml");
    FAIL("expected a conflict");
  } catch (const PlanError& e) {
    CHECK(e.line() == 4);
    CHECK(std::string(e.message()).find("conflicting changes") != std::string::npos);
  }
}

TEST_CASE("is refused at the offending field") {
  std::string c = "rename_table: {from: user, to: members}";
  CHECK(error_of(c) == at(c, "user") + ": table public.user does not exist");
  c = "rename_table: {from: users, to: accounts}";
  CHECK(error_of(c) == at(c, "accounts") + ": rename_table: table public.accounts already exists");
}

TEST_SUITE_END();

} // namespace test_changes_rename_table
