#include <doctest/doctest.h>

#include "core/text.hpp"

namespace test_core_text {

using namespace orchestrate;

TEST_SUITE_BEGIN("core");

TEST_CASE("text helpers: blank, join, singular") {
  CHECK(blank(""));
  CHECK(blank(" \t\n "));
  CHECK_FALSE(blank(" x "));
  CHECK(join({}, ", ") == "");
  CHECK(join({"a"}, ", ") == "a");
  CHECK(join({"a", "b", "c"}, " OR ") == "a OR b OR c");
  CHECK(singular("teams") == "team");
  CHECK(singular("s") == "s");
  CHECK(singular("staff") == "staff");
}

TEST_CASE("string types as a plan writes them and as format_type prints them") {
  for (const char* type : {"text", "TEXT", "citext", "varchar(20)", "character varying(20)",
                           "character varying", "char(3)", "character(3)", "bpchar", "name"}) {
    CAPTURE(type);
    CHECK(is_string_type(type));
  }
  for (const char* type : {"integer", "bigint", "jsonb", "text[]", "uuid", "bytea"}) {
    CAPTURE(type);
    CHECK_FALSE(is_string_type(type));
  }
}

TEST_SUITE_END();

} // namespace test_core_text
