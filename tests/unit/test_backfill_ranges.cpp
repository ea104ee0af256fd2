#include <doctest/doctest.h>

#include <limits>

#include "backfill/batch_sql.hpp"
#include "backfill/ranges.hpp"

namespace test_backfill_ranges {

using namespace orchestrate;

TEST_SUITE_BEGIN("backfill_ranges");

TEST_CASE("integer keys split into contiguous ranges of equal width") {
  auto r = split_integer_range(1, 100, 4);
  REQUIRE(r.size() == 4);
  CHECK(r[0].first == 0);
  CHECK(r[0].second == 25);
  CHECK(r[1].first == 25);
  CHECK(r[1].second == 50);
  CHECK(r[3].first == 75);
  CHECK(r[3].second == 100);
}

TEST_CASE("every key of an uneven split falls in exactly one range") {
  auto r = split_integer_range(-7, 13, 6);
  REQUIRE(r.size() == 6);
  CHECK(*r.front().first == -8);
  CHECK(r.back().second == 13);
  for (std::size_t i = 1; i < r.size(); ++i) {
    CHECK(*r[i].first == r[i - 1].second);
    CHECK(r[i].second > *r[i].first);
  }
}

TEST_CASE("fewer keys than pieces give one range per key") {
  auto r = split_integer_range(5, 7, 10);
  REQUIRE(r.size() == 3);
  CHECK(r[0].second == 5);
  CHECK(r[2].second == 7);
  CHECK(split_integer_range(3, 3, 4).size() == 1);
  CHECK(split_integer_range(4, 3, 4).empty());
}

TEST_CASE("the extremes of bigint split without overflow") {
  constexpr auto lo = std::numeric_limits<long long>::min();
  constexpr auto hi = std::numeric_limits<long long>::max();
  auto r = split_integer_range(lo, hi, 8);
  REQUIRE(r.size() == 8);
  CHECK_FALSE(r[0].first.has_value()); // min - 1 does not exist: unbounded below
  CHECK(r.back().second == hi);
  for (std::size_t i = 1; i < r.size(); ++i) {
    CHECK(*r[i].first == r[i - 1].second);
  }
}

TEST_CASE("range count grows with the table, up to ranges_per_worker per worker") {
  CHECK(range_count(0, 2, 4, 10000) == 1);
  CHECK(range_count(9999, 2, 4, 10000) == 1);
  CHECK(range_count(35000, 2, 4, 10000) == 3);
  CHECK(range_count(2'000'000, 2, 4, 10000) == 8);
  CHECK(range_count(2'000'000, 4, 4, 10000) == 16);
}

TEST_CASE("the sample percentage aims at a fixed number of rows") {
  CHECK(sample_percent(0, 20000) == 100);
  CHECK(sample_percent(10000, 20000) == 100);
  CHECK(sample_percent(2'000'000, 20000) == doctest::Approx(1.0));
  CHECK(sample_percent(1'000'000'000'000LL, 20000) == doctest::Approx(0.01));
}

TEST_CASE("a composite-key batch compares row values and advances the cursor in the same "
          "statement") {
  BackfillSpec spec;
  spec.id = "b";
  spec.schema = "public";
  spec.table = "orders";
  spec.key = {"tenant", "code"};
  spec.key_types = {"integer", "text"};
  spec.assignments = "\"phone\" = \"phone_number\"";
  spec.differs = "\"phone\" IS DISTINCT FROM \"phone_number\"";
  RangeRow row{"\"orchestrate\".\"backfill_ranges\"", "p", "b", 3};
  auto b = keyset_batch(spec, row, KeyText{"1", "a"}, KeyText{"2", "z"}, 500);
  CHECK(b.sql.find("(\"tenant\", \"code\") > ($1::integer, $2::text)") != std::string::npos);
  CHECK(b.sql.find("(\"tenant\", \"code\") <= ($3::integer, $4::text)") != std::string::npos);
  CHECK(b.sql.find("UPDATE \"orchestrate\".\"backfill_ranges\" SET cursor") != std::string::npos);
  REQUIRE(b.params.size() == 8);
  CHECK(*b.params[4] == "500");
  CHECK(*b.params[5] == "p");
  CHECK(*b.params[7] == "3");
  auto first = keyset_batch(spec, row, std::nullopt, std::nullopt, 10);
  CHECK(first.sql.find("WHERE true ORDER BY") != std::string::npos);
  CHECK(first.params.size() == 4);
}

TEST_CASE("an integer-key batch is bounded by value, with no query for its upper bound") {
  BackfillSpec spec;
  spec.id = "b";
  spec.schema = "public";
  spec.table = "users";
  spec.key = {"id"};
  spec.key_types = {"bigint"};
  spec.integer_key = true;
  spec.assignments = "\"phone\" = \"phone_number\"";
  spec.differs = "\"phone\" IS DISTINCT FROM \"phone_number\"";
  RangeRow row{"\"orchestrate\".\"backfill_ranges\"", "p", "b", 0};
  auto b = integer_batch(spec, row, 100, 600, false);
  CHECK(b.sql.find("\"id\" > $1::bigint AND \"id\" <= $2::bigint") != std::string::npos);
  CHECK(b.sql.find("OFFSET") == std::string::npos);
  // The span's rows are counted in the same statement: progress reports what was processed,
  // and the range's count advances by it.
  CHECK(b.sql.find("n AS (SELECT count(*) AS rows FROM \"public\".\"users\" WHERE \"id\" > "
                   "$1::bigint AND \"id\" <= $2::bigint)") != std::string::npos);
  CHECK(b.sql.find("rows_done = rows_done + (SELECT rows FROM n)") != std::string::npos);
  CHECK(b.sql.find("SELECT (SELECT rows FROM n), (SELECT count(*) FROM r)") != std::string::npos);
  REQUIRE(b.params.size() == 6);
  CHECK(*b.params[3] == "p");
  CHECK(*b.params[0] == "100");
  CHECK(*b.params[1] == "600");
  CHECK(*b.params[2] == "false");
}

TEST_SUITE_END();

} // namespace test_backfill_ranges
