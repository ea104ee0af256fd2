#include <doctest/doctest.h>

#include <algorithm>

#include "kinds_basic_catalog.hpp"

namespace test_changes_comments {

using namespace orchestrate;
using namespace kinds_basic;

// The kinds that move a column's data to a new column give it the old column's comment at
// expand, in the step that adds it; rollback only drops the new column.
TEST_SUITE_BEGIN("changes_comments");

namespace {
PlanWork render_commented(const std::string& changes) {
  Catalog c = catalog();
  Table& users = c.tables.at("public.users");
  users.column("email")->comment = "the user's address, or NULL";
  users.column("name")->comment = "full name";
  return render_plan(parse_plan_text("name: p\nchanges:\n" + changes, "p.yaml"), c);
}

const Step& add_columns(const PlanWork& w) {
  const auto& steps = w.at(Phase::expand).steps;
  auto it = std::find_if(steps.begin(), steps.end(), [](const Step& s) {
    return s.id.find(".add_columns") != std::string::npos;
  });
  REQUIRE(it != steps.end());
  return *it;
}

bool rollback_mentions_comment(const PlanWork& w) {
  for (const auto& phase : w.rollback) {
    for (const auto& s : phase) {
      if (s.sql.find("COMMENT") != std::string::npos) {
        return true;
      }
    }
  }
  return false;
}
} // namespace

TEST_CASE("rename_column, change_type and set_not_null comment the new column as the old one") {
  const auto rename = render_commented("  - rename_column: {table: users, from: email, to: mail}\n");
  CHECK(add_columns(rename).sql.find("ADD COLUMN IF NOT EXISTS \"mail\" text;\nCOMMENT ON COLUMN "
                                     "\"public\".\"users\".\"mail\" IS 'the user''s address, or "
                                     "NULL'") != std::string::npos);
  const auto type = render_commented(
      "  - change_type: {table: users, column: email, type: varchar(200), up: "
      "email::varchar(200), down: email::text}\n");
  CHECK(add_columns(type).sql.find("COMMENT ON COLUMN \"public\".\"users\".\"_orc_new_email\" IS "
                                   "'the user''s address, or NULL'") != std::string::npos);
  const auto not_null =
      render_commented("  - set_not_null: {table: users, column: email, fill: \"'none'\"}\n");
  CHECK(add_columns(not_null).sql.find("COMMENT ON COLUMN \"public\".\"users\".\"_orc_new_email\"") !=
        std::string::npos);
  // Only the column the change moves.
  CHECK(add_columns(rename).sql.find("full name") == std::string::npos);
  for (const auto* w : {&rename, &type, &not_null}) {
    CHECK_FALSE(rollback_mentions_comment(*w));
  }
}

TEST_CASE("a column without a comment, split_column and merge_columns give no comment") {
  const auto plain = render_commented("  - rename_column: {table: users, from: nickname, to: nick}\n");
  CHECK(add_columns(plain).sql.find("COMMENT") == std::string::npos);
  const auto split = render_commented(
      "  - split_column:\n      table: users\n      from: name\n      into:\n"
      "        - {name: first_name, type: text, up: \"split_part(name, ' ', 1)\"}\n"
      "        - {name: last_name, type: text, up: \"split_part(name, ' ', 2)\"}\n"
      "      down: \"concat_ws(' ', first_name, last_name)\"\n");
  CHECK(add_columns(split).sql.find("COMMENT") == std::string::npos);
  const auto merge = render_commented(
      "  - merge_columns:\n      table: users\n      from: [name, email]\n"
      "      into: {name: label, type: text, up: \"name || email\"}\n"
      "      down: {name: label, email: label}\n");
  CHECK(add_columns(merge).sql.find("COMMENT") == std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_comments
