#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

namespace test_changes_set_not_null {

using namespace kinds_data;

namespace {
const std::string k_change =
    "set_not_null: {table: users, column: email, fill: \"'unknown@example.com'\"}";
}

TEST_SUITE_BEGIN("changes_set_not_null");

TEST_CASE("the filled values live in a temporary column of the same type") {
  PlanWork work = render(k_change);
  CHECK(has_step(work.at(Phase::expand), "ADD COLUMN IF NOT EXISTS \"_orc_new_email\" text"));
  CHECK(has_step(work.at(Phase::expand),
                 "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"_orc_users_email_key\""));
  CHECK(work.version_schema == "p");
}

TEST_CASE("the trigger fills NULLs going up and copies the new value back as it is") {
  PlanWork work = render(k_change);
  const auto& dw = work.at(Phase::dual_write);
  CHECK(dw.steps[0].sql.find("_up0 := (COALESCE(\"email\", ('unknown@example.com')))") !=
        std::string::npos);
  CHECK(dw.steps[0].sql.find("_down0 := NEW.\"_orc_new_email\"") != std::string::npos);
  CHECK(has_step(dw, "CHECK (\"_orc_new_email\" IS NOT NULL) NOT VALID"));
  CHECK(has_step(dw, "\"_orc_new_email\" AS \"email\""));
}

TEST_CASE("transition validates and sets NOT NULL, contract swaps and keeps the unique name") {
  PlanWork work = render(k_change);
  const auto& tr = work.at(Phase::transition);
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"_orc_nn_users_email\""));
  CHECK(has_step(tr, "ALTER COLUMN \"_orc_new_email\" SET NOT NULL"));
  CHECK(has_step(tr, "UNIQUE USING INDEX \"_orc_users_email_key\""));
  CHECK(has_check(tr, "set_not_null.users.email.not_null"));
  const auto& c = work.at(Phase::contract);
  CHECK(has_step(c, "RENAME CONSTRAINT \"_orc_users_email_key\" TO \"users_email_key\""));
  CHECK(has_check(c, "set_not_null.users.email.not_null"));
}

TEST_CASE("backfill fills the NULL rows") {
  PlanWork work = render(k_change);
  CHECK(work.at(Phase::backfill).backfills[0].assignments ==
        "\"_orc_new_email\" = (COALESCE(\"email\", ('unknown@example.com'))), "
        "\"_orc_side_users_email\" = 'b'");
}

TEST_CASE("up rewrites every value the old application writes, down gives the new ones back") {
  PlanWork work = render("set_not_null: {table: users, column: email, up: \"COALESCE(lower(email), "
                         "'none')\", down: \"upper(email)\"}");
  CHECK(work.at(Phase::backfill).backfills[0].assignments ==
        "\"_orc_new_email\" = (COALESCE(lower(email), 'none')), \"_orc_side_users_email\" = 'b'");
  const std::string& sync = work.at(Phase::dual_write).steps[0].sql;
  CHECK(sync.find("_down0 := (upper(email))") != std::string::npos);
  CHECK(has_step(work.at(Phase::transition), "ALTER COLUMN \"_orc_new_email\" SET NOT NULL"));
}

TEST_CASE("is refused with both fill and up") {
  std::string c = "set_not_null: {table: users, column: email, fill: \"''\", up: email}";
  CHECK(error_of(c) == at(c, "email}") + ": set_not_null: give 'fill' (the value of NULLs) or "
                                         "'up' (the new value of every row), not both");
}

TEST_CASE("is refused for a NOT NULL column and without fill") {
  std::string c = "set_not_null: {table: users, column: name, fill: \"''\"}";
  CHECK(error_of(c) == at(c, "name,") + ": set_not_null: users.name is NOT NULL already");
  c = "set_not_null: {table: users, column: email}";
  CHECK(error_of(c).find("missing required field 'fill'") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_set_not_null
