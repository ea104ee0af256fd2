#include <doctest/doctest.h>

#include <algorithm>

#include "kinds_basic_catalog.hpp"

namespace test_changes_add_primary_key {

using namespace orchestrate;

namespace {

// kinds_basic's schema plus `events`, which has no primary key: a nullable id and a NOT NULL at.
Catalog catalog() {
  Catalog c = kinds_basic::catalog();
  Table events;
  events.schema = "public";
  events.name = "events";
  events.columns = {{"id", "bigint", false, std::nullopt, std::nullopt, false, false, false},
                    {"at", "timestamptz", true, std::nullopt, std::nullopt, false, false, false},
                    {"body", "text", false, std::nullopt, std::nullopt, false, false, false}};
  c.tables.emplace("public.events", events);
  return c;
}

PlanWork render(const std::string& changes) {
  return render_plan(parse_plan_text("name: p\nchanges:\n" + changes, "p.yaml"), catalog(),
                     {.stable_shapes = false});
}

std::string plan_error(const std::string& changes) {
  try {
    render(changes);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> step_ids(const PhaseWork& w) {
  std::vector<std::string> out;
  for (const auto& s : w.steps) {
    out.push_back(s.id);
  }
  return out;
}

} // namespace

TEST_SUITE_BEGIN("changes_add_primary_key");

TEST_CASE("on an existing table nothing is enforced before contract, which makes the columns "
          "NOT NULL, builds the index concurrently and attaches it") {
  auto w = render("  - add_primary_key: {table: events, columns: [id, at]}\n");
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CAPTURE(p);
    CHECK(w.at(p).steps.empty());
    CHECK(w.rollback[static_cast<int>(p)].empty());
    CHECK(w.rollback_refused[static_cast<int>(p)].empty());
  }
  // Transition's gate refuses to move on while a row breaks the key.
  const auto& tr = w.at(Phase::transition);
  REQUIRE(tr.gate.size() == 1);
  CHECK(tr.gate[0].id == "add_primary_key.events.rows_fit");
  CHECK(tr.gate[0].sql.find("t.\"id\" IS NULL OR t.\"at\" IS NULL") != std::string::npos);
  CHECK(tr.gate[0].sql.find("GROUP BY d.\"id\", d.\"at\" HAVING count(*) > 1") !=
        std::string::npos);
  const auto& contract = w.at(Phase::contract);
  // id is nullable: the NOT NULL recipe; at is NOT NULL already.
  CHECK(step_ids(contract) ==
        std::vector<std::string>{"add_primary_key.events.id.not_null_check",
                                 "add_primary_key.events.id.validate._orc_nn_events_id",
                                 "add_primary_key.events.id.set_not_null",
                                 "add_primary_key.events.index.build",
                                 "add_primary_key.events.constraint"});
  CHECK(contract.steps[0].sql.find("CHECK (\"id\" IS NOT NULL) NOT VALID") != std::string::npos);
  CHECK(contract.steps[1].sql.find("VALIDATE CONSTRAINT") != std::string::npos);
  CHECK(contract.steps[2].sql.find("ALTER COLUMN \"id\" SET NOT NULL") != std::string::npos);
  const Step& build = contract.steps[3];
  CHECK(build.sql == "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"events_pkey\" ON "
                     "\"public\".\"events\" USING btree (\"id\", \"at\")");
  CHECK_FALSE(build.in_transaction);
  CHECK_FALSE(build.under_lock_timeout);
  CHECK(build.clear_leftover.find("NOT indisvalid") != std::string::npos);
  CHECK(build.verify.find("indisvalid") != std::string::npos);
  CHECK(build.unique_index == "\"public\".\"events_pkey\"");
  CHECK(contract.steps[4].sql.find("ADD CONSTRAINT \"events_pkey\" PRIMARY KEY USING INDEX "
                                   "\"events_pkey\"") != std::string::npos);
  CHECK(contract.steps[4].under_lock_timeout);
  CHECK(std::any_of(contract.gate.begin(), contract.gate.end(), [](const Check& c) {
    return c.id == "add_primary_key.events.constraint" && c.sql.find("convalidated") !=
                                                              std::string::npos;
  }));
}

TEST_CASE("a name may be given, and later changes see the key") {
  auto w = render("  - add_primary_key: {table: events, columns: [at], name: events_key}\n");
  CHECK(w.at(Phase::contract).steps.back().sql.find(
            "ADD CONSTRAINT \"events_key\" PRIMARY KEY USING INDEX \"events_key\"") !=
        std::string::npos);
  CHECK(plan_error("  - add_primary_key: {table: events, columns: [at]}\n"
                   "  - add_primary_key: {table: events, columns: [id]}\n")
            .find("p.yaml:4:30: add_primary_key: table events already has a primary key "
                  "(events_pkey)") != std::string::npos);
}

TEST_CASE("add_primary_key refuses a table with a key, a taken name and unknown columns") {
  CHECK(plan_error("  - add_primary_key: {table: users, columns: [email]}\n")
            .find("p.yaml:3:30: add_primary_key: table users already has a primary key "
                  "(users_pkey)") != std::string::npos);
  CHECK(plan_error("  - add_primary_key: {table: events, columns: [id], name: users_pkey}\n")
            .find("add_primary_key: the name users_pkey is already taken") != std::string::npos);
  CHECK(plan_error("  - add_primary_key: {table: events, columns: [id, nope]}\n")
            .find("column events.nope does not exist") != std::string::npos);
  CHECK(plan_error("  - add_primary_key: {table: events, columns: [id, id]}\n")
            .find("column id is listed twice") != std::string::npos);
  CHECK(plan_error("  - add_primary_key: {table: events}\n")
            .find("missing required field 'columns'") != std::string::npos);
}

TEST_CASE("a table created earlier in the plan gets its key at expand") {
  auto w = render("  - create_table: {table: notes, columns: [{name: id, type: bigint}, {name: "
                  "body, type: text}]}\n"
                  "  - add_primary_key: {table: notes, columns: [id], name: notes_key}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE_FALSE(expand.steps.empty());
  CHECK(expand.steps.back().id == "add_primary_key.notes.constraint");
  CHECK(expand.steps.back().sql.find("ADD CONSTRAINT \"notes_key\" PRIMARY KEY (\"id\")") !=
        std::string::npos);
  CHECK(w.at(Phase::contract).steps.empty());
  CHECK(std::none_of(w.at(Phase::transition).gate.begin(), w.at(Phase::transition).gate.end(),
                     [](const Check& c) { return c.id.find("add_primary_key") == 0; }));
  // Its rollback runs before the table's own drop.
  const auto& rb = w.rollback[static_cast<int>(Phase::expand)];
  REQUIRE(rb.size() >= 2);
  CHECK(rb[0].sql == "ALTER TABLE IF EXISTS \"public\".\"notes\" DROP CONSTRAINT IF EXISTS "
                     "\"notes_key\"");
}

TEST_CASE("validate counts rows with a NULL or a duplicate key, naming one") {
  auto plan = parse_plan_text("name: p\nchanges:\n  - add_primary_key: {table: events, columns: "
                              "[id]}\n",
                              "p.yaml");
  const auto checks = plan_live_checks(plan, catalog());
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].counts_rows);
  CHECK(checks[0].mark.line == 3);
  CHECK(checks[0].sql.find("json_build_array(t.\"id\")::text") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_add_primary_key
