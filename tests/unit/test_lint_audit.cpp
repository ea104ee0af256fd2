#include <doctest/doctest.h>

#include "lint/audit.hpp"
#include "lint/design_shapes.hpp"
#include "changes/change.hpp"
#include "plan/parse.hpp"

namespace test_lint_audit {

using namespace orchestrate;

namespace {
AuditFinding no_timestamps(std::vector<AuditColumn> columns) {
  AuditFinding f;
  f.rule = "no-timestamps";
  f.schema = "public";
  f.table = "legacy_events";
  f.fix_kind = "add_timestamps";
  f.message = "no column records when a row was created nor when it was last updated";
  f.evidence = {"its timestamp and date columns: happened_at (timestamp with time zone)"};
  f.key = {"id"};
  f.columns = std::move(columns);
  return f;
}
} // namespace

TEST_SUITE_BEGIN("lint_audit");

TEST_CASE("the shapes of the three mistakes, by name and type") {
  CHECK(is_natural_key("email", "text"));
  CHECK(is_natural_key("id", "character varying(20)"));
  CHECK(is_natural_key("country_code", "integer"));
  CHECK(is_natural_key("ssn", "bigint"));
  CHECK_FALSE(is_natural_key("id", "bigint"));
  CHECK_FALSE(is_natural_key("barcode_id", "uuid"));
  CHECK(is_list_column("tag_ids", "text"));
  CHECK(is_list_column("tags", "character varying(200)"));
  CHECK(is_list_column("reviewer_list", "text"));
  CHECK_FALSE(is_list_column("tag_ids", "integer[]"));
  CHECK_FALSE(is_list_column("description", "text"));
  CHECK(builds_id_list("string_agg(tag_id::text, ',')"));
  CHECK(builds_id_list("CONCAT_WS(',', a.id, b.id)"));
  CHECK_FALSE(builds_id_list("concat_ws(' ', first_name, last_name)"));
  CHECK_FALSE(builds_id_list("string_agg(name, ', ')"));
  CHECK(is_creation_timestamp("created_at", "timestamp with time zone"));
  CHECK(is_creation_timestamp("inserted_on", "date"));
  CHECK_FALSE(is_creation_timestamp("created_at", "text"));
  CHECK(is_update_timestamp("updated_at", "timestamp without time zone"));
  CHECK(is_update_timestamp("modified", "timestamp with time zone"));
}

TEST_CASE("a table without timestamps gets an add_timestamps plan that parses, filled from its "
          "own time column") {
  auto f = no_timestamps({{"id", "bigint"},
                          {"payload", "text"},
                          {"happened_at", "timestamp with time zone"}});
  CHECK(fix_plan_file(f) == "add-timestamps-legacy-events.yaml");
  std::string why_not;
  const auto plan = fix_plan(f, why_not);
  REQUIRE(plan);
  CHECK(plan->find("# From `orchestrate lint --schema` [no-timestamps]: ") == 0);
  CHECK(plan->find("#   its timestamp and date columns: happened_at") != std::string::npos);
  CHECK(plan->find("name: add-timestamps-legacy-events\n") != std::string::npos);
  CHECK(plan->find("      table: legacy_events\n      fill: happened_at\n") != std::string::npos);
  const Plan parsed = parse_plan_text(*plan, "fix.yaml");
  CHECK(parsed.changes.size() == 1);
  CHECK(parsed.changes[0]->kind() == "add_timestamps");

  // Nothing better known: the backfill's time.
  const auto now = fix_plan(no_timestamps({{"id", "bigint"}}), why_not);
  REQUIRE(now);
  CHECK(now->find("fill: now()") != std::string::npos);
}

TEST_CASE("a natural key gets a surrogate_key plan that parses, naming each foreign key's new "
          "column") {
  AuditFinding f;
  f.rule = "natural-key";
  f.schema = "public";
  f.table = "customers";
  f.column = "email";
  f.type = "text";
  f.fix_kind = "surrogate_key";
  f.message = "the primary key email (text) means something";
  f.key = {"email"};
  f.columns = {{"email", "text"}, {"name", "text"}};
  f.referenced_by = {{"orders_customer_email_fkey", "orders", {"customer_email"}},
                     {"reviews_author_fkey", "reviews", {"author"}}};
  CHECK(fix_plan_file(f) == "surrogate-key-customers.yaml");
  std::string why_not;
  const auto plan = fix_plan(f, why_not);
  REQUIRE(plan);
  CHECK(plan->find("# From `orchestrate lint --schema` [natural-key]: ") == 0);
  CHECK(plan->find("      table: customers\n      column: id\n      type: bigint\n"
                   "      referencing:\n"
                   "        - {table: orders, column: customer_email, new_column: customer_id}\n"
                   "        - {table: reviews, column: author, new_column: customer_id}\n") !=
        std::string::npos);
  const Plan parsed = parse_plan_text(*plan, "fix.yaml");
  REQUIRE(parsed.changes.size() == 1);
  CHECK(parsed.changes[0]->kind() == "surrogate_key");
  // A table with a column named id already: the surrogate takes the table's name.
  f.columns.push_back({"id", "text"});
  CHECK(fix_plan(f, why_not)->find("      column: customer_id\n") != std::string::npos);
  // A composite key: no plan.
  f.key = {"email", "name"};
  CHECK_FALSE(fix_plan(f, why_not));
  CHECK(why_not.find("several columns") != std::string::npos);
}

TEST_CASE("no plan is written where the fix would not apply, and the report says why") {
  std::string why_not;
  CHECK_FALSE(fix_plan(no_timestamps({{"id", "bigint"}, {"created_at", "timestamp with time zone"}}),
                       why_not));
  CHECK(why_not.find("add_column") != std::string::npos);
  auto keyless = no_timestamps({{"line", "text"}});
  keyless.key.clear();
  CHECK_FALSE(fix_plan(keyless, why_not));
  CHECK(why_not.find("no primary key") != std::string::npos);
  AuditFinding unknown;
  unknown.rule = "natural-key";
  unknown.fix_kind = "no_such_kind";
  CHECK_FALSE(fix_plan(unknown, why_not));
  CHECK(why_not == "no plan written: the no_such_kind change kind is not available in this version");
}

TEST_SUITE_END();

} // namespace test_lint_audit
