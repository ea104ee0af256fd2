#include <doctest/doctest.h>

#include "kinds_meta_catalog.hpp"

namespace test_changes_rename_constraint {

using namespace orchestrate;
using kinds_basic::has_check;
using kinds_meta::plan_error;
using kinds_meta::render;

TEST_SUITE_BEGIN("changes_rename_constraint");

TEST_CASE("a constraint is renamed at contract, guarded, and nothing happens before") {
  auto w = render("  - rename_constraint: {table: accounts, from: balance_positive, to: "
                  "balance_not_negative}\n");
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(w.at(p).steps.empty());
    CHECK(w.rollback[static_cast<int>(p)].empty());
  }
  const auto& contract = w.at(Phase::contract);
  REQUIRE(contract.steps.size() == 1);
  CHECK(contract.steps[0].sql ==
        "DO $orc$ BEGIN\n"
        "  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = "
        "'\"public\".\"accounts\"'::regclass AND conname = 'balance_positive') AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint WHERE conrelid = '\"public\".\"accounts\"'::regclass AND "
        "conname = 'balance_not_negative') THEN\n"
        "    ALTER TABLE \"public\".\"accounts\" RENAME CONSTRAINT \"balance_positive\" TO "
        "\"balance_not_negative\";\n"
        "  END IF;\nEND $orc$");
  CHECK(has_check(contract, "rename_constraint.accounts.balance_positive.renamed"));
}

TEST_CASE("a check may take a name another table's constraint or a relation has") {
  // users_name_idx is an index (a relation), users_pkey another table's constraint.
  CHECK(plan_error("  - rename_constraint: {table: accounts, from: balance_positive, to: "
                   "users_name_idx}\n") == "");
  CHECK(plan_error("  - rename_constraint: {table: accounts, from: balance_positive, to: "
                   "users_pkey}\n") == "");
}

TEST_CASE("an index-backed constraint needs a name free among relations too") {
  CHECK(plan_error("  - rename_constraint: {table: users, from: users_email_key, to: "
                   "users_name_idx}\n") ==
        "p.yaml:3:66: rename_constraint: the name users_name_idx is already taken (a constraint "
        "with an index needs a name free among the schema's relations and the table's "
        "constraints)");
  CHECK(plan_error("  - rename_constraint: {table: accounts, from: balance_positive, to: "
                   "accounts_user_id_fkey}\n")
            .find("already taken (among the constraints of table accounts)") !=
        std::string::npos);
  CHECK(plan_error("  - rename_constraint: {table: users, from: nope, to: x}\n") ==
        "p.yaml:3:45: rename_constraint: table users has no constraint nope");
  CHECK(plan_error("  - rename_constraint: {table: users, from: a, to: a}\n")
            .find("the same as 'from'") != std::string::npos);
}

TEST_CASE("after the rename a later change finds both names taken until contract") {
  CHECK(plan_error("  - rename_constraint: {table: users, from: users_email_key, to: "
                   "users_mail_key}\n"
                   "  - create_index: {table: users, name: users_email_key, columns: [name]}\n")
            .find("already taken") != std::string::npos);
  CHECK(plan_error("  - rename_constraint: {table: accounts, from: balance_positive, to: "
                   "balance_ok}\n"
                   "  - add_check: {table: accounts, name: balance_positive, check: id > 0}\n")
            .find("already taken") != std::string::npos);
  CHECK(plan_error("  - rename_constraint: {table: users, from: users_email_key, to: "
                   "users_mail_key}\n"
                   "  - create_index: {table: users, name: users_mail_key, columns: [name]}\n")
            .find("already taken") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_rename_constraint
