#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_add_timestamps {

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_add_timestamps");

TEST_CASE("both columns are one transition: added without a rewrite, filled by the backfill") {
  auto w = render("  - add_timestamps: {table: accounts, fill: now()}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql ==
        "ALTER TABLE \"public\".\"accounts\"\n"
        "  ADD COLUMN IF NOT EXISTS \"created_at\" timestamp with time zone,\n"
        "  ALTER COLUMN \"created_at\" SET DEFAULT now(),\n"
        "  ADD COLUMN IF NOT EXISTS \"updated_at\" timestamp with time zone,\n"
        "  ALTER COLUMN \"updated_at\" SET DEFAULT now(),\n"
        "  ADD COLUMN IF NOT EXISTS \"_orc_side_accounts_timestamps\" \"char\" NOT NULL DEFAULT "
        "'0'");
  CHECK(has_check(expand, "add_timestamps.accounts.column.created_at"));
  CHECK(has_check(expand, "add_timestamps.accounts.column.updated_at"));

  const auto& bf = w.at(Phase::backfill);
  REQUIRE(bf.backfills.size() == 1);
  CHECK(bf.backfills[0].assignments ==
        "\"created_at\" = (COALESCE(\"created_at\", (now()))), "
        "\"updated_at\" = (COALESCE(\"updated_at\", (now()))), "
        "\"_orc_side_accounts_timestamps\" = 'b'");

  const auto& tr = w.at(Phase::transition);
  CHECK(has_step(tr, "ALTER COLUMN \"created_at\" SET NOT NULL"));
  CHECK(has_step(tr, "ALTER COLUMN \"updated_at\" SET NOT NULL"));
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    REQUIRE(w.rollback[static_cast<int>(p)].size() == 1);
    const std::string& sql = w.rollback[static_cast<int>(p)][0].sql;
    // The touch triggers go before the column one of them is declared on.
    CHECK(sql.find("DROP TRIGGER IF EXISTS \"touch_accounts_updated_at_1\"") <
          sql.find("DROP COLUMN IF EXISTS \"updated_at\""));
    CHECK(sql.find("DROP COLUMN IF EXISTS \"created_at\"") != std::string::npos);
    CHECK(sql.find("DROP FUNCTION IF EXISTS \"public\".\"touch_accounts_updated_at\"()") !=
          std::string::npos);
  }
}

TEST_CASE("the touch trigger keeps what an UPDATE wrote and advances updated_at otherwise") {
  auto w = render("  - add_timestamps: {table: accounts, fill: now()}\n");
  const auto& dw = w.at(Phase::dual_write);
  REQUIRE(dw.steps.size() == 4);
  CHECK(dw.steps[0].id == "add_timestamps.accounts.sync");
  CHECK(dw.steps[3].id == "add_timestamps.accounts.touch");
  const std::string& touch = dw.steps[3].sql;
  CHECK(touch.find("CREATE TRIGGER \"touch_accounts_updated_at_1\" BEFORE UPDATE OF "
                   "\"updated_at\" ON \"public\".\"accounts\" FOR EACH ROW EXECUTE FUNCTION "
                   "\"public\".\"touch_accounts_updated_at\"('named')") != std::string::npos);
  CHECK(touch.find("CREATE TRIGGER \"touch_accounts_updated_at_2\" BEFORE UPDATE ON") !=
        std::string::npos);
  CHECK(touch.find("NEW.\"updated_at\" := pg_catalog.now()") != std::string::npos);
  // Database-maintained: the new application's sessions are advanced too.
  CHECK(touch.find("orchestrate.new_app") == std::string::npos);
  // The probe: one UPDATE naming the column, one not, rolled back.
  CHECK(touch.find("UPDATE \"public\".\"accounts\" SET \"updated_at\" = \"updated_at\"") !=
        std::string::npos);
  CHECK(touch.find("UPDATE \"public\".\"accounts\" SET \"id\" = \"id\"") != std::string::npos);
  CHECK(has_check(dw, "add_timestamps.accounts.touch"));
  // The dual-write trigger fires first: names sort by byte.
  CHECK(std::string("_orc_sync_upd_accounts_timestamps") < "touch_accounts_updated_at_1");

  const auto& c = w.at(Phase::contract);
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].sql.find("touch_") == std::string::npos);
  CHECK(has_check(c, "add_timestamps.accounts.touch"));
  CHECK(has_check(c, "add_timestamps.accounts.no_helpers"));
}

TEST_CASE("updated_by application: the trigger skips the new application and goes at contract") {
  auto w = render("  - add_timestamps: {table: accounts, fill: \"'2020-01-01'\", "
                  "updated_fill: now(), updated_by: application}\n");
  CHECK(has_step(w.at(Phase::dual_write), "current_setting('orchestrate.new_app', true)"));
  CHECK(has_step(w.at(Phase::dual_write), "'p' = ANY"));
  const auto& c = w.at(Phase::contract);
  CHECK(has_step(c, "DROP TRIGGER IF EXISTS \"touch_accounts_updated_at_2\""));
  CHECK(has_check(c, "add_timestamps.accounts.touch_gone"));
  CHECK(w.at(Phase::backfill).backfills[0].assignments.find(
            "\"created_at\" = (COALESCE(\"created_at\", ('2020-01-01')))") == 0);
}

TEST_CASE("names, type and default are the plan's") {
  auto w = render("  - add_timestamps: {table: accounts, fill: balance_at, created_at: inserted, "
                  "updated_at: modified, type: timestamp, default: \"localtimestamp\"}\n");
  CHECK(has_step(w.at(Phase::expand),
                 "ADD COLUMN IF NOT EXISTS \"inserted\" timestamp without time zone,\n"
                 "  ALTER COLUMN \"inserted\" SET DEFAULT localtimestamp"));
  CHECK(has_step(w.at(Phase::dual_write), "BEFORE UPDATE OF \"modified\""));
}

TEST_CASE("refuses what cannot apply, at the field") {
  CHECK(plan_error("  - add_timestamps: {table: nope, fill: now()}\n").find("nope") !=
        std::string::npos);
  CHECK(plan_error("  - add_timestamps: {table: accounts, fill: now(), created_at: balance}\n")
            .find("column accounts.balance already exists") != std::string::npos);
  CHECK(plan_error("  - add_timestamps: {table: logs, fill: now()}\n").find("no primary key") !=
        std::string::npos);
  CHECK(plan_error("  - add_timestamps: {table: accounts, fill: now(), type: date}\n")
            .find("p.yaml:3:") != std::string::npos);
  CHECK(plan_error("  - add_timestamps: {table: accounts, fill: now(), updated_by: cron}\n")
            .find("'updated_by' must be database") != std::string::npos);
  CHECK(plan_error("  - add_timestamps: {table: accounts}\n").find("fill") != std::string::npos);
  CHECK(plan_error("  - add_timestamps: {table: accounts, fill: now(), updated_at: created_at}\n")
            .find("must differ") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_add_timestamps
