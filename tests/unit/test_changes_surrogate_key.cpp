#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_surrogate_key {

using namespace orchestrate;

namespace {

Column col(const std::string& name, const std::string& type, bool not_null) {
  return {name, type, not_null, std::nullopt, std::nullopt, false, false, false};
}

Index pkey(const std::string& table, const std::string& column) {
  return {table + "_pkey", "", {column}, true, true, true, false, table + "_pkey"};
}

// customers keyed by email; orders (NOT NULL, cascading) and reviews point at it.
Catalog catalog() {
  Catalog c = kinds_basic::catalog();
  Table customers;
  customers.schema = "public";
  customers.name = "customers";
  customers.columns = {col("email", "text", true), col("name", "text", true)};
  customers.indexes = {pkey("customers", "email")};
  customers.referenced_by = {{"orders_customer_email_fkey", "orders", {"email"}},
                             {"reviews_author_email_fkey", "reviews", {"email"}}};
  c.tables.emplace("public.customers", customers);
  Table orders;
  orders.schema = "public";
  orders.name = "orders";
  orders.columns = {col("id", "bigint", true), col("customer_email", "text", true)};
  orders.indexes = {pkey("orders", "id")};
  orders.constraints = {{"orders_customer_email_fkey", 'f',
                         "FOREIGN KEY (customer_email) REFERENCES customers(email) ON DELETE "
                         "CASCADE",
                         {"customer_email"}, true, "customers", {"email"}}};
  c.tables.emplace("public.orders", orders);
  Table reviews;
  reviews.schema = "public";
  reviews.name = "reviews";
  reviews.columns = {col("id", "bigint", true), col("author", "text", false)};
  reviews.indexes = {pkey("reviews", "id")};
  reviews.constraints = {{"reviews_author_email_fkey", 'f',
                          "FOREIGN KEY (author) REFERENCES customers(email)",
                          {"author"}, true, "customers", {"email"}}};
  c.tables.emplace("public.reviews", reviews);
  return c;
}

PlanWork render(const std::string& change) {
  return render_plan(parse_plan_text("name: p\nchanges:\n" + change, "p.yaml"), catalog(),
                     {.stable_shapes = false});
}

std::string error(const std::string& change) {
  try {
    render(change);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& sql, const std::string& part) {
  return sql.find(part) != std::string::npos;
}

const Step* step(const PhaseWork& w, const std::string& id) {
  for (const auto& s : w.steps) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}

const char* k_change = "  - surrogate_key: {table: customers}\n";

} // namespace

TEST_SUITE_BEGIN("changes_surrogate_key");

TEST_CASE("expand adds the surrogate with its sequence, key function and unique index") {
  auto w = render(k_change);
  const auto& expand = w.at(Phase::expand);
  const Step* add = step(expand, "surrogate_key.customers.add");
  REQUIRE(add != nullptr);
  CHECK(has(add->sql, "CREATE SEQUENCE IF NOT EXISTS \"public\".\"_orc_seq_customers_id\" AS "
                      "bigint;\n"));
  CHECK(has(add->sql, "ALTER TABLE \"public\".\"customers\"\n  ADD COLUMN IF NOT EXISTS \"id\" "
                      "bigint,\n  ALTER COLUMN \"id\" SET DEFAULT pg_catalog.nextval("
                      "'\"public\".\"_orc_seq_customers_id\"'::regclass);\n"));
  CHECK(has(add->sql, "CREATE OR REPLACE FUNCTION \"public\".\"_orc_sk_customers_id\"(_key text) "
                      "RETURNS bigint"));
  // A row not reached by the backfill gets its surrogate once, under its row lock.
  CHECK(has(add->sql, "WHERE _t.\"email\" = _key AND _t.\"id\" IS NULL RETURNING _t.\"id\" INTO "
                      "_id;"));
  const Step* index = step(expand, "surrogate_key.customers.index.build");
  REQUIRE(index != nullptr);
  CHECK(index->sql == "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"customers_id_key\" ON "
                      "\"public\".\"customers\" USING btree (\"id\")");
  CHECK_FALSE(index->in_transaction);
  // Each referencing table: its new column and marker, an index on the new column.
  const Step* orders = step(expand, "surrogate_key.orders.customer_id.add_columns");
  REQUIRE(orders != nullptr);
  CHECK(has(orders->sql, "ADD COLUMN IF NOT EXISTS \"customer_id\" bigint"));
  CHECK(has(orders->sql, "ADD COLUMN IF NOT EXISTS \"_orc_side_orders_customer_id\" \"char\""));
  REQUIRE(step(expand, "surrogate_key.orders.customer_id.index.build") != nullptr);
  // reviews.author does not end in _email: the new column is named after the table.
  REQUIRE(step(expand, "surrogate_key.reviews.customer_id.add_columns") != nullptr);
}

TEST_CASE("dual-write: each side is the other's lookup, the new foreign key NOT VALID keeps the "
          "old one's actions") {
  auto w = render(k_change);
  const auto& dw = w.at(Phase::dual_write);
  const Step* sync = step(dw, "surrogate_key.orders.customer_id.sync");
  REQUIRE(sync != nullptr);
  CHECK(has(sync->sql, "\"public\".\"_orc_sk_customers_id\"(\"customer_email\")"));
  CHECK(has(sync->sql, "\"public\".\"_orc_nk_customers_id\"(\"customer_id\")"));
  CHECK(has(sync->sql, "orchestrate.new_app"));
  const Step* fk = step(dw, "surrogate_key.orders.customer_id.foreign_key");
  REQUIRE(fk != nullptr);
  CHECK(has(fk->sql, "FOREIGN KEY (\"customer_id\") REFERENCES \"public\".\"customers\" (\"id\") "
                     "ON DELETE CASCADE NOT VALID"));
  const Step* fk2 = step(dw, "surrogate_key.reviews.customer_id.foreign_key");
  REQUIRE(fk2 != nullptr);
  CHECK(has(fk2->sql, "REFERENCES \"public\".\"customers\" (\"id\") NOT VALID"));
  // orders.customer_email is NOT NULL, so customer_id will be: a CHECK NOT VALID first.
  CHECK(step(dw, "surrogate_key.orders.customer_id.not_null_check") != nullptr);
  CHECK(step(dw, "surrogate_key.reviews.customer_id.not_null_check") == nullptr);
  CHECK(step(dw, "surrogate_key.customers.not_null_check") != nullptr);
}

TEST_CASE("backfill fills the table's surrogates first, then the referencing columns") {
  auto w = render(k_change);
  const auto& b = w.at(Phase::backfill).backfills;
  REQUIRE(b.size() == 3);
  CHECK(b[0].table == "customers");
  CHECK(b[0].assignments ==
        "\"id\" = pg_catalog.nextval('\"public\".\"_orc_seq_customers_id\"'::regclass)");
  CHECK(b[0].differs == "\"public\".\"customers\".\"id\" IS NULL");
  CHECK(b[0].key == std::vector<std::string>{"email"});
  CHECK(b[1].table == "orders");
  CHECK(has(b[1].assignments, "\"public\".\"_orc_sk_customers_id\"(\"customer_email\")"));
  CHECK(b[2].table == "reviews");
}

TEST_CASE("transition validates the foreign keys and builds the natural key's unique index") {
  auto w = render(k_change);
  const auto& t = w.at(Phase::transition);
  REQUIRE(step(t, "surrogate_key.orders.customer_id.validate") != nullptr);
  CHECK(has(step(t, "surrogate_key.orders.customer_id.validate")->sql,
            "ALTER TABLE \"public\".\"orders\" VALIDATE CONSTRAINT \"orders_customer_id_fkey\""));
  const Step* key = step(t, "surrogate_key.customers.key_index.build");
  REQUIRE(key != nullptr);
  CHECK(key->sql == "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"customers_email_key\" ON "
                    "\"public\".\"customers\" USING btree (\"email\")");
}

TEST_CASE("contract drops the old columns, then moves the primary key and makes an identity") {
  auto w = render(k_change);
  const auto& steps = w.at(Phase::contract).steps;
  REQUIRE(steps.size() == 4);
  CHECK(steps[0].id == "surrogate_key.orders.customer_id.swap");
  CHECK(has(steps[0].sql, "DROP COLUMN IF EXISTS \"customer_email\""));
  CHECK(steps[1].id == "surrogate_key.reviews.customer_id.swap");
  CHECK(steps[2].id == "surrogate_key.customers.primary_key");
  CHECK(has(steps[2].sql, "ALTER TABLE \"public\".\"customers\" DROP CONSTRAINT "
                          "\"customers_pkey\";\n"
                          "    ALTER TABLE \"public\".\"customers\" ADD CONSTRAINT "
                          "\"customers_email_key\" UNIQUE USING INDEX \"customers_email_key\";\n"
                          "    ALTER TABLE \"public\".\"customers\" ADD CONSTRAINT "
                          "\"customers_pkey\" PRIMARY KEY USING INDEX \"customers_id_key\";\n"));
  CHECK(steps[3].id == "surrogate_key.customers.identity");
  CHECK(has(steps[3].sql, "ADD GENERATED BY DEFAULT AS IDENTITY"));
  CHECK(has(steps[3].sql, "DROP SEQUENCE IF EXISTS \"public\".\"_orc_seq_customers_id\""));
  CHECK(has(steps[3].sql, "DROP FUNCTION IF EXISTS \"public\".\"_orc_sk_customers_id\"(text);\n"
                          "DROP FUNCTION IF EXISTS \"public\".\"_orc_nk_customers_id\"(bigint)"));
}

TEST_CASE("rollback drops the referencing columns before the table's surrogate") {
  auto w = render(k_change);
  const auto& rb = w.rollback[static_cast<int>(Phase::transition)];
  REQUIRE(rb.size() == 3);
  CHECK(rb[0].id == "rollback.surrogate_key.reviews.customer_id.drop");
  CHECK(rb[1].id == "rollback.surrogate_key.orders.customer_id.drop");
  CHECK(rb[2].id == "rollback.surrogate_key.customers.drop");
  CHECK(has(rb[2].sql, "DROP INDEX IF EXISTS \"public\".\"customers_email_key\";\n"
                       "ALTER TABLE \"public\".\"customers\" DROP COLUMN IF EXISTS \"id\";\n"
                       "DROP SEQUENCE IF EXISTS \"public\".\"_orc_seq_customers_id\""));
}

TEST_CASE("referencing lists names the new columns and must cover every foreign key") {
  auto w = render("  - surrogate_key:\n      table: customers\n      column: customer_no\n"
                  "      referencing:\n"
                  "        - {table: orders, column: customer_email, new_column: buyer_no}\n"
                  "        - {table: reviews, column: author}\n");
  CHECK(step(w.at(Phase::expand), "surrogate_key.orders.buyer_no.add_columns") != nullptr);
  CHECK(step(w.at(Phase::expand), "surrogate_key.reviews.customer_customer_no.add_columns") !=
        nullptr);
  CHECK(has(error("  - surrogate_key:\n      table: customers\n      referencing:\n"
                  "        - {table: orders, column: customer_email}\n"),
            "foreign key reviews_author_email_fkey of reviews(author) references "
            "customers(email) too; list it under referencing"));
  CHECK(has(error("  - surrogate_key:\n      table: customers\n      referencing:\n"
                  "        - {table: orders, column: id}\n        - {table: reviews, column: "
                  "author}\n"),
            "orders.id has no foreign key referencing customers(email)"));
}

TEST_CASE("refused: a surrogate that exists, a new column that clashes, a bad type") {
  CHECK(has(error("  - surrogate_key: {table: customers, column: name}\n"), "name"));
  CHECK(has(error("  - surrogate_key:\n      table: customers\n      referencing:\n"
                  "        - {table: orders, column: customer_email, new_column: id}\n"
                  "        - {table: reviews, column: author}\n"),
            "orders.id exists already; name the new column with new_column"));
  CHECK(has(error("  - surrogate_key: {table: customers, type: text}\n"),
            "'type' must be bigint or integer"));
}

TEST_SUITE_END();

} // namespace test_changes_surrogate_key
