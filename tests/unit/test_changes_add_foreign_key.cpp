#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_add_foreign_key {

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

TEST_CASE("on_update, match and deferral are part of the constraint from expand on") {
  auto w = render("  - add_foreign_key: {table: accounts, name: f, columns: [user_id], references: "
                  "{table: users, columns: [id]}, on_delete: cascade, on_update: set_default, "
                  "match: full, deferrable: true, initially_deferred: true}\n");
  CHECK(has_step(w.at(Phase::expand),
                 "FOREIGN KEY (\"user_id\") REFERENCES \"public\".\"users\" (\"id\") MATCH FULL "
                 "ON DELETE CASCADE ON UPDATE SET DEFAULT DEFERRABLE INITIALLY DEFERRED NOT VALID"));
  // initially_deferred alone implies deferrable, as in PostgreSQL; match simple is said as such.
  w = render("  - add_foreign_key: {table: accounts, name: f, columns: [user_id], references: "
             "{table: users, columns: [id]}, match: simple, on_update: NO ACTION, "
             "initially_deferred: true}\n");
  CHECK(has_step(w.at(Phase::expand),
                 "(\"id\") MATCH SIMPLE ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED NOT VALID"));
  w = render("  - add_foreign_key: {table: accounts, name: f, columns: [user_id], references: "
             "{table: users, columns: [id]}, deferrable: true}\n");
  CHECK(has_step(w.at(Phase::expand), "(\"id\") DEFERRABLE NOT VALID"));
  CHECK(has_step(w.at(Phase::transition), "VALIDATE CONSTRAINT \"f\""));
}

TEST_CASE("add_foreign_key refuses a bad on_update or match and a contradictory deferral, at "
          "the field") {
  const std::string head = "  - add_foreign_key: {table: accounts, name: f, columns: [user_id], "
                           "references: {table: users, columns: [id]}, ";
  CHECK(plan_error(head + "on_update: later}\n")
            .find("add_foreign_key: 'on_update' must be cascade, restrict, no_action, set_null or "
                  "set_default, got 'later'") != std::string::npos);
  CHECK(plan_error(head + "match: partial}\n")
            .find("p.yaml:3:119: add_foreign_key: 'match' must be simple or full, got 'partial'") !=
        std::string::npos);
  CHECK(plan_error(head + "deferrable: false, initially_deferred: true}\n")
            .find("'initially_deferred' needs a deferrable constraint") != std::string::npos);
  CHECK(plan_error(head + "deferrable: maybe}\n").find("deferrable") != std::string::npos);
}

TEST_CASE("a unique constraint with INCLUDE columns is a key over its own columns") {
  CHECK(plan_error("  - add_unique: {table: users, name: users_email_key, columns: [email], "
                   "include: [name]}\n"
                   "  - add_column: {table: accounts, column: owner_email, type: text}\n"
                   "  - add_foreign_key: {table: accounts, name: f, columns: [owner_email], "
                   "references: {table: users, columns: [email]}}\n")
            .empty());
}

TEST_SUITE_END();

} // namespace test_changes_add_foreign_key
