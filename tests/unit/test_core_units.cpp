#include <doctest/doctest.h>

#include <regex>

#include "core/errors.hpp"
#include "core/units.hpp"

namespace test_core_units {

using namespace orchestrate;

TEST_SUITE_BEGIN("core_units");

TEST_CASE("sizes read as PostgreSQL reads its settings: powers of 1024") {
  CHECK(parse_bytes("65536", "x") == 65536);
  CHECK(parse_bytes("512kB", "x") == 512 * 1024);
  CHECK(parse_bytes("64MB", "x") == 64LL * 1024 * 1024);
  CHECK(parse_bytes("64 MiB", "x") == 64LL * 1024 * 1024);
  CHECK(parse_bytes("1.5GB", "x") == 1536LL * 1024 * 1024);
  CHECK(parse_bytes("16MB/s", "x") == 16LL * 1024 * 1024);
}

TEST_CASE("a malformed or zero size is refused naming what it was for") {
  CHECK_THROWS_WITH_AS(parse_bytes("fast", "max_wal_rate"),
                       doctest::Contains("max_wal_rate: 'fast' is not a size"), InputError);
  CHECK_THROWS_AS(parse_bytes("0MB", "x"), InputError);
  CHECK_THROWS_AS(parse_bytes("12 parsecs", "x"), InputError);
}

TEST_CASE("the patterns the plan and its JSON Schema share agree with the parsers") {
  const std::regex size(k_size_pattern);
  CHECK(std::regex_match("64MB", size));
  CHECK(!std::regex_match("64MB/s", size));
  CHECK(std::regex_match("64MB/s", std::regex(k_rate_pattern)));
  CHECK(std::regex_match("10min", std::regex(k_duration_pattern)));
  CHECK(!std::regex_match("soon", std::regex(k_duration_pattern)));
}

TEST_CASE("sizes are formatted for people") {
  CHECK(format_bytes(100) == "100 B");
  CHECK(format_bytes(1536) == "1.5 kB");
  CHECK(format_bytes(64.0 * 1024 * 1024) == "64.0 MB");
}

TEST_SUITE_END();

} // namespace test_core_units
