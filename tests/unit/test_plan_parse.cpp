#include <doctest/doctest.h>

#include "changes/change.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "plan/parse.hpp"

namespace test_plan_parse {

using namespace orchestrate;

namespace {
// The error a plan text produces, as "line:col: message" without the file name.
std::string error_of(const std::string& text) {
  try {
    parse_plan_text(text, "plan.yaml");
  } catch (const PlanError& e) {
    return std::to_string(e.line()) + ":" + std::to_string(e.column()) + ": " + e.message();
  }
  return "no error";
}
} // namespace

TEST_SUITE_BEGIN("plan_parse");

TEST_CASE("parses the rename plan of the design") {
  Plan plan = parse_plan_text(R"(name: rename-users-phone
description: Rename users.phone_number to phone
changes:
  - rename_column: {table: users, from: phone_number, to: phone}
backfill:
  batch_size: 5000
  max_rows_per_second: 20000
  window: "22:00-06:00"
gates:
  transition:
    - name: no-reads-of-old-column
      sql: select true
)",
                              "plans/x.yaml");
  CHECK(plan.name.value == "rename-users-phone");
  CHECK(plan.description == "Rename users.phone_number to phone");
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0]->kind() == "rename_column");
  CHECK(plan.changes[0]->mark().line == 4);
  CHECK(plan.backfill.batch_size == 5000);
  CHECK(*plan.backfill.max_rows_per_second == doctest::Approx(20000));
  CHECK(*plan.backfill.window == "22:00-06:00");
  REQUIRE(plan.gates.count(Phase::transition) == 1);
  CHECK(plan.gates[Phase::transition][0].name == "no-reads-of-old-column");
  CHECK(plan.checksum.size() == 16);
}

TEST_CASE("the checksum ignores comments and layout and follows what the plan says") {
  const std::string base =
      "name: p\nchanges:\n  - rename_column: {table: t, from: a, to: b}\nbackfill:\n"
      "  batch_size: 5000\n";
  const std::string relaid = "# reviewed\nname: 'p'\nchanges:\n  - rename_column:\n"
                             "      from: a   # old name\n      table: t\n      to: \"b\"\n"
                             "\nbackfill: {batch_size: 5000}\n\n";
  const std::string changed =
      "name: p\nchanges:\n  - rename_column: {table: t, from: a, to: b}\nbackfill:\n"
      "  batch_size: 4000\n";
  const std::string reordered =
      "name: p\nchanges:\n  - rename_column: {table: t, from: a, to: b}\n"
      "  - rename_column: {table: u, from: a, to: b}\n";
  const std::string swapped =
      "name: p\nchanges:\n  - rename_column: {table: u, from: a, to: b}\n"
      "  - rename_column: {table: t, from: a, to: b}\n";
  const Plan p1 = parse_plan_text(base, "p.yaml");
  CHECK(parse_plan_text(relaid, "p.yaml").checksum == p1.checksum);
  CHECK(parse_plan_text(relaid, "p.yaml").text_checksum != p1.text_checksum);
  CHECK(parse_plan_text(changed, "p.yaml").checksum != p1.checksum);
  CHECK(parse_plan_text(reordered, "p.yaml").checksum !=
        parse_plan_text(swapped, "p.yaml").checksum);
  CHECK(p1.text_checksum == fnv1a_hex(base));
}

TEST_CASE("the plan name defaults to the file's stem") {
  Plan plan = parse_plan_text("changes:\n  - rename_column: {table: t, from: a, to: b}\n",
                              "plans/004-rename-users-phone.yaml");
  CHECK(plan.name.value == "004-rename-users-phone");
}

TEST_CASE("reports errors with line and column") {
  SUBCASE("YAML syntax") {
    CHECK(error_of("changes: [\n  - rename_column: {table: t\n") == "2:3: YAML syntax error: illegal block entry");
  }
  SUBCASE("unknown top-level key") {
    CHECK(error_of("name: x\nchangez: []\n") ==
          "2:1: plan: unknown key 'changez' (expected one of: backfill, changes, description, "
          "gates, hooks, name, schema, version_schema)");
  }
  SUBCASE("missing changes") {
    CHECK(error_of("name: x\n") == "1:1: plan: missing required field 'changes'");
  }
  SUBCASE("empty changes") {
    CHECK(error_of("changes: []\n") == "1:10: plan: 'changes' must be a non-empty list");
  }
  SUBCASE("unknown change kind") {
    CHECK(error_of("changes:\n  - rename_colum: {table: t, from: a, to: b}\n")
              .rfind("2:5: unknown change kind 'rename_colum'", 0) == 0);
  }
  SUBCASE("missing field of a change") {
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a}\n") ==
          "2:20: rename_column: missing required field 'to'");
  }
  SUBCASE("unknown field of a change") {
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: b, too: c}\n") ==
          "2:47: rename_column: unknown key 'too' (expected one of: copy, from, table, to)");
  }
  SUBCASE("bad identifier") {
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: \"b; drop table x\"}\n")
              .rfind("2:44: rename_column: 'to' must be a plain name", 0) == 0);
  }
  SUBCASE("identifier longer than 63 bytes") {
    const std::string long_name(64, 'a');
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: " + long_name + "}\n")
              .rfind("2:44: rename_column: 'to' must be a plain name", 0) == 0);
  }
  SUBCASE("wrong type") {
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: b}\nbackfill:\n  "
                   "batch_size: lots\n") ==
          "4:15: backfill: 'batch_size' must be a whole number, got 'lots'");
  }
  SUBCASE("absurd number") {
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: b}\nbackfill:\n  "
                   "batch_size: -5\n") ==
          "4:15: backfill: 'batch_size' must be between 1 and 10000000, got -5");
  }
  SUBCASE("bad window") {
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: b}\nbackfill:\n  "
                   "window: \"25:00-06:00\"\n") ==
          "4:11: backfill: 'window' must look like 22:00-06:00, got '25:00-06:00'");
  }
  SUBCASE("bad size") {
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: b}\nbackfill:\n  "
                   "max_replica_lag_bytes: lots\n") ==
          "4:26: backfill: 'max_replica_lag_bytes' must be a size like 64MB, got 'lots'");
  }
  SUBCASE("gate for an unknown phase") {
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: b}\ngates:\n  "
                   "later:\n    - {name: x, sql: select true}\n")
              .rfind("4:3: gates: unknown phase 'later'", 0) == 0);
  }
  SUBCASE("a change that is not a mapping") {
    CHECK(error_of("changes:\n  - rename_column\n") ==
          "2:5: each change must be a mapping with exactly one key, the change kind");
  }
  SUBCASE("renaming a column to itself") {
    CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: a}\n") ==
          "2:44: rename_column: 'to' is the same as 'from'");
  }
  SUBCASE("an empty file") {
    CHECK(error_of("") == "1:1: the plan is empty");
  }
  SUBCASE("a plan that is a list") {
    CHECK(error_of("- a\n- b\n") == "1:1: plan must be a mapping");
  }
}

TEST_CASE("refuses two changes to the same column") {
  CHECK(error_of("changes:\n  - rename_column: {table: t, from: a, to: b}\n"
                 "  - rename_column: {table: t, from: a, to: c}\n") ==
        "3:37: conflicting changes: t.a is also changed by change 1 (rename_column)");
}

TEST_CASE("refuses binary garbage") {
  std::string garbage("\x00\x01\x02changes", 10);
  CHECK(error_of(garbage) == "0:0: not a text file (contains a NUL byte)");
}

TEST_CASE("the backfill's health limits parse from the plan, standbys as a list") {
  Plan plan = parse_plan_text("changes:\n  - rename_column: {table: t, from: a, to: b}\n"
                              "backfill:\n  max_replica_lag: 2s\n  max_replica_lag_bytes: 64MB\n"
                              "  replicas: [replica-1, dr]\n  max_wal_rate: 16MB/s\n"
                              "  max_xact_age: 10min\n",
                              "plans/x.yaml");
  CHECK(*plan.backfill.max_replica_lag == "2s");
  CHECK(*plan.backfill.max_replica_lag_bytes == "64MB");
  CHECK(plan.backfill.replicas == std::vector<std::string>{"replica-1", "dr"});
  CHECK(*plan.backfill.max_wal_rate == "16MB/s");
  CHECK(*plan.backfill.max_xact_age == "10min");
}

TEST_SUITE_END();

} // namespace test_plan_parse
