#include <doctest/doctest.h>

#include <algorithm>

#include "changes/change.hpp"
#include "kinds_basic_catalog.hpp"

using namespace orchestrate;
using namespace kinds_basic;

// What validate compiles against the live database: every expression, at its position.
TEST_SUITE_BEGIN("planner_live_checks");

namespace {
std::vector<LiveCheck> checks_of(const std::string& changes) {
  return plan_live_checks(parse_plan_text("name: p\nchanges:\n" + changes, "p.yaml"), catalog());
}

const LiveCheck* find(const std::vector<LiveCheck>& checks, const std::string& what) {
  auto it = std::find_if(checks.begin(), checks.end(),
                         [&](const LiveCheck& c) { return c.what == what; });
  return it == checks.end() ? nullptr : &*it;
}
} // namespace

TEST_CASE("checks, defaults and index expressions are compiled, each at its field") {
  const auto check = checks_of("  - add_check: {table: accounts, name: c, check: balance >= 0}\n");
  REQUIRE(find(check, "add_check.check") != nullptr);
  CHECK(find(check, "add_check.check")->mark.line == 3);
  CHECK(find(check, "add_check.check")->mark.column == 50);
  CHECK(find(check, "add_check.check")->sql.find("CREATE TEMP TABLE _orc_row ON COMMIT DROP AS "
                                                 "SELECT t.\"id\" AS \"id\"") != std::string::npos);
  CHECK(find(check, "add_check.check")->sql.find("ADD CHECK (balance >= 0)") != std::string::npos);

  const auto column = checks_of("  - add_column: {table: users, column: n, type: int, default: "
                                "\"0\", check: n > 0}\n");
  REQUIRE(find(column, "add_column.default") != nullptr);
  CHECK(find(column, "add_column.default")->sql.find("DEFAULT (0)") != std::string::npos);
  REQUIRE(find(column, "add_column.check") != nullptr);
  // The check sees the new column, as a NULL of its type.
  CHECK(find(column, "add_column.check")->sql.find("NULL::int AS \"n\"") != std::string::npos);

  const auto index = checks_of("  - create_index: {table: users, name: i, expression: "
                               "lower(email), where: email IS NOT NULL}\n");
  REQUIRE(find(index, "create_index.expression") != nullptr);
  CHECK(find(index, "create_index.expression")->sql.find(
            "CREATE INDEX ON pg_temp._orc_row USING btree (lower(email))") != std::string::npos);
  CHECK(find(index, "create_index.expression")->sql.find("WHERE") == std::string::npos);
  REQUIRE(find(index, "create_index.where") != nullptr);
  CHECK(find(index, "create_index.where")->sql.find("WHERE email IS NOT NULL") != std::string::npos);

  const auto table = checks_of("  - create_table:\n      table: t\n      columns:\n"
                               "        - {name: id, type: bigint, primary_key: true}\n"
                               "        - {name: at, type: timestamptz, default: now()}\n");
  REQUIRE(find(table, "create_table.default") != nullptr);
  CHECK(find(table, "create_table.default")->mark.line == 7);
  // No table yet: the row is NULLs of the new table's types, selected from nothing.
  CHECK(find(table, "create_table.default")->sql.find("FROM") == std::string::npos);
}

TEST_CASE("a change after another change of its table is compiled, its rows not counted") {
  const auto checks = checks_of(
      "  - add_column: {table: accounts, column: note, type: text}\n"
      "  - change_type: {table: accounts, column: balance, type: bigint, up: balance::bigint, "
      "down: balance::integer}\n");
  REQUIRE(find(checks, "change_type.down") != nullptr);
  CHECK(find(checks, "change_type.down")->mark.line == 4);
  // note exists only in the plan: a NULL of its type over the live table.
  CHECK(find(checks, "change_type.down")->sql.find("NULL::text AS \"note\"") != std::string::npos);
  CHECK(std::none_of(checks.begin(), checks.end(), [](const LiveCheck& c) { return c.counts_rows; }));
}

TEST_CASE("nothing after an sql change is compiled before its phase") {
  const auto checks = checks_of("  - sql: {up: CREATE TYPE mood AS ENUM ('ok'), down: DROP TYPE mood}\n"
                                "  - add_column: {table: users, column: m, type: mood, default: "
                                "\"'ok'\"}\n");
  CHECK(checks.empty());
}

TEST_SUITE_END();
