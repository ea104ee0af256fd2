// Lint reads what each change kind says about itself (ChangeFacts), so a rule and the kind that
// runs the change cannot disagree.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "changes/change.hpp"
#include "changes/expression_checks.hpp"
#include "kinds_basic_catalog.hpp"
#include "lint/lint.hpp"
#include "plan/parse.hpp"

namespace test_lint_facts {

using namespace orchestrate;

namespace {
Plan plan_of(const std::string& changes) {
  return parse_plan_text("name: p\nchanges:\n" + changes, "p.yaml");
}

bool has(const std::vector<LintWarning>& w, const std::string& rule) {
  return std::any_of(w.begin(), w.end(), [&](const LintWarning& x) { return x.rule == rule; });
}
} // namespace

TEST_SUITE_BEGIN("lint_facts");

TEST_CASE("lint and add_column agree on which defaults the backfill copies") {
  const Catalog c = kinds_basic::catalog();
  LintLive live;
  live.catalog = &c;
  int volatile_defaults = 0;
  for (const std::string def : {"random()::text", "now()::text", "'x'", "nextval('s')::text",
                                "gen_random_uuid()::text", "lower('A')", "md5('a')"}) {
    CAPTURE(def);
    const std::string change =
        "  - add_column: {table: users, column: c, type: text, default: \"" + def + "\"}\n";
    const Plan plan = plan_of(change);
    const ChangeFacts facts = plan.changes.at(0)->facts();
    const bool kind_copies = !kinds_basic::render(change).at(Phase::backfill).backfills.empty();
    CHECK(facts.needs_backfill == kind_copies);
    REQUIRE(facts.columns.size() == 1);
    CHECK(facts.columns[0].default_volatile == expression_may_be_volatile(def));
    CHECK(facts.columns[0].default_volatile == kind_copies);
    volatile_defaults += kind_copies ? 1 : 0;
    // On a table without a key to page by, lint warns exactly when the kind would backfill.
    const std::string on_logs =
        "  - add_column: {table: logs, column: c, type: text, default: \"" + def + "\"}\n";
    CHECK(has(lint_plan(plan_of(on_logs), live), "no-key-to-page-by") == kind_copies);
  }
  CHECK(volatile_defaults == 3);
}

TEST_CASE("lint's SQL rules take the same functions for volatile as the change kinds") {
  for (const std::string def : {"random()", "now()", "concat_ws('-', 'a', 'b')", "md5('x')",
                                "gen_random_uuid()", "upper('a')", "clock_timestamp()",
                                "array_length(ARRAY[1], 1)"}) {
    CAPTURE(def);
    const auto w = lint_sql("ALTER TABLE t ADD COLUMN c text DEFAULT " + def, Mark{3, 7});
    CHECK(has(w, "volatile-default") == expression_may_be_volatile(def));
  }
}

TEST_CASE("set_not_null says it replaces its column, so a view reading it is flagged") {
  const Catalog c = kinds_basic::catalog();
  LintLive live;
  live.catalog = &c;
  live.views = {{"public.user_emails", "public.users", "email"}};
  const std::string change =
      "  - set_not_null: {table: users, column: email, fill: \"left('x', 1)\"}\n";
  const ChangeFacts facts = plan_of(change).changes.at(0)->facts();
  CHECK(facts.removed == std::vector<std::string>{"email"});
  CHECK(facts.needs_backfill);
  // The fill as the plan wrote it, at its own position (the kind derives its up from it).
  REQUIRE(facts.expressions.size() == 1);
  CHECK(facts.expressions[0].role == "fill");
  CHECK(facts.expressions[0].sql.value == "left('x', 1)");
  CHECK(facts.expressions[0].sql.mark.line == 3);
  // Contract drops the old column: the kind's own contract says so.
  CHECK(kinds_basic::has_step(kinds_basic::render(change).at(Phase::contract),
                              "DROP COLUMN IF EXISTS \"email\""));
  const auto w = lint_plan(plan_of(change), live);
  REQUIRE(w.size() == 2);
  CHECK(w[0].rule == "narrowing-expression"); // left(...) cuts
  CHECK(w[0].message.rfind("fill of set_not_null", 0) == 0);
  CHECK(w[1].rule == "dependent-view");
  CHECK(w[1].message.find("set_not_null: public.user_emails reads users.email") !=
        std::string::npos);
}

TEST_CASE("alter_column with one key is named as the plan names it") {
  const Catalog c = kinds_basic::catalog();
  LintLive live;
  live.catalog = &c;
  const auto w =
      lint_plan(plan_of("  - alter_column: {table: logs, column: line, type: varchar(200)}\n"),
                live);
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "no-key-to-page-by");
  CHECK(w[0].message.rfind("alter_column: table logs", 0) == 0);
}

TEST_CASE("explode_list copies by key range, so a table without a key is flagged") {
  Catalog c = kinds_basic::catalog();
  LintLive live;
  live.catalog = &c;
  const std::string change =
      "  - explode_list: {table: logs, column: line, into: log_words, references: words(id)}\n";
  CHECK(plan_of(change).changes.at(0)->facts().needs_backfill);
  CHECK(has(lint_plan(plan_of(change), live), "no-key-to-page-by"));
}

TEST_CASE("an sql change is flagged for rollback exactly when the kind refuses rollback") {
  for (const std::string change : {"  - sql: {up: select 1, down: select 2}\n",
                                   "  - sql: {up: select 3}\n",
                                   "  - sql: {up: select 4, on_complete: true}\n"}) {
    CAPTURE(change);
    const bool refused =
        !kinds_basic::render(change).rollback_refused[static_cast<int>(Phase::expand)].empty();
    CHECK(has(lint_plan(plan_of(change), {}), "sql-no-down") == refused);
  }
}

TEST_SUITE_END();

} // namespace test_lint_facts
