#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_add_unique");

TEST_CASE("a unique index is built concurrently and attached USING INDEX at transition") {
  auto w = render("  - add_unique: {table: users, name: users_email_key, columns: [email, name]}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  // An invalid leftover of an earlier attempt is dropped before every attempt of the build.
  CHECK(expand.steps[0].clear_leftover.find("NOT indisvalid") != std::string::npos);
  CHECK(expand.steps[0].sql == "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_email_key\" "
                               "ON \"public\".\"users\" USING btree (\"email\", \"name\")");
  CHECK_FALSE(expand.steps[0].in_transaction);
  CHECK(expand.steps[0].unique_index == "\"public\".\"users_email_key\"");
  CHECK(expand.gate[0].sql.find("indisvalid") != std::string::npos);
  const auto& tr = w.at(Phase::transition);
  REQUIRE(tr.steps.size() == 1);
  CHECK(tr.steps[0].sql.find("ADD CONSTRAINT \"users_email_key\" UNIQUE USING INDEX "
                             "\"users_email_key\"") != std::string::npos);
  const auto& rb = w.rollback[static_cast<int>(Phase::transition)];
  REQUIRE(rb.size() == 2);
  CHECK(rb[0].sql.find("DROP CONSTRAINT IF EXISTS \"users_email_key\"") != std::string::npos);
  CHECK(rb[1].sql == "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_email_key\"");
  CHECK_FALSE(rb[1].in_transaction);
}

TEST_CASE("add_unique refuses unknown columns at their position") {
  CHECK(plan_error("  - add_unique: {table: users, name: k, columns: [email, nope]}\n")
            .find("p.yaml:3:58: column users.nope does not exist") != std::string::npos);
}

TEST_SUITE_END();
