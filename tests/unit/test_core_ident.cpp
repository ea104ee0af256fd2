#include <doctest/doctest.h>

#include "core/ident.hpp"
#include "core/sql_text.hpp"

namespace test_core_ident {

using namespace orchestrate;

TEST_SUITE_BEGIN("core_ident");

TEST_CASE("accepts only plain identifiers") {
  CHECK(is_plain_identifier("phone_number"));
  CHECK(is_plain_identifier("_x1"));
  CHECK(is_plain_identifier("CamelCase"));
  CHECK_FALSE(is_plain_identifier(""));
  CHECK_FALSE(is_plain_identifier("1abc"));
  CHECK_FALSE(is_plain_identifier("a-b"));
  CHECK_FALSE(is_plain_identifier("a b"));
  CHECK_FALSE(is_plain_identifier("a\"b"));
  CHECK(is_plain_identifier(std::string(63, 'a')));
  CHECK_FALSE(is_plain_identifier(std::string(64, 'a')));
}

TEST_CASE("quotes identifiers and literals") {
  CHECK(quote_ident("users") == "\"users\"");
  CHECK(quote_ident("we\"ird") == "\"we\"\"ird\"");
  CHECK(quote_literal("it's") == "'it''s'");
  CHECK(quote_qualified("public", "users") == "\"public\".\"users\"");
}

TEST_CASE("helper names never exceed 63 bytes and stay distinct") {
  const std::string a = helper_name("sync", std::string(60, 't'), "col_a");
  const std::string b = helper_name("sync", std::string(60, 't'), "col_b");
  CHECK(a.size() == 63);
  CHECK(b.size() == 63);
  CHECK(a != b);
  CHECK(helper_name("nn", "users", "phone") == "_orc_nn_users_phone");
}

TEST_CASE("replaces a column inside index and constraint definitions") {
  CHECK(replace_identifier("USING btree (phone_number)", "phone_number", "phone") ==
        "USING btree (\"phone\")");
  CHECK(replace_identifier("USING btree (lower(phone_number)) WHERE (phone_number <> 'phone_number'::text)",
                           "phone_number", "phone") ==
        "USING btree (lower(\"phone\")) WHERE (\"phone\" <> 'phone_number'::text)");
  SUBCASE("leaves longer names and function calls alone") {
    CHECK(replace_identifier("USING btree (phone_number_2, phone_number)", "phone_number", "p") ==
          "USING btree (phone_number_2, \"p\")");
    CHECK(replace_identifier("CHECK (f(x) > 0)", "f", "g") == "CHECK (f(x) > 0)");
  }
  SUBCASE("matches quoted identifiers exactly") {
    CHECK(replace_identifier("USING btree (\"Phone\")", "Phone", "tel") == "USING btree (\"tel\")");
    CHECK(replace_identifier("USING btree (\"Phone\")", "phone", "tel") == "USING btree (\"Phone\")");
  }
  CHECK(mentions_identifier("CHECK ((length(phone_number) > 3))", "phone_number"));
  CHECK_FALSE(mentions_identifier("CHECK ((length(other) > 3))", "phone_number"));
}

TEST_CASE("checksums are stable") {
  CHECK(fnv1a_hex("") == "cbf29ce484222325");
  CHECK(fnv1a_hex("a") == "af63dc4c8601ec8c");
}

TEST_SUITE_END();

} // namespace test_core_ident
