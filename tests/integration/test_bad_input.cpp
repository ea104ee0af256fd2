#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "fixture.hpp"

namespace test_bad_input {

TEST_SUITE_BEGIN("bad_input");

TEST_CASE("a plan naming a missing column exits 2 with its position and changes nothing") {
  itest::TestDb db("badplan", 100);
  const std::string before = db.dump();
  const std::string plan = db.write_plan(
      "bad.yaml", "name: bad\nchanges:\n  - rename_column: {table: users, from: phone_nr, to: "
                  "phone}\n");
  auto r = db.orchestrate({"validate", plan});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.yaml:3:41: column users.phone_nr does not exist") != std::string::npos);
  r = db.orchestrate({"start", plan});
  CHECK(r.exit_code == 2);
  CHECK(db.dump() == before);
  CHECK(db.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'orchestrate'") == "0");
}

namespace {

struct BadExpression {
  const char* field;
  const char* changes; // the plan's `changes:` list
  const char* needle;  // the expression, where the error must point
  const char* sqlstate;
};

// Each expression field of each kind that takes one, with a column that does not exist (in a
// default, where PostgreSQL refuses any column, with the SQLSTATE it gives for that).
const BadExpression k_bad_expressions[] = {
    {"change_type.up",
     "  - change_type:\n      table: users\n      column: phone_number\n      type: varchar(64)\n"
     "      up: nosuch_up::varchar(64)\n      down: phone_number::text\n",
     "nosuch_up::varchar(64)", "42703"},
    {"change_type.down",
     "  - change_type:\n      table: users\n      column: phone_number\n      type: varchar(64)\n"
     "      up: phone_number::varchar(64)\n      down: nosuch_down::text\n",
     "nosuch_down::text", "42703"},
    {"set_not_null.fill", "  - set_not_null: {table: users, column: email, fill: nosuch_fill}\n",
     "nosuch_fill", "42703"},
    {"drop_not_null.down",
     "  - drop_not_null: {table: users, column: phone_number, down: nosuch_down}\n",
     "nosuch_down", "42703"},
    {"split_column.into.up",
     "  - split_column:\n      table: users\n      from: name\n      into:\n"
     "        - {name: first_name, type: text, up: nosuch_first}\n"
     "        - {name: last_name, type: text, up: name}\n"
     "      down: concat_ws(' ', first_name, last_name)\n",
     "nosuch_first", "42703"},
    {"split_column.down",
     "  - split_column:\n      table: users\n      from: name\n      into:\n"
     "        - {name: first_name, type: text, up: name}\n"
     "        - {name: last_name, type: text, up: name}\n"
     "      down: nosuch_down || first_name\n",
     "nosuch_down || first_name", "42703"},
    {"merge_columns.into.up",
     "  - merge_columns:\n      table: users\n      from: [name, phone_number]\n"
     "      into: {name: label, type: text, up: nosuch_label}\n"
     "      down:\n        name: label\n        phone_number: label\n",
     "nosuch_label", "42703"},
    {"merge_columns.down",
     "  - merge_columns:\n      table: users\n      from: [name, phone_number]\n"
     "      into: {name: label, type: text, up: name || phone_number}\n"
     "      down:\n        name: label\n        phone_number: nosuch_phone\n",
     "nosuch_phone", "42703"},
    {"add_column.fill", "  - add_column: {table: users, column: nick, type: text, fill: nosuch_fill}\n",
     "nosuch_fill", "42703"},
    {"add_column.default",
     "  - add_column: {table: users, column: nick, type: text, default: nosuch_default}\n",
     "nosuch_default", "0A000"},
    {"add_column.check",
     "  - add_column: {table: users, column: nick, type: text, check: nosuch_check > 0}\n",
     "nosuch_check > 0", "42703"},
    {"add_check.check", "  - add_check: {table: users, name: c, check: nosuch_check > 0}\n",
     "nosuch_check > 0", "42703"},
    {"create_index.expression",
     "  - create_index: {table: users, name: i, expression: nosuch_expr}\n", "nosuch_expr",
     "42703"},
    {"create_index.where",
     "  - create_index: {table: users, name: i, columns: [email], where: nosuch_where IS NOT NULL}\n",
     "nosuch_where IS NOT NULL", "42703"},
    {"add_timestamps.fill", "  - add_timestamps: {table: orders, fill: nosuch_fill}\n",
     "nosuch_fill", "42703"},
    {"add_timestamps.updated_fill",
     "  - add_timestamps: {table: orders, fill: placed_at, updated_fill: nosuch_updated}\n",
     "nosuch_updated", "42703"},
    {"add_timestamps.default",
     "  - add_timestamps: {table: orders, fill: placed_at, default: nosuch_default}\n",
     "nosuch_default", "0A000"},
    {"create_table.default",
     "  - create_table:\n      table: audit\n      columns:\n"
     "        - {name: id, type: bigint, primary_key: true}\n"
     "        - {name: at, type: timestamptz, default: nosuch_at}\n",
     "nosuch_at", "0A000"},
    // A change after another change of the same table is compiled too.
    {"change_type.down after add_column",
     "  - add_column: {table: users, column: nick, type: text}\n"
     "  - change_type:\n      table: users\n      column: phone_number\n      type: varchar(64)\n"
     "      up: phone_number::varchar(64)\n      down: nosuch_down::text\n",
     "nosuch_down::text", "42703"},
};

// "line:col" (1-based) of the first occurrence of `needle` in `text`.
std::string mark_of(const std::string& text, const std::string& needle) {
  const auto pos = text.find(needle);
  REQUIRE(pos != std::string::npos);
  const auto line_start = text.rfind('\n', pos);
  const long line = std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n') + 1;
  const auto column = pos - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  return std::to_string(line) + ":" + std::to_string(column);
}

} // namespace

TEST_CASE("validate compiles every expression against the live schema, at its position") {
  itest::TestDb db("bad_expressions", 100);
  db.exec("CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz NOT NULL); "
          "INSERT INTO orders SELECT i, now() FROM generate_series(1, 10) i");
  const std::string before = db.dump();
  for (const auto& bad : k_bad_expressions) {
    const std::string field = bad.field;
    CAPTURE(field);
    const std::string text = std::string("name: bad-expression\nchanges:\n") + bad.changes;
    const std::string plan = db.write_plan("bad-expression.yaml", text);
    const std::string at = "bad-expression.yaml:" + mark_of(text, bad.needle) + ": ";
    auto r = db.orchestrate({"validate", plan});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(at) != std::string::npos);
    CHECK(r.err.find(std::string("[") + bad.sqlstate + "]") != std::string::npos);
    // lint refuses it the same way.
    auto l = db.orchestrate({"lint", plan});
    INFO(l.out << l.err);
    CHECK(l.exit_code == 2);
    CHECK(l.err.find(at) != std::string::npos);
  }
  CHECK(db.dump() == before);
  CHECK(db.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'orchestrate'") == "0");
  CHECK(db.value("SELECT count(*) FROM orders") == "10");
}

TEST_CASE("drop_not_null without down exits 2 at the change and changes nothing") {
  itest::TestDb db("dnn_no_down", 10);
  const std::string before = db.dump();
  const std::string plan = db.write_plan(
      "nodown.yaml",
      "name: nodown\nchanges:\n  - drop_not_null: {table: users, column: phone_number}\n");
  for (const char* command : {"validate", "lint", "start"}) {
    CAPTURE(command);
    auto r = db.orchestrate({command, plan});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nodown.yaml:3:20: drop_not_null: 'down' is required") != std::string::npos);
  }
  CHECK(db.dump() == before);
  CHECK(db.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'orchestrate'") == "0");
}

TEST_CASE("an expression over a column an earlier change of the plan adds is valid") {
  itest::TestDb db("good_expressions", 100);
  const std::string before = db.dump();
  const std::string plan = db.write_plan(
      "later.yaml", "name: later\nchanges:\n"
                    "  - add_column: {table: users, column: nick, type: text}\n"
                    "  - add_check: {table: users, name: nick_short, check: length(nick) < 40}\n"
                    "  - create_index: {table: users, name: users_nick_idx, expression: "
                    "lower(nick), where: nick IS NOT NULL}\n");
  auto r = db.orchestrate({"validate", plan});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(db.dump() == before);
}

TEST_CASE("a changed plan file cannot reuse a registered name") {
  itest::TestDb db("checksum", 100);
  const std::string a = db.write_plan(
      "a.yaml", "name: p\nchanges:\n  - rename_column: {table: users, from: phone_number, to: "
                "phone}\n");
  const std::string b = db.write_plan(
      "b.yaml", "name: p\nchanges:\n  - rename_column: {table: users, from: phone_number, to: "
                "tel}\n");
  REQUIRE(db.orchestrate({"start", a}).exit_code == 0);
  auto r = db.orchestrate({"start", b});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("already used by a plan with checksum") != std::string::npos);
}

TEST_CASE("unknown plan names, bad flags and bad durations exit 2") {
  itest::TestDb db("flags", 10);
  CHECK(db.orchestrate({"next", "nope"}).exit_code == 2);
  CHECK(db.orchestrate({"next", "--batch-size", "zero"}).exit_code == 2);
  CHECK(db.orchestrate({"--lock-timeout", "soon", "status"}).exit_code == 2);
  CHECK(db.orchestrate({"frobnicate"}).exit_code == 2);
}

TEST_CASE("passwords never reach the output") {
  auto r = test_support::run_process(
      {ORCHESTRATE_BIN, "--db", "postgresql://alice:s3cr3t-pw@127.0.0.1:1/db", "status"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("s3cr3t-pw") == std::string::npos);
  CHECK(r.err.find("alice:***@") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_bad_input
