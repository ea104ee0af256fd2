// Every plan that touches an existing table gives both applications a schema of their own: the
// old one (the table as it was at start) from expand's first step, the new one (the table as
// contract leaves it) from the end of dual-write; contract checks them, drops the old one first
// and the new one last; rollback drops both first.
#include <doctest/doctest.h>

#include <algorithm>

#include "plan/parse.hpp"
#include "planner/planner.hpp"

namespace test_version_schemas {

using namespace orchestrate;

namespace {

Catalog accounts_catalog() {
  Catalog c;
  c.schemas = {"public"};
  Table t;
  t.schema = "public";
  t.name = "accounts";
  t.columns = {
      {"id", "bigint", true, std::nullopt, "nextval('accounts_id_seq'::regclass)", true, false,
       false},
      {"owner", "text", true, std::nullopt, "'x'::text", false, false, false},
      {"balance", "integer", true, std::nullopt, "0", false, false, false},
      {"note", "text", false, std::nullopt, std::nullopt, false, false, false},
      {"code", "bigint", true, std::nullopt, std::nullopt, false, true, false}};
  t.indexes = {{"accounts_pkey",
                "CREATE UNIQUE INDEX accounts_pkey ON public.accounts USING btree (id)",
                {"id"}, true, true, true, false, "accounts_pkey"}};
  c.tables.emplace("public.accounts", t);
  return c;
}

PlanWork render(const std::string& change, RenderOptions options = {}) {
  return render_plan(parse_plan_text("name: p\nchanges:\n  - " + change + "\n", "p.yaml"),
                     accounts_catalog(), options);
}

const std::string k_type = "change_type: {table: accounts, column: balance, type: bigint, "
                           "up: balance::bigint, down: balance::integer}";
const std::string k_rename = "rename_column: {table: accounts, from: owner, to: holder}";

} // namespace

TEST_SUITE_BEGIN("version schemas");

TEST_CASE("the old schema shows the table as it was, from expand's first step") {
  const PlanWork work = render(k_rename);
  CHECK(work.old_version_schema == "p_old");
  CHECK(work.version_schema == "p");
  const auto& expand = work.at(Phase::expand);
  REQUIRE(!expand.steps.empty());
  CHECK(expand.steps[0].id == "version_schema.old.create");
  const std::string& sql = expand.steps[0].sql;
  CHECK(sql.find("CREATE OR REPLACE VIEW \"p_old\".\"accounts\" AS SELECT \"id\", \"owner\", "
                 "\"balance\", \"note\", \"code\" FROM \"public\".\"accounts\"") !=
        std::string::npos);
  // Defaults and comments as the table has them when the step runs (an identity or generated
  // column takes its own); the key in the view's comment.
  CHECK(sql.find("LEFT JOIN pg_attrdef") != std::string::npos);
  CHECK(sql.find("a.attidentity = '' AND a.attgenerated = ''") != std::string::npos);
  CHECK(sql.find("('owner', 'owner')") != std::string::npos);
  CHECK(sql.find("its primary key is (id)") != std::string::npos);
  CHECK(sql.find("REVOKE CREATE ON SCHEMA \"p_old\" FROM PUBLIC") != std::string::npos);
  CHECK(std::any_of(expand.gate.begin(), expand.gate.end(), [](const Check& c) {
    return c.id == "version_schema.view.p_old.accounts";
  }));
}

TEST_CASE("the new schema shows the final shape, columns in the order contract leaves") {
  const PlanWork work = render(k_type);
  const auto& dw = work.at(Phase::dual_write);
  REQUIRE(!dw.steps.empty());
  CHECK(dw.steps.back().id == "version_schema.create");
  // balance is replaced by a new column at contract, so it stands last, read from the
  // temporary column until then.
  CHECK(dw.steps.back().sql.find(
            "CREATE OR REPLACE VIEW \"p\".\"accounts\" AS SELECT \"id\", \"owner\", \"note\", "
            "\"code\", \"_orc_new_balance\" AS \"balance\" FROM \"public\".\"accounts\"") !=
        std::string::npos);
  const PlanWork renamed = render(k_rename);
  CHECK(renamed.at(Phase::dual_write).steps.back().sql.find(
            "SELECT \"id\", \"balance\", \"note\", \"code\", \"holder\" FROM") !=
        std::string::npos);
}

TEST_CASE("contract checks the schemas first, drops the old one first and the new one last, rollback the reverse") {
  const PlanWork work = render(k_rename);
  const auto& c = work.at(Phase::contract);
  REQUIRE(c.precheck.size() == 1);
  CHECK(c.precheck[0].id == "version_schema.only_views");
  CHECK(c.precheck[0].sql.find("('p_old', 'accounts')") != std::string::npos);
  CHECK(c.precheck[0].sql.find("('p', 'accounts')") != std::string::npos);
  REQUIRE(c.steps.size() >= 3);
  CHECK(c.steps.front().id == "version_schema.old.drop");
  CHECK(c.steps.back().id == "version_schema.drop");
  // Rollback drops the new schema first (its views read the temporary columns) and the old
  // one last, once the table has its old shape again; before dual-write there is no new one.
  CHECK(work.rollback[0].front().id != "rollback.version_schema.drop");
  CHECK(work.rollback[0].back().id == "rollback.version_schema.old.drop");
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition}) {
    const auto& rb = work.rollback[static_cast<int>(p)];
    REQUIRE(rb.size() >= 3);
    CHECK(rb.front().id == "rollback.version_schema.drop");
    CHECK(rb.back().id == "rollback.version_schema.old.drop");
  }
}

TEST_CASE("without stable shapes only a temporary column gets a version schema") {
  CHECK(render(k_rename, {.stable_shapes = false}).version_schema.empty());
  const PlanWork typed = render(k_type, {.stable_shapes = false});
  CHECK(typed.version_schema == "p");
  CHECK(typed.old_version_schema.empty());
  CHECK(typed.at(Phase::expand).steps[0].id != "version_schema.old.create");
}

TEST_CASE("a plan that only adds a table keeps no version schema") {
  const PlanWork work =
      render("create_table: {table: flags, columns: [{name: id, type: int, primary_key: true}]}");
  CHECK(work.version_schema.empty());
  CHECK(work.old_version_schema.empty());
  CHECK(work.at(Phase::contract).precheck.empty());
}

TEST_SUITE_END();

} // namespace test_version_schemas
