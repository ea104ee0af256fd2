#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

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

TEST_CASE("rollback drops the view and renames the table back") {
  PlanWork work = render("rename_table: {from: users, to: members}");
  const auto& rb = work.rollback[static_cast<int>(Phase::transition)];
  REQUIRE(rb.size() == 2);
  CHECK(rb[0].sql.find("relkind = 'v'") != std::string::npos);
  CHECK(rb[1].sql.find("ALTER TABLE \"public\".\"members\" RENAME TO \"users\"") !=
        std::string::npos);
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
