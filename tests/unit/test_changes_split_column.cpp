#include <doctest/doctest.h>

#include "kinds_data_catalog.hpp"

namespace test_changes_split_column {

using namespace kinds_data;

namespace {
const std::string k_change =
    "split_column: {table: users, from: name, into: [{name: first_name, type: text, up: "
    "\"split_part(name, ' ', 1)\"}, {name: last_name, type: text, up: \"split_part(name, ' ', "
    "2)\"}], down: \"first_name || ' ' || last_name\"}";
}

TEST_SUITE_BEGIN("changes_split_column");

TEST_CASE("expand adds the new columns, nullable, in one statement") {
  PlanWork work = render(k_change);
  CHECK(has_step(work.at(Phase::expand),
                 "ALTER TABLE \"public\".\"users\"\n  ADD COLUMN IF NOT EXISTS \"first_name\" text,\n"
                 "  ADD COLUMN IF NOT EXISTS \"last_name\" text"));
  // New names: the new application uses them directly, no version schema.
  CHECK(work.version_schema.empty());
}

TEST_CASE("the trigger computes every new column up and the original down") {
  PlanWork work = render(k_change);
  const std::string& f = work.at(Phase::dual_write).steps[0].sql;
  CHECK(f.find("_up0 := (split_part(name, ' ', 1))") != std::string::npos);
  CHECK(f.find("_up1 := (split_part(name, ' ', 2))") != std::string::npos);
  CHECK(f.find("_down0 := (first_name || ' ' || last_name)") != std::string::npos);
  CHECK(f.find("NEW.\"name\" := _down0") != std::string::npos);
}

TEST_CASE("backfill sets both columns, contract drops the original with the trigger") {
  PlanWork work = render(k_change);
  CHECK(work.at(Phase::backfill).backfills[0].assignments ==
        "\"first_name\" = (split_part(name, ' ', 1)), \"last_name\" = (split_part(name, ' ', 2)), "
        "\"_orc_side_users_first_name\" = 'b'");
  CHECK(has_check(work.at(Phase::transition), "split_column.users.name.parity"));
  const auto& c = work.at(Phase::contract);
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].sql.find("DROP TRIGGER IF EXISTS") < c.steps[0].sql.find("DROP COLUMN IF "
                                                                             "EXISTS \"name\""));
  const auto& rb = work.rollback[static_cast<int>(Phase::transition)];
  REQUIRE(rb.size() == 1);
  CHECK(rb[0].sql.find("DROP TRIGGER IF EXISTS") <
        rb[0].sql.find("ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"first_name\", "
                       "DROP COLUMN IF EXISTS \"last_name\", DROP COLUMN IF EXISTS "
                       "\"_orc_side_users_first_name\""));
}

TEST_CASE("is refused at the offending field") {
  std::string c = "split_column: {table: users, from: nam, into: [{name: a, type: text, up: x}, "
                  "{name: b, type: text, up: y}], down: z}";
  CHECK(error_of(c) == at(c, "nam,") + ": column users.nam does not exist");
  c = "split_column: {table: users, from: name, into: [{name: email, type: text, up: x}, "
      "{name: b, type: text, up: y}], down: z}";
  CHECK(error_of(c) == at(c, "email") + ": column users.email already exists");
  c = "split_column: {table: users, from: name, into: [{name: a, type: text, up: x}], down: z}";
  CHECK(error_of(c).find("at least two columns") != std::string::npos);
  c = "split_column: {table: users, from: name, into: [{name: a, typ: text, up: x}, "
      "{name: b, type: text, up: y}], down: z}";
  CHECK(error_of(c) == at(c, "typ") + ": split_column.into[0]: unknown key 'typ' (expected one "
                                      "of: name, type, up)");
}

TEST_SUITE_END();

} // namespace test_changes_split_column
