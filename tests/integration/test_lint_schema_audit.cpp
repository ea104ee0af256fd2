// `lint --schema` on a live schema holding each of the three design mistakes: the findings, their
// evidence and their ranking, --json, and --write-plans writing a plan that validates and runs.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "fixture.hpp"

namespace test_lint_schema_audit {

namespace {

constexpr const char* k_schema = R"SQL(
DROP TABLE users;
CREATE TABLE customers (email text PRIMARY KEY, name text,
                        created_at timestamptz, updated_at timestamptz);
CREATE TABLE tags (id int PRIMARY KEY, label text, created_at timestamptz, updated_at timestamptz);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_email text REFERENCES customers (email),
                     tag_ids text, placed_at timestamptz NOT NULL,
                     created_at timestamptz, updated_at timestamptz);
CREATE TABLE reviews (id bigint PRIMARY KEY, author_email text REFERENCES customers (email),
                      body text, created_at timestamptz, updated_at timestamptz);
CREATE TABLE notes (id int PRIMARY KEY, related text, created_at timestamptz,
                    updated_at timestamptz);
CREATE TABLE legacy_events (id bigint PRIMARY KEY, payload text, happened_at timestamptz);
INSERT INTO customers (email, name) SELECT 'c' || i || '@example.com', 'C ' || i
  FROM generate_series(1, 50) i;
INSERT INTO tags (id, label) SELECT i, 'tag ' || i FROM generate_series(1, 30) i;
INSERT INTO orders (id, customer_email, tag_ids, placed_at)
  SELECT i, 'c' || (i % 50 + 1) || '@example.com', (i % 30 + 1) || ',' || ((i + 7) % 30 + 1),
         '2024-01-01'::timestamptz + i * interval '1 hour' FROM generate_series(1, 2000) i;
INSERT INTO reviews (id, author_email, body) SELECT i, 'c' || (i % 50 + 1) || '@example.com', 'ok'
  FROM generate_series(1, 100) i;
INSERT INTO notes (id, related) SELECT i, i || ';' || (i + 1) || ';' || (i + 2)
  FROM generate_series(1, 100) i;
INSERT INTO legacy_events (id, payload, happened_at)
  SELECT i, repeat('x', 200), '2023-01-01'::timestamptz + i * interval '1 minute'
  FROM generate_series(1, 50000) i;
ANALYZE;
)SQL";

const nlohmann::json* find(const nlohmann::json& all, const std::string& rule,
                           const std::string& table) {
  for (const auto& f : all) {
    if (f["rule"] == rule && f["table"] == table) {
      return &f;
    }
  }
  return nullptr;
}

} // namespace

TEST_SUITE_BEGIN("lint_schema_audit");

TEST_CASE("lint --schema finds a natural key, lists in strings and tables without timestamps, "
          "largest table first, with evidence") {
  itest::TestDb db("audit_find", 0);
  db.exec(k_schema);
  auto r = db.orchestrate({"--json", "lint", "--schema"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto all = nlohmann::json::parse(r.out);
  REQUIRE(all.is_array());
  REQUIRE(all.size() == 4);
  // Ranked by size: the 50,000 events first.
  CHECK(all[0]["table"] == "legacy_events");
  CHECK(all[0]["rule"] == "no-timestamps");
  CHECK(all[0]["rank"] == 1);
  for (std::size_t i = 1; i < all.size(); ++i) {
    CHECK(all[i - 1]["bytes"].get<long long>() >= all[i]["bytes"].get<long long>());
  }
  CHECK(all[0]["evidence"][0].get<std::string>().find("happened_at") != std::string::npos);

  const auto* key = find(all, "natural-key", "customers");
  REQUIRE(key != nullptr);
  CHECK((*key)["column"] == "email");
  CHECK((*key)["fix_kind"] == "surrogate_key");
  CHECK((*key)["evidence"][0] ==
        "referenced by 2 foreign key(s) from 2 table(s): orders(customer_email) "
        "[orders_customer_email_fkey], reviews(author_email) [reviews_author_email_fkey]");

  const auto* list = find(all, "list-in-string", "orders");
  REQUIRE(list != nullptr);
  CHECK((*list)["column"] == "tag_ids");
  const std::string sampled = (*list)["evidence"][0];
  CHECK(sampled.find("1000 of 1000 sampled value(s)") == 0);
  CHECK(sampled.find("TABLESAMPLE") != std::string::npos);
  CHECK((*list)["evidence"].back() == "its items are probably keys of tags");
  // Found by its values alone: nothing in the name says list.
  const auto* related = find(all, "list-in-string", "notes");
  REQUIRE(related != nullptr);
  CHECK((*related)["evidence"][0].get<std::string>().find("100 of 100 sampled") == 0);
  CHECK((*related)["evidence"][0].get<std::string>().find("e.g. '1;2;3'") != std::string::npos);

  // The human form says the same, one finding per rank.
  auto text = db.orchestrate({"lint", "--schema"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("1. public.legacy_events (") == 0);
  CHECK(text.out.find("[natural-key] email: the primary key email (text)") != std::string::npos);
  CHECK(text.err.find("schema public: 4 finding(s)") != std::string::npos);
  CHECK(db.orchestrate({"lint", "--schema", "--strict"}).exit_code == 2);
  CHECK(db.orchestrate({"lint"}).exit_code == 2);
}

TEST_CASE("lint --schema --write-plans writes a plan that validates and fixes the table") {
  itest::TestDb db("audit_plans", 0);
  db.exec(k_schema);
  const auto dir = db.dir() / "fixes";
  auto r = db.orchestrate({"lint", "--schema", "--write-plans", dir.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto plan = dir / "add-timestamps-legacy-events.yaml";
  REQUIRE(std::filesystem::exists(plan));
  const std::string text = itest::read_file(plan);
  CHECK(text.find("fill: happened_at") != std::string::npos);
  CHECK(text.find("# From `orchestrate lint --schema` [no-timestamps]") == 0);
  const auto list = dir / "explode-list-orders-tag-ids.yaml";
  REQUIRE(std::filesystem::exists(list));
  const std::string list_text = itest::read_file(list);
  CHECK(list_text.find("      into: orders_tags\n      references: tags(id)\n"
                       "      delimiter: \",\"\n") != std::string::npos);
  const auto key = dir / "surrogate-key-customers.yaml";
  REQUIRE(std::filesystem::exists(key));
  CHECK(itest::read_file(key).find(
            "  - surrogate_key:\n      table: customers\n      column: id\n      type: bigint\n"
            "      referencing:\n"
            "        - {table: orders, column: customer_email, new_column: customer_id}\n"
            "        - {table: reviews, column: author_email, new_column: author_id}\n") !=
        std::string::npos);
  // A list whose items' table is unknown writes nothing and says why.
  CHECK(r.out.find("no plan written: the table its items point at is not known") !=
        std::string::npos);
  CHECK(std::distance(std::filesystem::directory_iterator(dir),
                      std::filesystem::directory_iterator()) == 3);
  // A second run never overwrites a plan under review.
  auto again = db.orchestrate({"lint", "--schema", "--write-plans", dir.string()});
  CHECK(again.out.find("exists already: not overwritten") != std::string::npos);

  auto v = db.orchestrate({"validate", plan.string()});
  INFO(v.out << v.err);
  REQUIRE(v.exit_code == 0);
  auto up = db.orchestrate({"up", dir.string()});
  INFO(up.out << up.err);
  REQUIRE(up.exit_code == 0);
  CHECK(db.value("SELECT count(*) FROM legacy_events WHERE created_at = happened_at AND "
                 "updated_at = happened_at") == "50000");
  // Every order's two tags, one row each.
  CHECK(db.value("SELECT count(*) FROM orders_tags") == "4000");
  CHECK(db.value("SELECT count(*) FROM orders_tags WHERE order_id = 1") == "2");
  auto after = db.orchestrate({"--json", "lint", "--schema"});
  REQUIRE(after.exit_code == 0);
  const auto remaining = nlohmann::json::parse(after.out);
  CHECK(find(remaining, "no-timestamps", "legacy_events") == nullptr);
  CHECK(find(remaining, "list-in-string", "orders") == nullptr);
  // customers is keyed by id; email stays unique; orders and reviews point at id.
  CHECK(find(remaining, "natural-key", "customers") == nullptr);
  CHECK(db.value("SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id") ==
        "2000");
  CHECK(db.value("SELECT count(*) FROM reviews r JOIN customers c ON c.id = r.author_id WHERE "
                 "c.email = 'c2@example.com'") == "2");
}

TEST_SUITE_END();

} // namespace test_lint_schema_audit
