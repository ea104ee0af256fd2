#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

namespace test_changes_drop_not_null {

using namespace kinds_data;

namespace {
const std::string k_change = "drop_not_null: {table: accounts, column: balance, down: \"-1\"}";
}

TEST_SUITE_BEGIN("changes_drop_not_null");

TEST_CASE("expand adds a nullable temporary column of the same type, default and twins") {
  PlanWork work = render(k_change);
  const auto& e = work.at(Phase::expand);
  CHECK(has_step(e, "ALTER TABLE \"public\".\"accounts\"\n  ADD COLUMN IF NOT EXISTS "
                    "\"_orc_new_balance\" integer,\n  ALTER COLUMN \"_orc_new_balance\" SET "
                    "DEFAULT 0"));
  CHECK(has_step(e, "ADD COLUMN IF NOT EXISTS \"_orc_side_accounts_balance\" \"char\" NOT NULL "
                    "DEFAULT '0'"));
  // The plain index after the copy, the copied check in dual-write after the trigger.
  CHECK(has_step(work.at(Phase::backfill),
                 "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"_orc_accounts_balance_idx\" ON "
                 "\"public\".\"accounts\" USING btree (\"_orc_new_balance\")"));
  CHECK(has_step(work.at(Phase::dual_write),
                 "ADD CONSTRAINT \"_orc_accounts_balance_check\" CHECK "
                 "((\"_orc_new_balance\" > '-1000'::integer)) NOT VALID"));
  CHECK_FALSE(has_step(e, "ADD CONSTRAINT"));
  CHECK(work.version_schema == "p");
}

TEST_CASE("the trigger copies up as it is and gives the old column down where the new is NULL") {
  PlanWork work = render(k_change);
  const auto& dw = work.at(Phase::dual_write);
  const std::string& sync = dw.steps[0].sql;
  CHECK(sync.find("_up0 := NEW.\"balance\"") != std::string::npos);
  CHECK(sync.find("_down0 := (COALESCE(\"balance\", (-1)))") != std::string::npos);
  // The new application's "balance" is the temporary column.
  CHECK(sync.find("\"balance\" integer := NEW.\"_orc_new_balance\"") != std::string::npos);
  // No NOT NULL check on the temporary column: the new application may write NULL.
  CHECK_FALSE(has_step(dw, "IS NOT NULL) NOT VALID"));
  CHECK(has_step(dw, "\"_orc_new_balance\" AS \"balance\""));
  CHECK(has_check(dw, "drop_not_null.accounts.balance.probe_new_to_old"));
}

TEST_CASE("backfill copies the column, the gate checks rows the new application wrote by down") {
  PlanWork work = render(k_change);
  const auto& bf = work.at(Phase::backfill);
  REQUIRE(bf.backfills.size() == 1);
  CHECK(bf.backfills[0].assignments ==
        "\"_orc_new_balance\" = \"balance\", \"_orc_side_accounts_balance\" = 'b'");
  CHECK(bf.backfills[0].differs == "\"_orc_side_accounts_balance\" = '0'");
  CHECK(bf.backfills[0].invalid.find("WHEN 'n' THEN (\"balance\" IS DISTINCT FROM (SELECT "
                                     "CAST((COALESCE(\"balance\", (-1))) AS integer)") !=
        std::string::npos);
}

TEST_CASE("transition sets no NOT NULL, contract swaps the columns and keeps the names") {
  PlanWork work = render(k_change);
  const auto& tr = work.at(Phase::transition);
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"_orc_accounts_balance_check\""));
  CHECK_FALSE(has_step(tr, "SET NOT NULL"));
  CHECK_FALSE(has_check(tr, "drop_not_null.accounts.balance.not_null"));
  const auto& c = work.at(Phase::contract);
  REQUIRE(c.steps.size() == 2);
  const std::string& swap = c.steps[0].sql;
  CHECK(swap.find("DROP COLUMN IF EXISTS \"balance\"") <
        swap.find("RENAME COLUMN \"_orc_new_balance\" TO \"balance\""));
  CHECK(swap.find("ALTER INDEX \"public\".\"_orc_accounts_balance_idx\" RENAME TO "
                  "\"accounts_balance_idx\"") != std::string::npos);
  CHECK(swap.find("RENAME CONSTRAINT \"_orc_accounts_balance_check\" TO "
                  "\"accounts_balance_check\"") != std::string::npos);
}

TEST_CASE("rollback drops the version schema, then the trigger and the temporary column") {
  PlanWork work = render(k_change);
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition}) {
    const auto& steps = work.rollback[static_cast<int>(p)];
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].sql.find("DROP SCHEMA IF EXISTS \"p\"") != std::string::npos);
    CHECK(steps[1].sql.find("DROP TRIGGER IF EXISTS") <
          steps[1].sql.find("DROP COLUMN IF EXISTS \"_orc_new_balance\""));
  }
}

TEST_CASE("is refused without down, for a nullable column and for a key column") {
  std::string c = "drop_not_null: {table: accounts, column: balance}";
  CHECK(error_of(c).find(at(c, "{") + ": drop_not_null: 'down' is required: the old application reads "
                         "accounts.balance as NOT NULL until contract") == 0);
  c = "drop_not_null: {table: accounts, column: balance, down: \"\"}";
  CHECK(error_of(c).find(at(c, "\"\"") + ": drop_not_null: 'down' is required") == 0);
  c = "drop_not_null: {table: users, column: email, down: \"''\"}";
  CHECK(error_of(c) == at(c, "email,") + ": drop_not_null: users.email is nullable already");
  c = "drop_not_null: {table: users, column: id, down: \"0\"}";
  CHECK(error_of(c).find(at(c, "id,") + ": drop_not_null: users.id is part of the primary key") ==
        0);
  c = "drop_not_null: {table: users, column: name, down: \"''\", fill: x}";
  CHECK(error_of(c).find("unknown key 'fill'") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_drop_not_null
