#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

namespace test_changes_merge_columns {

using namespace kinds_data;

namespace {
const std::string k_change =
    "merge_columns: {table: users, from: [name, nickname], into: {name: display, type: text, up: "
    "\"name || ' (' || nickname || ')'\"}, down: {name: \"split_part(display, ' (', 1)\", "
    "nickname: \"rtrim(split_part(display, ' (', 2), ')')\"}}";
}

TEST_SUITE_BEGIN("changes_merge_columns");

TEST_CASE("one new column up, every old column down") {
  PlanWork work = render(k_change);
  CHECK(has_step(work.at(Phase::expand), "ADD COLUMN IF NOT EXISTS \"display\" text"));
  const std::string& f = work.at(Phase::dual_write).steps[0].sql;
  CHECK(f.find("_up0 := (name || ' (' || nickname || ')')") != std::string::npos);
  CHECK(f.find("_down0 := (split_part(display, ' (', 1))") != std::string::npos);
  CHECK(f.find("NEW.\"nickname\" := _down1") != std::string::npos);
  CHECK(work.version_schema.empty());
}

TEST_CASE("contract drops every old column in one statement with the trigger") {
  PlanWork work = render(k_change);
  const auto& c = work.at(Phase::contract);
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].sql.find("DROP COLUMN IF EXISTS \"name\", DROP COLUMN IF EXISTS "
                            "\"nickname\"") != std::string::npos);
  CHECK(has_check(c, "merge_columns.users.display.old_gone.nickname"));
}

TEST_CASE("down must cover exactly the merged columns") {
  std::string c = "merge_columns: {table: users, from: [name, nickname], into: {name: d, type: "
                  "text, up: x}, down: {name: y}}";
  CHECK(error_of(c) == at(c, "nickname") + ": merge_columns: 'down' must say how the new "
                                           "application's writes rebuild nickname");
  c = "merge_columns: {table: users, from: [name, nickname], into: {name: d, type: text, up: x}, "
      "down: {name: y, nickname: z, email: w}}";
  CHECK(error_of(c) == at(c, "email") + ": merge_columns: 'down' names email, which is not one "
                                        "of the columns in 'from'");
  c = "merge_columns: {table: users, from: [name], into: {name: d, type: text, up: x}, down: "
      "{name: y}}";
  CHECK(error_of(c).find("at least two columns") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_merge_columns
