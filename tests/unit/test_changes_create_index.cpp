#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_create_index {

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

TEST_CASE("columns carry an operator class, a collation and an order, and the index storage "
          "parameters") {
  auto w = render("  - create_index:\n"
                  "      table: users\n"
                  "      name: users_name_pattern_idx\n"
                  "      columns:\n"
                  "        - {column: name, opclass: text_pattern_ops, collate: C, sort: desc, "
                  "nulls: last}\n"
                  "        - email\n"
                  "        - {column: nickname, nulls: first}\n"
                  "      storage_parameters: fillfactor=70\n"
                  "      where: email IS NOT NULL\n");
  CHECK(has_step(w.at(Phase::expand),
                 "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_name_pattern_idx\" ON "
                 "\"public\".\"users\" USING btree (\"name\" COLLATE \"C\" "
                 "\"text_pattern_ops\" DESC NULLS LAST, \"email\", \"nickname\" NULLS FIRST) "
                 "WITH (fillfactor=70) WHERE email IS NOT NULL"));
  // The catalog model still knows which columns the index reads.
  const auto checks = plan_live_checks(
      parse_plan_text("name: p\nchanges:\n  - create_index: {table: users, name: i, columns: "
                      "[{column: name, opclass: gin_trgm_ops}], method: gin, storage_parameters: "
                      "\"fastupdate=off\"}\n",
                      "p.yaml"),
      catalog());
  // Each column with options compiles alone at its entry, the parameters at theirs.
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].what == "create_index.columns");
  CHECK(checks[0].mark.column == 62);
  CHECK(checks[0].sql.find("CREATE INDEX ON pg_temp._orc_row USING gin (\"name\" "
                           "\"gin_trgm_ops\")") != std::string::npos);
  CHECK(checks[1].what == "create_index.storage_parameters");
  CHECK(checks[1].sql.find("USING gin (\"name\" \"gin_trgm_ops\") WITH (fastupdate=off)") !=
        std::string::npos);
}

TEST_CASE("operator class parameters follow the class") {
  auto w = render("  - create_index: {table: users, name: i, method: gist, columns: [{column: "
                  "name, opclass: gist_trgm_ops, opclass_params: [siglen=32]}]}\n");
  CHECK(has_step(w.at(Phase::expand),
                 "USING gist (\"name\" \"gist_trgm_ops\" (siglen=32))"));
}

TEST_CASE("create_index refuses malformed column options and storage parameters at their "
          "position") {
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [{column: name, sort: "
                   "up}]}\n")
            .find("p.yaml:3:74: create_index: 'sort' must be asc or desc, got 'up'") !=
        std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [{column: name, nulls: "
                   "middle}]}\n")
            .find("'nulls' must be first or last") != std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, method: hash, columns: [{column: "
                   "name, sort: desc}]}\n")
            .find("a hash index has no order; 'sort' and 'nulls' need method btree") !=
        std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [{column: name, "
                   "opclass_params: [siglen=3]}]}\n")
            .find("'opclass_params' needs 'opclass'") != std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [{column: name, opclass: "
                   "x, opclass_params: [\"siglen=3); DROP TABLE users; --\"]}]}\n")
            .find("must be name=value") != std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [{column: name, "
                   "order: desc}]}\n")
            .find("unknown key 'order'") != std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [{opclass: x}]}\n")
            .find("'column'") != std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [{column: nope}]}\n")
            .find("column users.nope does not exist") != std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [name], "
                   "storage_parameters: \"fillfactor=70) WITH (x\"}\n")
            .find("'storage_parameters' must be name=value pairs separated by commas") !=
        std::string::npos);
  CHECK(plan_error("  - create_index: {table: users, name: i, columns: [name], "
                   "storage_parameters: \"fillfactor=70, deduplicate_items=off\"}\n")
            .empty());
}

TEST_SUITE_END();

} // namespace test_changes_create_index
