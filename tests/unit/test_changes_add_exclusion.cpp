#include <doctest/doctest.h>

#include <algorithm>

#include "kinds_basic_catalog.hpp"
#include "lint/lint.hpp"
#include "plan/parse.hpp"
#include "planner/render_sql.hpp"

namespace test_changes_add_exclusion {

using namespace orchestrate;

namespace {

// kinds_basic's schema plus `bookings` (room, during), about 1200 rows by its statistics.
Catalog catalog() {
  Catalog c = kinds_basic::catalog();
  Table bookings;
  bookings.schema = "public";
  bookings.name = "bookings";
  bookings.columns = {{"id", "bigint", true, std::nullopt, std::nullopt, false, false, false},
                      {"room", "integer", true, std::nullopt, std::nullopt, false, false, false},
                      {"during", "tstzrange", true, std::nullopt, std::nullopt, false, false,
                       false}};
  bookings.estimated_rows = 1200;
  c.tables.emplace("public.bookings", bookings);
  return c;
}

const char* const k_change = "  - add_exclusion: {table: bookings, name: no_double_booking, "
                             "elements: \"room WITH =, during WITH &&\"}\n";

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

} // namespace

TEST_SUITE_BEGIN("changes_add_exclusion");

TEST_CASE("the constraint is added at contract, under lock_timeout, after a size precheck") {
  auto w = render(k_change);
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CAPTURE(p);
    CHECK(w.at(p).steps.empty());
    CHECK(w.rollback[static_cast<int>(p)].empty());
  }
  const auto& tr = w.at(Phase::transition);
  REQUIRE(tr.gate.size() == 1);
  CHECK(tr.gate[0].rolled_back);
  CHECK(tr.gate[0].sql.find("ALTER TABLE pg_temp._orc_exclusion_copy ADD CONSTRAINT "
                            "_orc_exclusion_check EXCLUDE USING gist (room WITH =, during WITH "
                            "&&)") != std::string::npos);
  CHECK(tr.gate[0].sql.find("SELECT bad = 0, example FROM pg_temp._orc_exclusion()") !=
        std::string::npos);
  const auto& contract = w.at(Phase::contract);
  REQUIRE(contract.precheck.size() >= 1);
  CHECK(contract.precheck.back().sql.find("pg_total_relation_size('\"public\".\"bookings\"'"
                                          "::regclass) <= 1048576") != std::string::npos);
  REQUIRE(contract.steps.size() == 1);
  const Step& add = contract.steps[0];
  CHECK(add.in_transaction);
  CHECK(add.under_lock_timeout);
  CHECK(add.sql.find("-- Holds ACCESS EXCLUSIVE on bookings (about 1200 rows at plan time; "
                     "max_table_size 1MB) while the gist index builds") == 0);
  CHECK(add.sql.find("ADD CONSTRAINT \"no_double_booking\" EXCLUDE USING gist (room WITH =, "
                     "during WITH &&)") != std::string::npos);
  // plan prints the lock with the step.
  CHECK(render_phase_sql("p", w, Phase::contract).find("about 1200 rows at plan time") !=
        std::string::npos);
}

TEST_CASE("method, where, deferral and the size limit are the plan's") {
  auto w = render("  - add_exclusion: {table: bookings, name: x, method: spgist, elements: "
                  "\"during WITH &&\", where: \"room > 0\", deferrable: true, "
                  "initially_deferred: true, max_table_size: 1GB}\n");
  const auto& contract = w.at(Phase::contract);
  CHECK(contract.steps[0].sql.find("EXCLUDE USING spgist (during WITH &&) WHERE (room > 0) "
                                   "DEFERRABLE INITIALLY DEFERRED") != std::string::npos);
  CHECK(contract.precheck.back().sql.find("<= 1073741824") != std::string::npos);
  // The copy the conflicts are found on is checked at once, deferral or not.
  CHECK(w.at(Phase::transition).gate[0].sql.find("WHERE (room > 0);") != std::string::npos);
}

TEST_CASE("add_exclusion refuses bad input at its position") {
  CHECK(plan_error("  - add_exclusion: {table: bookings, name: users_pkey, elements: \"room WITH "
                   "=\"}\n")
            .find("add_exclusion: the name users_pkey is already taken") != std::string::npos);
  CHECK(plan_error("  - add_exclusion: {table: bookings, name: x, elements: room}\n")
            .find("p.yaml:3:57: add_exclusion: 'elements' must be one or more") !=
        std::string::npos);
  CHECK(plan_error("  - add_exclusion: {table: bookings, name: x, elements: \"room WITH =\", "
                   "initially_deferred: true}\n")
            .find("'initially_deferred' needs 'deferrable: true'") != std::string::npos);
  CHECK(plan_error("  - add_exclusion: {table: bookings, name: x, elements: \"room WITH =\", "
                   "max_table_size: lots}\n")
            .find("max_table_size: 'lots' is not a size") != std::string::npos);
  CHECK(plan_error("  - add_exclusion: {table: nope, name: x, elements: \"room WITH =\"}\n")
            .find("nope") != std::string::npos);
}

TEST_CASE("validate checks the size, then conflicts on a copy, and a new table gets it at expand") {
  auto plan = parse_plan_text(std::string("name: p\nchanges:\n") + k_change, "p.yaml");
  const auto checks = plan_live_checks(plan, catalog());
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].sql.find("> 1048576") != std::string::npos);
  CHECK(checks[0].sql.find("ERRCODE = '54000'") != std::string::npos);
  CHECK(checks[1].counts_rows);
  CHECK(checks[1].sql.find("GET STACKED DIAGNOSTICS _detail = PG_EXCEPTION_DETAIL") !=
        std::string::npos);
  auto w = render("  - create_table: {table: slots, columns: [{name: id, type: bigint, "
                  "primary_key: true}, {name: during, type: tstzrange}]}\n"
                  "  - add_exclusion: {table: slots, name: slots_apart, elements: \"during WITH "
                  "&&\"}\n");
  CHECK(w.at(Phase::expand).steps.back().sql.find("EXCLUDE USING gist (during WITH &&)") !=
        std::string::npos);
  CHECK(w.at(Phase::contract).steps.empty());
}

TEST_CASE("lint states the lock with the table's estimated rows") {
  const Catalog c = catalog();
  LintLive live;
  live.catalog = &c;
  auto warnings =
      lint_plan(parse_plan_text(std::string("name: p\nchanges:\n") + k_change, "p.yaml"), live);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].rule == "exclusion-lock");
  CHECK(warnings[0].message.find("holds ACCESS EXCLUSIVE on bookings (about 1200 rows by its "
                                 "statistics)") != std::string::npos);
  // A table the plan creates is empty: nothing to say about the lock.
  warnings = lint_plan(parse_plan_text("name: p\nchanges:\n  - create_table: {table: slots, "
                                       "columns: [{name: id, type: bigint, primary_key: true}]}\n"
                                       "  - add_exclusion: {table: slots, name: s, elements: "
                                       "\"id WITH =\"}\n",
                                       "p.yaml"),
                       live);
  CHECK(std::none_of(warnings.begin(), warnings.end(),
                     [](const LintWarning& w) { return w.rule == "exclusion-lock"; }));
}

TEST_SUITE_END();

} // namespace test_changes_add_exclusion
