#include <doctest/doctest.h>

#include "kinds_meta_catalog.hpp"

namespace test_changes_set_default {

using namespace orchestrate;
using kinds_basic::has_check;
using kinds_basic::has_step;
using kinds_meta::plan_error;
using kinds_meta::render;

namespace {
const Step* find_step(const PhaseWork& w, const std::string& id) {
  for (const auto& s : w.steps) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}
} // namespace

TEST_SUITE_BEGIN("changes_set_default");

TEST_CASE("the new application's view carries the new default, the table gets it at contract") {
  auto w = render("  - set_default: {table: accounts, column: balance, default: \"100\"}\n",
                  {.stable_shapes = true});
  // The old application's view copies the table's default as it is.
  const Step* old_schema = find_step(w.at(Phase::expand), "version_schema.old.create");
  REQUIRE(old_schema != nullptr);
  CHECK(old_schema->sql.find("ALTER VIEW \"p_old\".\"accounts\" ALTER COLUMN") ==
        std::string::npos);
  // The new one's view replaces it with the plan's.
  const Step* new_schema = find_step(w.at(Phase::dual_write), "version_schema.create");
  REQUIRE(new_schema != nullptr);
  CHECK(new_schema->sql.find("ALTER VIEW \"p\".\"accounts\" ALTER COLUMN \"balance\" SET "
                             "DEFAULT 100") != std::string::npos);
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK_FALSE(has_step(w.at(p), "ALTER TABLE \"public\".\"accounts\" ALTER COLUMN"));
  }
  const Step* set = find_step(w.at(Phase::contract), "set_default.accounts.balance.set");
  REQUIRE(set != nullptr);
  CHECK(set->sql == "ALTER TABLE \"public\".\"accounts\" ALTER COLUMN \"balance\" SET DEFAULT 100");
  CHECK(has_check(w.at(Phase::contract), "set_default.accounts.balance.holds"));
  // The table's default never changes before contract: rollback only drops the schemas.
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    for (const auto& s : w.rollback[static_cast<int>(p)]) {
      CHECK(s.id.rfind("rollback.version_schema", 0) == 0);
    }
  }
}

TEST_CASE("drop_default: the new application's view has none, the table loses it at contract") {
  auto w = render("  - drop_default: {table: accounts, column: balance}\n",
                  {.stable_shapes = true});
  const Step* new_schema = find_step(w.at(Phase::dual_write), "version_schema.create");
  REQUIRE(new_schema != nullptr);
  // A NULL constant would be stored as no default, and the view would give the table's.
  CHECK(new_schema->sql.find("ALTER VIEW \"p\".\"accounts\" ALTER COLUMN \"balance\" SET "
                             "DEFAULT CASE WHEN false THEN NULL::integer END") !=
        std::string::npos);
  CHECK(has_step(w.at(Phase::contract),
                 "ALTER TABLE \"public\".\"accounts\" ALTER COLUMN \"balance\" DROP DEFAULT"));
}

TEST_CASE("without version schemas the default changes at contract for both applications") {
  auto w = render("  - set_default: {table: accounts, column: balance, default: \"100\"}\n");
  CHECK(w.version_schema.empty());
  CHECK(w.old_version_schema.empty());
  CHECK(has_step(w.at(Phase::contract), "ALTER COLUMN \"balance\" SET DEFAULT 100"));
}

TEST_CASE("set_default and drop_default refuse what cannot work, at the column") {
  CHECK(plan_error("  - drop_default: {table: accounts, column: id}\n") ==
        "p.yaml:3:45: drop_default: column accounts.id has no default to drop");
  CHECK(plan_error("  - set_default: {table: accounts, column: nope, default: \"1\"}\n") ==
        "p.yaml:3:44: column accounts.nope does not exist");
  CHECK(plan_error("  - set_default: {table: accounts, column: balance, default: \" \"}\n")
            .find("must not be empty") != std::string::npos);
  auto c = kinds_meta::catalog();
  c.tables.at("public.users").column("id")->identity = true;
  try {
    render_plan(parse_plan_text("name: p\nchanges:\n  - set_default: {table: users, column: id, "
                                "default: \"1\"}\n",
                                "p.yaml"),
                c, {.stable_shapes = false});
    FAIL("an identity column was accepted");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()).find("is an identity column") != std::string::npos);
  }
}

TEST_CASE("the default compiles at validate into a column of the column's type") {
  auto p = parse_plan_text("name: p\nchanges:\n  - set_default: {table: accounts, column: "
                           "balance, default: \"100\"}\n",
                           "p.yaml");
  auto checks = plan_live_checks(p, kinds_meta::catalog());
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].what == "set_default.default");
  CHECK(checks[0].mark.line == 3);
  CHECK(checks[0].sql.find("ADD COLUMN _orc_default integer DEFAULT (100)") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_set_default
