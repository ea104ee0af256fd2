#include <doctest/doctest.h>

#include "kinds_meta_catalog.hpp"

namespace test_changes_set_comment {

using namespace orchestrate;
using kinds_basic::has_check;
using kinds_basic::has_step;
using kinds_basic::rollback_has;
using kinds_meta::plan_error;
using kinds_meta::render;

TEST_SUITE_BEGIN("changes_set_comment");

TEST_CASE("a column comment is set at expand and rollback restores the one it had") {
  auto w = render("  - set_comment: {table: users, column: email, comment: \"it's the address\"}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].id == "set_comment.users.email.set");
  CHECK(expand.steps[0].sql ==
        "COMMENT ON COLUMN \"public\".\"users\".\"email\" IS 'it''s the address'");
  CHECK(has_check(expand, "set_comment.users.email.holds"));
  CHECK(has_check(w.at(Phase::contract), "set_comment.users.email.holds"));
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition, Phase::contract}) {
    CHECK(w.at(p).steps.empty());
  }
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(rollback_has(w, p, "COMMENT ON COLUMN \"public\".\"users\".\"email\" IS 'where we "
                             "write to them'"));
  }
}

TEST_CASE("a table comment, removed with null, comes back exactly on rollback") {
  auto w = render("  - set_comment: {table: users, comment: null}\n");
  CHECK(has_step(w.at(Phase::expand), "COMMENT ON TABLE \"public\".\"users\" IS NULL"));
  CHECK(rollback_has(w, Phase::expand,
                     "COMMENT ON TABLE \"public\".\"users\" IS 'people who log in'"));
  const auto& gate = w.at(Phase::expand).gate;
  REQUIRE(gate.size() == 1);
  CHECK(gate[0].sql == "SELECT (SELECT obj_description('\"public\".\"users\"'::regclass, "
                       "'pg_class')) IS NOT DISTINCT FROM NULL");
}

TEST_CASE("a column without a comment gets none back on rollback, and '' means none") {
  auto w = render("  - set_comment: {table: users, column: name, comment: ''}\n");
  CHECK(has_step(w.at(Phase::expand), "COMMENT ON COLUMN \"public\".\"users\".\"name\" IS NULL"));
  auto v = render("  - set_comment: {table: users, column: name, comment: x}\n");
  CHECK(rollback_has(v, Phase::transition,
                     "COMMENT ON COLUMN \"public\".\"users\".\"name\" IS NULL"));
}

TEST_CASE("set_comment refuses unknown tables and columns and a missing comment") {
  CHECK(plan_error("  - set_comment: {table: nope, comment: x}\n") ==
        "p.yaml:3:26: table public.nope does not exist");
  CHECK(plan_error("  - set_comment: {table: users, column: nope, comment: x}\n") ==
        "p.yaml:3:41: column users.nope does not exist");
  CHECK(plan_error("  - set_comment: {table: users}\n").find("missing required field 'comment'") !=
        std::string::npos);
}

TEST_CASE("comment: on create_table columns and add_column") {
  auto w = render("  - create_table: {table: t, columns: [{name: id, type: bigint, primary_key: "
                  "true, comment: \"the key's\"}, {name: v, type: text}]}\n"
                  "  - add_column: {table: users, column: tier, type: text, comment: plan tier}\n"
                  "  - add_column: {table: accounts, column: tag, type: text, fill: \"'x'\", "
                  "comment: a tag}\n");
  const auto& expand = w.at(Phase::expand);
  CHECK(has_step(expand, "CREATE TABLE IF NOT EXISTS \"public\".\"t\" (\n  \"id\" bigint,\n  "
                         "\"v\" text,\n  PRIMARY KEY (\"id\")\n);\nCOMMENT ON COLUMN "
                         "\"public\".\"t\".\"id\" IS 'the key''s'"));
  CHECK(has_step(expand, "COMMENT ON COLUMN \"public\".\"users\".\"tier\" IS 'plan tier'"));
  // With a fill the column is added by the transition's first steps; the comment follows.
  std::size_t added = 0;
  std::size_t commented = 0;
  for (std::size_t i = 0; i < expand.steps.size(); ++i) {
    if (expand.steps[i].sql.find("ADD COLUMN IF NOT EXISTS \"tag\"") != std::string::npos) {
      added = i + 1;
    }
    if (expand.steps[i].sql == "COMMENT ON COLUMN \"public\".\"accounts\".\"tag\" IS 'a tag'") {
      commented = i + 1;
    }
  }
  CHECK(added > 0);
  CHECK(commented > added);
}

TEST_SUITE_END();

} // namespace test_changes_set_comment
