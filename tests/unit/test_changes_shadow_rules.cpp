// The data fixes of add_unique and add_foreign_key: the constraint as a rule of a shadow column.
#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

namespace test_changes_shadow_rules {

using namespace kinds_data;

TEST_SUITE_BEGIN("changes_constraint_data_fixes");

TEST_CASE("add_unique with up: the key goes on a shadow column, built concurrently at expand") {
  PlanWork w = render("add_unique: {table: users, name: users_nick_key, columns: [nickname], "
                      "column: nickname, up: \"nickname || '-' || id\"}");
  const auto& e = w.at(Phase::expand);
  CHECK(has_step(e, "ADD COLUMN IF NOT EXISTS \"_orc_new_nickname\" text"));
  CHECK(has_step(e, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"_orc_users_nick_key\" ON "
                    "\"public\".\"users\" USING btree (\"_orc_new_nickname\")"));
  // Nothing on the old column: the old application keeps writing its duplicates.
  CHECK_FALSE(has_step(e, "USING btree (\"nickname\")"));
  CHECK(w.at(Phase::backfill).backfills[0].assignments.find(
            "\"_orc_new_nickname\" = (nickname || '-' || id)") != std::string::npos);
  CHECK(has_step(w.at(Phase::transition), "ADD CONSTRAINT \"_orc_users_nick_key\" UNIQUE USING "
                                          "INDEX \"_orc_users_nick_key\""));
  CHECK(w.at(Phase::contract).steps[0].sql.find(
            "RENAME CONSTRAINT \"_orc_users_nick_key\" TO \"users_nick_key\"") !=
        std::string::npos);
  CHECK(w.version_schema == "p");
}

TEST_CASE("add_foreign_key with up: the key goes on a shadow column, NOT VALID after the "
          "trigger, validated at transition") {
  PlanWork w = render("add_foreign_key: {table: accounts, name: accounts_user_fk, columns: "
                      "[user_id], references: {table: users, columns: [id]}, on_delete: "
                      "set_null, column: user_id, up: \"(SELECT u.id FROM users u WHERE u.id = "
                      "user_id)\"}");
  CHECK_FALSE(has_step(w.at(Phase::expand), "FOREIGN KEY"));
  CHECK(has_step(w.at(Phase::dual_write),
                 "ADD CONSTRAINT \"_orc_accounts_user_fk\" FOREIGN KEY (\"_orc_new_user_id\") "
                 "REFERENCES \"public\".\"users\" (\"id\") ON DELETE SET NULL NOT VALID"));
  CHECK(has_step(w.at(Phase::transition), "VALIDATE CONSTRAINT \"_orc_accounts_user_fk\""));
  CHECK(w.at(Phase::contract).steps[0].sql.find(
            "RENAME CONSTRAINT \"_orc_accounts_user_fk\" TO \"accounts_user_fk\"") !=
        std::string::npos);
}

TEST_CASE("a data fix needs its column among the key's and up, and the names must be free") {
  std::string c = "add_unique: {table: users, name: k, columns: [nickname], up: x}";
  CHECK(error_of(c).find(at(c, "{") + ": add_unique: rewriting rows that break the constraint "
                                      "needs 'column'") == 0);
  c = "add_unique: {table: users, name: k, columns: [nickname], column: name, up: x}";
  CHECK(error_of(c) == at(c, "name, up") + ": add_unique: 'column' must be one of the "
                                           "constraint's columns, got 'name'");
  c = "add_unique: {table: users, name: users_email_key, columns: [nickname], column: nickname, "
      "up: x}";
  CHECK(error_of(c) == at(c, "users_email_key") +
                           ": add_unique: the name users_email_key is already taken");
  c = "add_foreign_key: {table: accounts, name: f, columns: [user_id], references: {table: "
      "users, columns: [name]}, column: user_id, up: user_id}";
  CHECK(error_of(c) == at(c, "f,") + ": add_foreign_key: users has no primary key or unique "
                                     "constraint over the referenced columns");
}

TEST_SUITE_END();

} // namespace test_changes_shadow_rules
