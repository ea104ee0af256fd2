#include <doctest/doctest.h>

#include <algorithm>

#include "core/errors.hpp"
#include "plan/parse.hpp"
#include "planner/planner.hpp"
#include "planner/render_sql.hpp"

namespace test_changes_rename_column {

using namespace orchestrate;

namespace {

Catalog users_catalog() {
  Catalog c;
  c.schemas = {"public"};
  Table t;
  t.schema = "public";
  t.name = "users";
  t.columns = {{"id", "bigint", true, std::nullopt, std::nullopt, false, true, false},
               {"name", "text", true, std::nullopt, std::nullopt, false, false, false},
               {"phone_number", "text", true, std::nullopt, "''::text", false, false, false},
               {"org_id", "integer", false, std::nullopt, std::nullopt, false, false, false}};
  t.indexes = {
      {"users_pkey", "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)", {"id"},
       true, true, true, false, "users_pkey"},
      {"users_phone_number_idx",
       "CREATE INDEX users_phone_number_idx ON public.users USING btree (phone_number)",
       {"phone_number"}, false, false, true, false, std::nullopt},
      {"users_phone_number_key",
       "CREATE UNIQUE INDEX users_phone_number_key ON public.users USING btree (phone_number)",
       {"phone_number"}, true, false, true, false, "users_phone_number_key"}};
  t.constraints = {
      {"users_phone_number_check", 'c', "CHECK ((length(phone_number) > 3))", {"phone_number"},
       true, "", {}},
      {"users_phone_number_key", 'u', "UNIQUE (phone_number)", {"phone_number"}, true, "", {}}};
  c.tables.emplace("public.users", t);
  return c;
}

Plan rename_plan() {
  return parse_plan_text(
      "name: r\nchanges:\n  - rename_column: {table: users, from: phone_number, to: phone}\n",
      "r.yaml");
}

bool has_step(const PhaseWork& w, const std::string& needle) {
  return std::any_of(w.steps.begin(), w.steps.end(),
                     [&](const Step& s) { return s.sql.find(needle) != std::string::npos; });
}

} // namespace

TEST_SUITE_BEGIN("changes_rename_column");

TEST_CASE("expand adds the column and the concurrent twin of a unique index") {
  PlanWork work = render_plan(rename_plan(), users_catalog(), {.stable_shapes = false});
  const auto& expand = work.at(Phase::expand);
  CHECK(has_step(expand, "ALTER TABLE \"public\".\"users\"\n  ADD COLUMN IF NOT EXISTS \"phone\" "
                         "text,\n  ALTER COLUMN \"phone\" SET DEFAULT ''::text"));
  // An exact round trip needs no marker column.
  CHECK_FALSE(has_step(expand, "_orc_side"));
  // The NOT NULL check waits for the trigger (dual-write): before it, old writes leave NULLs.
  CHECK_FALSE(has_step(expand, "IS NOT NULL"));
  // A plain index waits for the copy (see the backfill's case below); a unique one guards the
  // new application's writes from dual-write on.
  CHECK_FALSE(has_step(expand, "\"users_phone_idx\""));
  CHECK(has_step(expand, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_phone_key\""));
  // The twin check waits for the trigger too.
  CHECK_FALSE(has_step(expand, "ADD CONSTRAINT"));
  for (const auto& s : expand.steps) {
    if (s.sql.find("CONCURRENTLY") != std::string::npos) {
      CHECK_FALSE(s.in_transaction);
      CHECK_FALSE(s.clear_leftover.empty());
    }
  }
  // The gate checks the new column and the unique twin.
  CHECK(expand.gate.size() == 2);
}

TEST_CASE("a twin index that is not unique is built once after the copy, before the backfill's "
          "gate checks it valid") {
  PlanWork work = render_plan(rename_plan(), users_catalog(), {.stable_shapes = false});
  const auto& backfill = work.at(Phase::backfill);
  REQUIRE(backfill.backfills.size() == 1);
  // The backfill phase's steps run after its copy: here only the index.
  REQUIRE(backfill.steps.size() == 1);
  const Step& index = backfill.steps[0];
  CHECK(index.sql == "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_phone_idx\" ON "
                     "\"public\".\"users\" USING btree (\"phone\")");
  CHECK_FALSE(index.in_transaction);
  CHECK_FALSE(index.clear_leftover.empty());
  CHECK_FALSE(index.verify.empty());
  // The gate checks the index valid before the parity scan.
  REQUIRE(backfill.gate.size() == 2);
  CHECK(backfill.gate[0].id == "rename_column.users.phone.index.users_phone_number_idx");
  CHECK(backfill.gate[1].parity.has_value());
  // No other phase builds it.
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::transition, Phase::contract}) {
    CHECK_FALSE(has_step(work.at(p), "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_phone_idx\""));
  }
  // plan shows it where it runs: after the backfill, before the gate.
  const std::string sql = render_phase_sql("r", work, Phase::backfill);
  const auto backfill_at = sql.find("-- backfill ");
  const auto index_at = sql.find("(after the backfill, before the gate)");
  const auto gate_at = sql.find("-- gate (checked before");
  REQUIRE(backfill_at != std::string::npos);
  REQUIRE(index_at != std::string::npos);
  CHECK(backfill_at < index_at);
  CHECK(index_at < gate_at);
}

TEST_CASE("dual-write installs the function and its two triggers in one probed step") {
  PlanWork work = render_plan(rename_plan(), users_catalog(), {.stable_shapes = false});
  const auto& dw = work.at(Phase::dual_write);
  REQUIRE(dw.steps.size() == 3);
  CHECK(dw.steps[1].sql.find("CHECK (\"phone\" IS NOT NULL) NOT VALID") != std::string::npos);
  CHECK(dw.steps[2].sql.find("ADD CONSTRAINT \"users_phone_check\" CHECK ((length(\"phone\") > "
                             "3)) NOT VALID") != std::string::npos);
  const std::string& sql = dw.steps[0].sql;
  CHECK(dw.steps[0].in_transaction);
  CHECK(sql.find("CREATE OR REPLACE FUNCTION \"public\".\"_orc_sync_users_phone\"()") !=
        std::string::npos);
  CHECK(sql.find("NEW.\"phone_number\" := _down0") != std::string::npos);
  CHECK(sql.find("NEW.\"phone\" := _up0") != std::string::npos);
  // The new application's marker, not its search_path, says which side an INSERT wrote.
  CHECK(sql.find("current_setting('orchestrate.new_app', true)") != std::string::npos);
  CHECK(sql.find("SET search_path") == std::string::npos);
  CHECK(sql.find("BEFORE INSERT ON \"public\".\"users\"") != std::string::npos);
  CHECK(sql.find("BEFORE UPDATE ON \"public\".\"users\"") != std::string::npos);
  // Plain copies: the triggers fire only while the sides disagree, so the backfill's copies and
  // unrelated updates never call the function, and no session setting can skip it.
  CHECK(sql.find("WHEN ((NEW.\"phone\" IS DISTINCT FROM NEW.\"phone_number\"))") !=
        std::string::npos);
  CHECK(sql.find("orchestrate.backfill") == std::string::npos);
  // Probed on real rows before it goes live, inside a subtransaction that is rolled back.
  CHECK(sql.find("RAISE SQLSTATE 'OR000'") != std::string::npos);
  // The trigger, the NOT NULL check, the twin check and three probes.
  REQUIRE(dw.gate.size() == 6);
  // The three probes write, so they run in a transaction that is rolled back.
  CHECK(std::count_if(dw.gate.begin(), dw.gate.end(), [](const Check& c) { return c.rolled_back; }) ==
        3);
}

TEST_CASE("backfill copies by key and its gate is a parity scan") {
  PlanWork work = render_plan(rename_plan(), users_catalog(), {.stable_shapes = false});
  const auto& bf = work.at(Phase::backfill);
  REQUIRE(bf.backfills.size() == 1);
  CHECK(bf.backfills[0].key == std::vector<std::string>{"id"});
  CHECK(bf.backfills[0].integer_key);
  CHECK(bf.backfills[0].assignments == "\"phone\" = \"phone_number\"");
  // Its last check is the parity scan (before it, the twin index built after the copy).
  REQUIRE_FALSE(bf.gate.empty());
  CHECK(bf.gate.back().parity.has_value());
}

TEST_CASE("transition validates, sets NOT NULL and attaches unique constraints") {
  PlanWork work = render_plan(rename_plan(), users_catalog(), {.stable_shapes = false});
  const auto& tr = work.at(Phase::transition);
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"_orc_nn_users_phone\""));
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"users_phone_check\""));
  CHECK(has_step(tr, "ALTER COLUMN \"phone\" SET NOT NULL"));
  CHECK(has_step(tr, "UNIQUE USING INDEX \"users_phone_key\""));
}

TEST_CASE("contract drops trigger, function and old column in one step") {
  PlanWork work = render_plan(rename_plan(), users_catalog(), {.stable_shapes = false});
  const auto& c = work.at(Phase::contract);
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].in_transaction);
  CHECK(c.steps[0].sql.find("DROP TRIGGER IF EXISTS \"_orc_sync_ins_users_phone\"") !=
        std::string::npos);
  CHECK(c.steps[0].sql.find("DROP FUNCTION IF EXISTS \"public\".\"_orc_sync_users_phone\"()") !=
        std::string::npos);
  CHECK(c.steps[0].sql.find("DROP COLUMN IF EXISTS \"phone_number\"") != std::string::npos);
}

TEST_CASE("rollback drops only what the plan added") {
  PlanWork work = render_plan(rename_plan(), users_catalog(), {.stable_shapes = false});
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    const auto& steps = work.rollback[static_cast<int>(p)];
    // Trigger and new column go together, in one transaction.
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].sql.find("DROP TRIGGER IF EXISTS") <
          steps[0].sql.find("DROP COLUMN IF EXISTS \"phone\""));
    CHECK(steps[0].sql.find("phone_number") == std::string::npos);
  }
}

TEST_CASE("is refused against a schema it cannot apply to") {
  auto error_of = [](const std::string& change) {
    try {
      render_plan(parse_plan_text("changes:\n  - " + change + "\n", "p.yaml"), users_catalog(), {.stable_shapes = false});
    } catch (const PlanError& e) {
      return std::to_string(e.line()) + ":" + std::to_string(e.column()) + ": " + e.message();
    }
    return std::string("no error");
  };
  CHECK(error_of("rename_column: {table: user, from: phone_number, to: phone}") ==
        "2:28: table public.user does not exist");
  CHECK(error_of("rename_column: {table: users, from: phone, to: tel}") ==
        "2:41: column users.phone does not exist");
  CHECK(error_of("rename_column: {table: users, from: phone_number, to: name}") ==
        "2:59: column users.name already exists");
  CHECK(error_of("rename_column: {table: users, from: id, to: user_id}")
            .find("part of the primary key") != std::string::npos);
}

TEST_CASE("a table without a usable key is refused") {
  Catalog c = users_catalog();
  c.tables.at("public.users").indexes.clear();
  try {
    render_plan(rename_plan(), c, {.stable_shapes = false});
    FAIL("expected a plan error");
  } catch (const PlanError& e) {
    CHECK(std::string(e.message()).find("no primary key or unique NOT NULL key") !=
          std::string::npos);
  }
}

namespace {

Plan in_place_plan() {
  return parse_plan_text("name: r\nchanges:\n  - rename_column: {table: users, from: phone_number, "
                         "to: phone, copy: false}\n",
                         "r.yaml");
}

std::vector<std::string> step_ids(const PhaseWork& w) {
  std::vector<std::string> ids;
  for (const auto& s : w.steps) {
    ids.push_back(s.id);
  }
  return ids;
}

} // namespace

TEST_CASE("copy: false adds no column, trigger or backfill: the new version schema shows the "
          "old column under the new name, and contract renames it in place") {
  PlanWork work = render_plan(in_place_plan(), users_catalog());
  using ids = std::vector<std::string>;
  CHECK(step_ids(work.at(Phase::expand)) == ids{"version_schema.old.create"});
  CHECK(step_ids(work.at(Phase::dual_write)) == ids{"version_schema.create"});
  CHECK(step_ids(work.at(Phase::backfill)).empty());
  CHECK(work.at(Phase::backfill).backfills.empty());
  CHECK(step_ids(work.at(Phase::transition)).empty());
  CHECK(step_ids(work.at(Phase::contract)) ==
        ids{"version_schema.old.drop", "rename_column.users.phone.rename_in_place",
            "version_schema.drop"});
  for (Phase p : k_phases) {
    for (const auto& s : work.at(p).steps) {
      CHECK(s.sql.find("ADD COLUMN") == std::string::npos);
      CHECK(s.sql.find("TRIGGER") == std::string::npos);
      CHECK(s.sql.find("INDEX") == std::string::npos);
    }
    for (const auto& s : work.rollback[static_cast<int>(p)]) {
      CHECK(s.sql.find("ALTER TABLE") == std::string::npos);
    }
  }
  // The new application's view: the old column under the new name, where it stands.
  const std::string& view = work.at(Phase::dual_write).steps[0].sql;
  CHECK(view.find("SELECT \"id\", \"name\", \"phone_number\" AS \"phone\", \"org_id\" FROM") !=
        std::string::npos);
  // The old application's: the table as it is.
  CHECK(work.at(Phase::expand).steps[0].sql.find(
            "SELECT \"id\", \"name\", \"phone_number\", \"org_id\" FROM") != std::string::npos);
  const std::string& rename = work.at(Phase::contract).steps[1].sql;
  CHECK(rename.find("ALTER TABLE \"public\".\"users\" RENAME COLUMN \"phone_number\" TO "
                    "\"phone\"") != std::string::npos);
  CHECK(rename.find("IF EXISTS (SELECT 1 FROM pg_attribute") != std::string::npos);
  const auto& gate = work.at(Phase::contract).gate;
  CHECK(std::any_of(gate.begin(), gate.end(), [](const Check& c) {
    return c.id == "rename_column.users.phone.old_gone.phone_number";
  }));
  // plan shows it.
  CHECK(render_phase_sql("r", work, Phase::contract).find("RENAME COLUMN") != std::string::npos);
  CHECK(render_phase_sql("r", work, Phase::backfill).find("-- backfill ") == std::string::npos);
}

TEST_CASE("copy: false asks validate to check that the role may create the version schemas") {
  auto checks = plan_live_checks(in_place_plan(), users_catalog());
  auto it = std::find_if(checks.begin(), checks.end(),
                         [](const LiveCheck& c) { return c.what == "rename_column.copy"; });
  REQUIRE(it != checks.end());
  CHECK(it->mark.line == 3);
  CHECK(it->sql.find("has_database_privilege(current_database(), 'CREATE')") != std::string::npos);
  CHECK(it->sql.find("42501") != std::string::npos);
  // A copying rename asks nothing of the kind.
  auto copying = plan_live_checks(rename_plan(), users_catalog());
  CHECK(std::none_of(copying.begin(), copying.end(),
                     [](const LiveCheck& c) { return c.what == "rename_column.copy"; }));
}

TEST_CASE("copy must be true or false") {
  std::string error;
  try {
    parse_plan_text("name: r\nchanges:\n  - rename_column: {table: users, from: phone_number, "
                    "to: phone, copy: maybe}\n",
                    "r.yaml");
  } catch (const PlanError& e) {
    error = std::to_string(e.line()) + ": " + e.message();
  }
  CHECK(error.find("3: ") == 0);
  CHECK(error.find("'copy' must be true or false, got 'maybe'") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_rename_column
