#include <doctest/doctest.h>

#include "kinds_meta_catalog.hpp"

namespace test_changes_set_replica_identity {

using namespace orchestrate;
using kinds_basic::has_check;
using kinds_basic::rollback_has;
using kinds_meta::plan_error;
using kinds_meta::render;

TEST_SUITE_BEGIN("changes_set_replica_identity");

TEST_CASE("the identity is set at expand and rollback restores the table's") {
  auto w = render("  - set_replica_identity: {table: users, identity: full}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql == "ALTER TABLE \"public\".\"users\" REPLICA IDENTITY FULL");
  CHECK(expand.steps[0].under_lock_timeout);
  REQUIRE(expand.gate.size() == 1);
  CHECK(expand.gate[0].sql == "SELECT (SELECT relreplident FROM pg_class WHERE oid = "
                              "'\"public\".\"users\"'::regclass) = 'f'");
  CHECK(has_check(w.at(Phase::contract), "set_replica_identity.users.holds"));
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition, Phase::contract}) {
    CHECK(w.at(p).steps.empty());
  }
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(rollback_has(w, p, "ALTER TABLE \"public\".\"users\" REPLICA IDENTITY DEFAULT"));
  }
  // accounts was FULL: that is what its rollback puts back.
  auto a = render("  - set_replica_identity: {table: accounts, identity: NOTHING}\n");
  CHECK(a.at(Phase::expand).steps[0].sql ==
        "ALTER TABLE \"public\".\"accounts\" REPLICA IDENTITY NOTHING");
  CHECK(rollback_has(a, Phase::expand, "ALTER TABLE \"public\".\"accounts\" REPLICA IDENTITY FULL"));
}

TEST_CASE("an index identity, and a table whose identity was an index gets it back") {
  auto w = render("  - set_replica_identity: {table: users, index: users_email_idx}\n");
  const auto& expand = w.at(Phase::expand);
  CHECK(expand.steps[0].sql ==
        "ALTER TABLE \"public\".\"users\" REPLICA IDENTITY USING INDEX \"users_email_idx\"");
  CHECK(expand.gate[0].sql.find("= 'i' AND EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = "
                                "to_regclass('\"public\".\"users_email_idx\"') AND "
                                "indisreplident)") != std::string::npos);
  auto c = kinds_meta::catalog();
  Table& users = c.tables.at("public.users");
  users.replica_identity = 'i';
  for (auto& i : users.indexes) {
    i.replica_identity = i.name == "users_email_idx";
  }
  auto back = render_plan(parse_plan_text("name: p\nchanges:\n  - set_replica_identity: {table: "
                                          "users, identity: default}\n",
                                          "p.yaml"),
                          c, {.stable_shapes = false});
  CHECK(kinds_basic::rollback_has(back, Phase::expand,
                                  "REPLICA IDENTITY USING INDEX \"users_email_idx\""));
}

TEST_CASE("set_replica_identity refuses indexes PostgreSQL would refuse, at the index") {
  auto error = [](const std::string& index) {
    return plan_error("  - set_replica_identity: {table: users, index: " + index + "}\n");
  };
  CHECK(error("users_name_idx") ==
        "p.yaml:3:49: set_replica_identity: index users_name_idx is not unique; a replica "
        "identity index must be unique, not partial, not deferrable, on plain NOT NULL columns");
  CHECK(error("users_email_partial_idx").find("is partial") != std::string::npos);
  CHECK(error("users_email_deferred").find("is deferrable") != std::string::npos);
  CHECK(error("users_nickname_idx").find("covers column nickname, which may be NULL") !=
        std::string::npos);
  CHECK(error("nope") == "p.yaml:3:49: set_replica_identity: index nope of table users does not "
                         "exist");
  CHECK(plan_error("  - set_replica_identity: {table: users, identity: some}\n")
            .find("'identity' must be default, full or nothing") != std::string::npos);
  CHECK(plan_error("  - set_replica_identity: {table: users, identity: full, index: x}\n")
            .find("not both") != std::string::npos);
  CHECK(plan_error("  - set_replica_identity: {table: users}\n").find("give 'identity'") !=
        std::string::npos);
}

TEST_CASE("no identity on a table is checked against publications at validate") {
  auto p = parse_plan_text("name: p\nchanges:\n  - set_replica_identity: {table: users, "
                           "identity: nothing}\n",
                           "p.yaml");
  auto checks = plan_live_checks(p, kinds_meta::catalog());
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].sql.find("pubupdate OR pubdelete") != std::string::npos);
  auto full = parse_plan_text("name: p\nchanges:\n  - set_replica_identity: {table: users, "
                              "identity: full}\n",
                              "p.yaml");
  CHECK(plan_live_checks(full, kinds_meta::catalog()).empty());
}

TEST_SUITE_END();

} // namespace test_changes_set_replica_identity
