#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

namespace test_changes_drop_constraint {

using namespace kinds_data;

namespace {
const std::string k_check = "drop_constraint: {table: accounts, name: accounts_balance_check}";
const std::string k_moving =
    "drop_constraint: {table: accounts, name: accounts_balance_check, columns: [balance], "
    "down: \"GREATEST(balance, -999)\"}";
} // namespace

TEST_SUITE_BEGIN("changes_drop_constraint");

TEST_CASE("without up/down nothing changes before contract, which drops the constraint") {
  for (const std::string& change :
       {k_check, std::string("drop_constraint: {table: users, name: users_email_key, columns: "
                             "[email]}")}) {
    CAPTURE(change);
    PlanWork work = render(change);
    for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
      CHECK(work.at(p).steps.empty());
      CHECK(work.rollback[static_cast<int>(p)].empty());
    }
    // Nothing is versioned: the column keeps its data and its name.
    CHECK(work.version_schema.empty());
  }
  PlanWork work = render(k_check);
  const auto& c = work.at(Phase::contract);
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].sql ==
        "ALTER TABLE \"public\".\"accounts\" DROP CONSTRAINT IF EXISTS \"accounts_balance_check\"");
  CHECK(has_check(c, "drop_constraint.accounts.accounts_balance_check.gone"));
}

TEST_CASE("with down, the column moves to a shadow column without the constraint") {
  PlanWork work = render(k_moving);
  const auto& e = work.at(Phase::expand);
  CHECK(has_step(e, "ADD COLUMN IF NOT EXISTS \"_orc_new_balance\" integer"));
  // The column's index is rebuilt on the shadow column; the constraint dropped is not.
  CHECK(has_step(work.at(Phase::backfill),
                 "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"_orc_accounts_balance_idx\""));
  CHECK_FALSE(has_step(work.at(Phase::dual_write), "_orc_accounts_balance_check"));
  CHECK(work.version_schema == "p");
  const std::string& sync = work.at(Phase::dual_write).steps[0].sql;
  CHECK(sync.find("_up0 := NEW.\"balance\"") != std::string::npos);
  CHECK(sync.find("_down0 := (GREATEST(balance, -999))") != std::string::npos);
  // NOT NULL carries over.
  CHECK(has_step(work.at(Phase::dual_write), "CHECK (\"_orc_new_balance\" IS NOT NULL) NOT VALID"));
  const std::string& swap = work.at(Phase::contract).steps[0].sql;
  CHECK(swap.find("DROP COLUMN IF EXISTS \"balance\"") <
        swap.find("RENAME COLUMN \"_orc_new_balance\" TO \"balance\""));
  CHECK(swap.find("RENAME TO \"accounts_balance_idx\"") != std::string::npos);
  CHECK(swap.find("accounts_balance_check") == std::string::npos);
}

TEST_CASE("with up, the old application's writes reach the shadow column through it") {
  PlanWork work = render("drop_constraint: {table: accounts, name: accounts_balance_check, "
                         "columns: [balance], up: \"balance * 2\", down: \"balance / 2\"}");
  CHECK(work.at(Phase::backfill).backfills[0].assignments ==
        "\"_orc_new_balance\" = (balance * 2), \"_orc_side_accounts_balance\" = 'b'");
}

TEST_CASE("is refused for a constraint the table does not have, naming those it has") {
  std::string c = "drop_constraint: {table: accounts, name: nope}";
  CHECK(error_of(c) == at(c, "nope") + ": drop_constraint: accounts has no constraint named nope "
                                       "(its constraints: accounts_balance_check (check))");
  c = "drop_constraint: {table: acounts, name: x}";
  CHECK(error_of(c) == at(c, "acounts") + ": table public.acounts does not exist");
  c = "drop_constraint: {table: users, name: users_email_key, columns: [name]}";
  CHECK(error_of(c) == at(c, "name]") + ": drop_constraint: columns [name] are not those of "
                                        "unique constraint users_email_key ([email])");
  c = "drop_constraint: {table: accounts, name: accounts_balance_check, columns: [balance], "
      "up: balance}";
  CHECK(error_of(c).find(at(c, "balance}") + ": drop_constraint: 'down' is required with 'up'") ==
        0);
  c = "drop_constraint: {table: accounts, name: accounts_balance_check, down: balance}";
  CHECK(error_of(c).find(at(c, "balance}") + ": drop_constraint: up/down move the data of one "
                                             "column") == 0);
  c = "drop_constraint: {table: accounts, name: accounts_balance_check, columns: [id], down: id}";
  CHECK(error_of(c).find(at(c, "id]") + ": drop_constraint: accounts.id") == 0);
}

TEST_SUITE_END();

} // namespace test_changes_drop_constraint
