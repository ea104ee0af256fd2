#include <doctest/doctest.h>

#include "planner/merge_backfills.hpp"

namespace test_planner_merge_backfills {

using namespace orchestrate;

namespace {

BackfillSpec copy(const std::string& id, const std::string& table, Assignment set,
                  const std::string& differs) {
  BackfillSpec b{.id = id, .schema = "public", .table = table, .key = {"id"}, .key_types = {"bigint"}};
  b.integer_key = true;
  b.differs = differs;
  b.sets = {std::move(set)};
  b.assignments = "\"" + b.sets[0].column + "\" = " + b.sets[0].value;
  return b;
}

} // namespace

TEST_SUITE_BEGIN("planner_merge_backfills");

TEST_CASE("copies of one table merge into one pass, each column set only where its copy has "
          "not reached") {
  const auto into = merge_backfills(
      {copy("a", "users", {.column = "n_a", .value = "(\"a\")", .type = "text"}, "\"s_a\" = '0'"),
       copy("b", "users", {.column = "n_b", .value = "(\"b\")", .type = "varchar(5)"},
            "\"s_b\" = '0'")});
  REQUIRE(into.size() == 1);
  const BackfillSpec& m = into[0];
  CHECK(m.id == "a+b");
  CHECK(m.differs == "(\"s_a\" = '0') OR (\"s_b\" = '0')");
  CHECK(m.gate_predicate() == m.differs);
  // varchar(5) is cast to varchar: the assignment to the column refuses a longer value instead
  // of a cast cutting it.
  CHECK(m.assignments ==
        "\"n_a\" = CASE WHEN (\"s_a\" = '0') THEN CAST((\"a\") AS text) ELSE \"n_a\" END, "
        "\"n_b\" = CASE WHEN (\"s_b\" = '0') THEN CAST((\"b\") AS varchar) ELSE \"n_b\" END");
}

TEST_CASE("copies of other tables stay apart, three of one table merge flat, one alone is kept "
          "as it is") {
  auto alone = copy("b", "orders", {.column = "n_b", .value = "2", .type = ""}, "d_b");
  alone.invalid = "bad_b";
  const auto into = merge_backfills(
      {copy("a", "users", {.column = "n_a", .value = "1", .type = "integer"}, "d_a"), alone,
       copy("c", "users", {.column = "n_c", .value = "3", .type = ""}, "d_c"),
       copy("d", "users", {.column = "n_d", .value = "4", .type = ""}, "d_d")});
  REQUIRE(into.size() == 2);
  CHECK(into[0].id == "a+c+d");
  CHECK(into[0].differs == "(d_a) OR (d_c) OR (d_d)");
  // Each column guarded once, by its own copy's predicate, never nested.
  CHECK(into[0].assignments ==
        "\"n_a\" = CASE WHEN (d_a) THEN CAST(1 AS integer) ELSE \"n_a\" END, "
        "\"n_c\" = CASE WHEN (d_c) THEN 3 ELSE \"n_c\" END, "
        "\"n_d\" = CASE WHEN (d_d) THEN 4 ELSE \"n_d\" END");
  CHECK(into[1].id == "b");
  CHECK(into[1].invalid == "bad_b");
  CHECK(into[1].assignments == alone.assignments);
}

TEST_CASE("a length, precision or size never survives into the cast") {
  auto cast_of = [](const std::string& type) {
    const auto into = merge_backfills({copy("a", "t", {.column = "x", .value = "v", .type = "text"}, "d"),
                                       copy("b", "t", {.column = "y", .value = "v", .type = type}, "e")});
    const auto& s = into[0].assignments;
    const auto from = s.rfind("CAST(v AS ") + 10;
    return s.substr(from, s.find(')', from) - from);
  };
  CHECK(cast_of("character varying(20)") == "character varying");
  CHECK(cast_of("char(3)") == "bpchar");
  CHECK(cast_of("character(3)[]") == "bpchar[]");
  CHECK(cast_of("bit(4)") == "varbit");
  CHECK(cast_of("numeric(10,2)") == "numeric");
  CHECK(cast_of("timestamp(3) with time zone") == "timestamp with time zone");
  CHECK(cast_of("\"char\"") == "\"char\"");
  CHECK(cast_of("bigint") == "bigint");
}

TEST_SUITE_END();

} // namespace test_planner_merge_backfills
