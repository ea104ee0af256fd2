#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_create_index");

TEST_CASE("an index is built concurrently and every phase checks it is valid") {
  auto w = render("  - create_index: {table: users, name: users_name_idx, columns: [name], "
                  "where: email IS NOT NULL}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  const auto& build = expand.steps[0];
  CHECK(build.sql == "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_name_idx\" ON "
                     "\"public\".\"users\" USING btree (\"name\") WHERE email IS NOT NULL");
  CHECK_FALSE(build.in_transaction);
  // Every attempt first drops an invalid leftover; the step counts only once the index is valid.
  CHECK(build.clear_leftover.find("NOT indisvalid") != std::string::npos);
  CHECK(build.clear_leftover.find("DROP INDEX \"public\".\"users_name_idx\"") != std::string::npos);
  CHECK(build.verify.find("to_regclass('\"public\".\"users_name_idx\"') AND indisvalid") !=
        std::string::npos);
  CHECK(build.unique_index.empty());
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition, Phase::contract}) {
    CHECK(w.at(p).steps.empty());
    CHECK(w.at(p).backfills.empty());
    CHECK(has_check(w.at(p), "create_index.users.users_name_idx.valid"));
  }
  CHECK(rollback_has(w, Phase::expand,
                     "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_name_idx\""));
}

TEST_CASE("an expression index with a method and unique") {
  auto w = render("  - create_index: {table: users, name: users_lower_email_idx, expression: "
                  "lower(email), unique: true, method: hash}\n");
  CHECK(has_step(w.at(Phase::expand), "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "
                                      "\"users_lower_email_idx\" ON \"public\".\"users\" USING "
                                      "hash (lower(email))"));
  // A unique build that fails on duplicates reports them from this index's definition.
  CHECK(w.at(Phase::expand).steps[0].unique_index == "\"public\".\"users_lower_email_idx\"");
}

TEST_CASE("create_index refuses taken names, unknown columns and odd methods") {
  CHECK(plan_error("  - create_index: {table: users, name: accounts_pkey, columns: [name]}\n")
            .find("already taken") != std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [nope]}\n")
            .find("column users.nope does not exist") != std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [name], method: x}\n")
            .find("'method' must be") != std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [name], expression: x}\n")
            .find("not both") != std::string::npos);
}

TEST_SUITE_END();
