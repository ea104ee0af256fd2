#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_add_foreign_key");

TEST_CASE("a foreign key is added NOT VALID and validated at transition") {
  auto w = render("  - add_foreign_key:\n      table: accounts\n      name: accounts_owner_fkey\n"
                  "      columns: [user_id]\n      references: {table: users, columns: [id]}\n"
                  "      on_delete: set_null\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql.find("ADD CONSTRAINT \"accounts_owner_fkey\" FOREIGN KEY (\"user_id\") "
                                 "REFERENCES \"public\".\"users\" (\"id\") ON DELETE SET NULL NOT "
                                 "VALID") != std::string::npos);
  const auto& tr = w.at(Phase::transition);
  REQUIRE(tr.steps.size() == 1);
  CHECK(tr.steps[0].sql.find("VALIDATE CONSTRAINT \"accounts_owner_fkey\"") != std::string::npos);
  CHECK(has_check(tr, "add_foreign_key.accounts.accounts_owner_fkey.validated"));
  CHECK(rollback_has(w, Phase::expand, "DROP CONSTRAINT IF EXISTS \"accounts_owner_fkey\""));
}

TEST_CASE("add_foreign_key refuses a target without a key and a bad on_delete") {
  CHECK(plan_error("  - add_foreign_key: {table: accounts, name: f, columns: [user_id], "
                   "references: {table: users, columns: [email]}}\n")
            .find("no primary key or unique constraint") != std::string::npos);
  CHECK(plan_error("  - add_foreign_key: {table: accounts, name: f, columns: [user_id], "
                   "references: {table: users, columns: [id]}, on_delete: explode}\n")
            .find("'on_delete' must be") != std::string::npos);
  CHECK(plan_error("  - add_foreign_key: {table: accounts, name: f, columns: [user_id, id], "
                   "references: {table: users, columns: [id]}}\n")
            .find("as many columns") != std::string::npos);
}

TEST_SUITE_END();
