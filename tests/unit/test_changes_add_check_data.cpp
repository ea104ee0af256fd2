#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

namespace test_changes_add_check_data {

using namespace kinds_data;

namespace {
const std::string k_change = "add_check: {table: accounts, name: balance_small, check: \"balance "
                             "< 100\", column: balance, up: \"LEAST(balance, 99)\"}";
}

TEST_SUITE_BEGIN("changes_add_check_data");

TEST_CASE("with up, the check goes on a shadow column that holds up of the old values") {
  PlanWork work = render(k_change);
  const auto& e = work.at(Phase::expand);
  CHECK(has_step(e, "ADD COLUMN IF NOT EXISTS \"_orc_new_balance\" integer"));
  // The checks go on the new column in dual-write, after the trigger (before it the new column
  // is NULL in every row version the old application writes). The column's own check comes
  // along.
  const auto& dw = work.at(Phase::dual_write);
  CHECK(has_step(dw, "ADD CONSTRAINT \"_orc_balance_small\" CHECK (\"_orc_new_balance\" < 100) "
                     "NOT VALID"));
  CHECK(has_step(dw, "ADD CONSTRAINT \"_orc_accounts_balance_check\""));
  CHECK_FALSE(has_step(e, "ADD CONSTRAINT"));
  CHECK(work.version_schema == "p");
  CHECK(work.at(Phase::backfill).backfills[0].assignments ==
        "\"_orc_new_balance\" = (LEAST(balance, 99)), \"_orc_side_accounts_balance\" = 'b'");
  // Without down the new application's values go back as they are.
  CHECK(work.at(Phase::dual_write).steps[0].sql.find("_down0 := NEW.\"_orc_new_balance\"") !=
        std::string::npos);
  CHECK(has_step(work.at(Phase::transition), "VALIDATE CONSTRAINT \"_orc_balance_small\""));
  const std::string& swap = work.at(Phase::contract).steps[0].sql;
  CHECK(swap.find("RENAME CONSTRAINT \"_orc_balance_small\" TO \"balance_small\"") !=
        std::string::npos);
}

TEST_CASE("without up nothing moves, up needs its column, and the name must be free") {
  PlanWork plain = render("add_check: {table: accounts, name: c, check: \"balance < 100\"}");
  CHECK(plain.version_schema.empty());
  std::string c = "add_check: {table: accounts, name: c, check: \"balance < 100\", up: x}";
  CHECK(error_of(c).find(at(c, "{") + ": add_check: rewriting rows that break the check needs "
                                      "'column'") == 0);
  c = "add_check: {table: accounts, name: accounts_balance_check, check: \"balance < 100\", "
      "column: balance, up: balance}";
  CHECK(error_of(c) == at(c, "accounts_balance_check") +
                           ": add_check: the name accounts_balance_check is already taken");
}

TEST_SUITE_END();

} // namespace test_changes_add_check_data
