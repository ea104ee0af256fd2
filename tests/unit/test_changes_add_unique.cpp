#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_add_unique {

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

TEST_CASE("INCLUDE, NULLS NOT DISTINCT and storage parameters are the index's, from expand on") {
  auto w = render("  - add_unique: {table: users, name: users_email_key, columns: [email], include: "
                  "[name], nulls_not_distinct: true, storage_parameters: fillfactor=70}\n");
  CHECK(w.at(Phase::expand).steps[0].sql ==
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_email_key\" ON \"public\".\"users\" "
        "USING btree (\"email\") INCLUDE (\"name\") NULLS NOT DISTINCT WITH (fillfactor=70)");
  CHECK(has_step(w.at(Phase::transition), "UNIQUE USING INDEX \"users_email_key\""));
  CHECK(w.at(Phase::contract).steps.empty());
  const auto checks = plan_live_checks(
      parse_plan_text("name: p\nchanges:\n  - add_unique: {table: users, name: k, columns: "
                      "[email], include: [name], storage_parameters: fillfactor=70}\n",
                      "p.yaml"),
      catalog());
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].what == "add_unique.index");
  CHECK(checks[0].mark.column == 96);
  CHECK(checks[0].sql.find("CREATE INDEX ON pg_temp._orc_row USING btree (\"email\") INCLUDE "
                           "(\"name\") WITH (fillfactor=70)") != std::string::npos);
}

TEST_CASE("a deferrable unique constraint is attached at contract, once the old application is "
          "retired") {
  auto w = render("  - add_unique: {table: users, name: users_email_key, columns: [email], "
                  "deferrable: true, initially_deferred: true}\n");
  CHECK(has_step(w.at(Phase::expand), "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "
                                      "\"users_email_key\""));
  CHECK(w.at(Phase::transition).steps.empty());
  CHECK(has_check(w.at(Phase::transition), "add_unique.users.users_email_key.index"));
  CHECK_FALSE(has_check(w.at(Phase::transition), "add_unique.users.users_email_key.constraint"));
  CHECK(has_step(w.at(Phase::contract), "ADD CONSTRAINT \"users_email_key\" UNIQUE USING INDEX "
                                        "\"users_email_key\" DEFERRABLE INITIALLY DEFERRED"));
  CHECK(has_check(w.at(Phase::contract), "add_unique.users.users_email_key.constraint"));
  w = render("  - add_unique: {table: users, name: k, columns: [email], deferrable: true}\n");
  CHECK(has_step(w.at(Phase::contract), "UNIQUE USING INDEX \"k\" DEFERRABLE"));
}

TEST_CASE("add_unique refuses unknown INCLUDE columns and malformed options at their position") {
  CHECK(plan_error("  - add_unique: {table: users, name: k, columns: [email], include: [nope]}\n")
            .find("p.yaml:3:69: column users.nope does not exist") != std::string::npos);
  CHECK(plan_error("  - add_unique: {table: users, name: k, columns: [email], storage_parameters: "
                   "\"fillfactor=70); DROP TABLE users; --\"}\n")
            .find("'storage_parameters' must be name=value pairs") != std::string::npos);
  CHECK(plan_error("  - add_unique: {table: users, name: k, columns: [email], deferrable: false, "
                   "initially_deferred: true}\n")
            .find("add_unique: 'initially_deferred' needs a deferrable constraint") !=
        std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_add_unique
