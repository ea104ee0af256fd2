#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

namespace test_changes_change_type {

using namespace kinds_data;

namespace {
const std::string k_change =
    "change_type: {table: accounts, column: balance, type: bigint, up: 'balance::bigint', "
    "down: 'balance::integer'}";
}

TEST_SUITE_BEGIN("changes_change_type");

TEST_CASE("expand adds the temporary column with the default as the new type and twins") {
  PlanWork work = render(k_change);
  const auto& e = work.at(Phase::expand);
  // The default means what it meant: up of the old default (balance::bigint of 0).
  CHECK(has_step(e, "ALTER TABLE \"public\".\"accounts\"\n  ADD COLUMN IF NOT EXISTS "
                    "\"_orc_new_balance\" bigint,\n  ALTER COLUMN \"_orc_new_balance\" SET DEFAULT "
                    "(0)::bigint"));
  // The marker column: which side last wrote each row.
  CHECK(has_step(e, "ADD COLUMN IF NOT EXISTS \"_orc_side_accounts_balance\" \"char\" NOT NULL "
                    "DEFAULT '0'"));
  // The plain index on the new column is built after the copy.
  CHECK_FALSE(has_step(e, "\"_orc_accounts_balance_idx\""));
  CHECK(has_step(work.at(Phase::backfill),
                 "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"_orc_accounts_balance_idx\" ON "
                 "\"public\".\"accounts\" USING btree (\"_orc_new_balance\")"));
  // The copied check comes in dual-write, after the trigger.
  CHECK_FALSE(has_step(e, "ADD CONSTRAINT"));
  CHECK(has_step(work.at(Phase::dual_write),
                 "ADD CONSTRAINT \"_orc_accounts_balance_check\" CHECK "
                 "((\"_orc_new_balance\" > '-1000'::integer)) NOT VALID"));
  CHECK(has_check(e, "change_type.accounts.balance.column"));
}

TEST_CASE("dual-write syncs both ways with the plan's expressions and opens the version schema") {
  PlanWork work = render(k_change);
  CHECK(work.version_schema == "p");
  const auto& dw = work.at(Phase::dual_write);
  REQUIRE(dw.steps.size() == 4);
  CHECK(dw.steps[0].sql.find("_up0 := (balance::bigint)") != std::string::npos);
  CHECK(dw.steps[0].sql.find("_down0 := (balance::integer)") != std::string::npos);
  // The new application's "balance" is the temporary column, read into the variable "balance".
  CHECK(dw.steps[0].sql.find("\"balance\" bigint := NEW.\"_orc_new_balance\"") !=
        std::string::npos);
  // The plan's expressions resolve the same for every client, whatever its search_path.
  CHECK(dw.steps[0].sql.find("LANGUAGE plpgsql SET search_path = pg_catalog, \"public\" AS") !=
        std::string::npos);
  // NOT NULL carries over through a NOT VALID check, after the trigger.
  CHECK(dw.steps[1].sql.find("CHECK (\"_orc_new_balance\" IS NOT NULL) NOT VALID") !=
        std::string::npos);
  // The view shows the final shape: the temporary column under the final name, last step.
  CHECK(dw.steps.back().sql.rfind(
            "CREATE SCHEMA IF NOT EXISTS \"p\";\nCREATE OR REPLACE VIEW \"p\".\"accounts\" AS "
            "SELECT \"id\", \"user_id\", \"_orc_new_balance\" AS \"balance\" FROM "
            "\"public\".\"accounts\";\n",
            0) == 0);
  // An application with its own role may use the view as it uses the table.
  CHECK(dw.steps.back().sql.find("aclexplode") != std::string::npos);
  CHECK(dw.steps.back().sql.find("GRANT USAGE ON SCHEMA \"p\" TO PUBLIC") != std::string::npos);
  CHECK(has_check(dw, "version_schema.view.p.accounts"));
  CHECK(has_check(dw, "change_type.accounts.balance.probe_new_to_old"));
}

TEST_CASE("backfill evaluates up over the old row") {
  PlanWork work = render(k_change);
  const auto& bf = work.at(Phase::backfill);
  REQUIRE(bf.backfills.size() == 1);
  CHECK(bf.backfills[0].assignments ==
        "\"_orc_new_balance\" = (balance::bigint), \"_orc_side_accounts_balance\" = 'b'");
  // It copies only rows nobody reached; the gate checks each row against the side that wrote it.
  CHECK(bf.backfills[0].differs == "\"_orc_side_accounts_balance\" = '0'");
  CHECK(bf.backfills[0].invalid.find("WHEN 'n' THEN (\"balance\" IS DISTINCT FROM (SELECT "
                                     "CAST((balance::integer) AS integer)") != std::string::npos);
}

TEST_CASE("transition validates the twins and sets NOT NULL on the temporary column") {
  PlanWork work = render(k_change);
  const auto& tr = work.at(Phase::transition);
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"_orc_nn_accounts_balance\""));
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"_orc_accounts_balance_check\""));
  CHECK(has_step(tr, "ALTER COLUMN \"_orc_new_balance\" SET NOT NULL"));
}

TEST_CASE("contract swaps the columns in one guarded step, then drops the version schema") {
  PlanWork work = render(k_change);
  const auto& c = work.at(Phase::contract);
  REQUIRE(c.steps.size() == 2);
  const std::string& swap = c.steps[0].sql;
  CHECK(c.steps[0].in_transaction);
  CHECK(swap.find("DROP TRIGGER IF EXISTS \"_orc_sync_upd_accounts_balance\"") !=
        std::string::npos);
  CHECK(swap.find("attname = '_orc_new_balance'") != std::string::npos);
  CHECK(swap.find("DROP COLUMN IF EXISTS \"balance\"") <
        swap.find("RENAME COLUMN \"_orc_new_balance\" TO \"balance\""));
  CHECK(swap.find("DROP COLUMN IF EXISTS \"_orc_side_accounts_balance\"") != std::string::npos);
  CHECK(swap.find("ALTER INDEX \"public\".\"_orc_accounts_balance_idx\" RENAME TO "
                  "\"accounts_balance_idx\"") != std::string::npos);
  CHECK(swap.find("RENAME CONSTRAINT \"_orc_accounts_balance_check\" TO "
                  "\"accounts_balance_check\"") != std::string::npos);
  CHECK(c.steps[1].sql == "DROP VIEW IF EXISTS \"p\".\"accounts\";\nDROP SCHEMA IF EXISTS \"p\"");
  CHECK(has_check(c, "change_type.accounts.balance.type"));
  CHECK(has_check(c, "version_schema.gone"));
}

TEST_CASE("rollback drops the version schema first, then the trigger and temporary column") {
  PlanWork work = render(k_change);
  // The version schema exists from dual-write on.
  REQUIRE(work.rollback[static_cast<int>(Phase::expand)].size() == 1);
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition}) {
    const auto& steps = work.rollback[static_cast<int>(p)];
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].sql.find("DROP SCHEMA IF EXISTS \"p\"") != std::string::npos);
    // Trigger and column go in one transaction.
    CHECK(steps[1].sql.find("DROP TRIGGER IF EXISTS") < steps[1].sql.find("ALTER TABLE "
                                                                          "\"public\".\"accounts\" "
                                                                          "DROP COLUMN IF EXISTS "
                                                                          "\"_orc_new_balance\""));
  }
}

TEST_CASE("without up and down, the column is assigned as ALTER COLUMN TYPE would") {
  PlanWork work = render("change_type: {table: accounts, column: balance, type: bigint}");
  // A plain assignment: a value that does not fit fails, an explicit cast would truncate.
  CHECK(work.at(Phase::backfill).backfills[0].assignments ==
        "\"_orc_new_balance\" = (\"balance\"), \"_orc_side_accounts_balance\" = 'b'");
  CHECK(work.at(Phase::dual_write).steps[0].sql.find("_down0 := (\"balance\")") !=
        std::string::npos);
  CHECK(work.at(Phase::dual_write).steps[0].sql.find("CAST(\"balance\"") == std::string::npos);
}

TEST_CASE("is refused at the offending field") {
  std::string c = "change_type: {table: acounts, column: balance, type: bigint}";
  CHECK(error_of(c) == at(c, "acounts") + ": table public.acounts does not exist");
  c = "change_type: {table: accounts, column: balanse, type: bigint}";
  CHECK(error_of(c) == at(c, "balanse") + ": column accounts.balanse does not exist");
  c = "change_type: {table: accounts, column: id, type: bigint}";
  CHECK(error_of(c).find(at(c, "id,") + ": change_type: accounts.id is part of the primary key") ==
        0);
  c = "change_type: {table: accounts, column: balance, type: integer}";
  CHECK(error_of(c) == at(c, "integer") + ": change_type: accounts.balance already is of type "
                                          "integer");
  c = "change_type: {table: accounts, column: balance, type: bigint, upp: x}";
  CHECK(error_of(c).find("unknown key 'upp'") != std::string::npos);
}

TEST_CASE("a plan whose version schema would take an existing schema's name is refused") {
  auto plan = parse_plan_text("name: public\nchanges:\n  - " + k_change + "\n", "p.yaml");
  try {
    render_plan(plan, catalog(), {.stable_shapes = false});
    FAIL("expected a plan error");
  } catch (const PlanError& e) {
    CHECK(e.line() == 1);
    CHECK(std::string(e.message()).find("version schema would be named 'public'") !=
          std::string::npos);
  }
}

TEST_SUITE_END();

} // namespace test_changes_change_type
