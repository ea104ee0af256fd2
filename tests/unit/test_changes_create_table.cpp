#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_create_table");

TEST_CASE("a table is created at expand and checked by every later gate") {
  auto w = render("  - create_table:\n      table: tags\n      columns:\n"
                  "        - {name: id, type: bigint, primary_key: true}\n"
                  "        - {name: user_id, type: bigint, nullable: false, references: users(id)}\n"
                  "        - {name: label, type: text, default: \"''\"}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql == "CREATE TABLE IF NOT EXISTS \"public\".\"tags\" (\n"
                               "  \"id\" bigint,\n"
                               "  \"user_id\" bigint NOT NULL REFERENCES \"public\".\"users\" (\"id\"),\n"
                               "  \"label\" text DEFAULT '',\n"
                               "  PRIMARY KEY (\"id\")\n)");
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition, Phase::contract}) {
    CHECK(w.at(p).steps.empty());
    CHECK(has_check(w.at(p), "create_table.tags.exists"));
  }
  CHECK(rollback_has(w, Phase::transition, "DROP TABLE IF EXISTS \"public\".\"tags\""));
}

TEST_CASE("a later change in the plan can use the new table") {
  auto w = render("  - create_table: {table: tags, primary_key: [id], columns: [{name: id, type: "
                  "int}, {name: label, type: text}]}\n"
                  "  - create_index: {table: tags, name: tags_label_idx, columns: [label]}\n");
  CHECK(has_step(w.at(Phase::expand), "\"tags_label_idx\" ON \"public\".\"tags\""));
}

TEST_CASE("create_table refuses an existing table and unknown key columns") {
  CHECK(plan_error("  - create_table: {table: users, columns: [{name: id, type: int}]}\n")
            .find("p.yaml:3:27: create_table: public.users already exists") != std::string::npos);
  CHECK(plan_error("  - create_table: {table: t, primary_key: nope, columns: [{name: id, type: "
                   "int}]}\n")
            .find("primary key column nope is not in 'columns'") != std::string::npos);
  CHECK(plan_error("  - create_table: {table: t, columns: [{name: id, type: int, references: "
                   "nope(id)}]}\n")
            .find("table public.nope does not exist") != std::string::npos);
}

TEST_SUITE_END();
