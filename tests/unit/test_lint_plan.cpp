#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "kinds_basic_catalog.hpp"
#include "kinds_meta_catalog.hpp"
#include "lint/lint.hpp"
#include "plan/parse.hpp"

namespace test_lint_plan {

using namespace orchestrate;

namespace {
std::vector<LintWarning> lint(const std::string& changes, const LintLive& live = {}) {
  return lint_plan(parse_plan_text("name: p\nchanges:\n" + changes, "p.yaml"), live);
}

bool has(const std::vector<LintWarning>& w, const std::string& rule) {
  return std::any_of(w.begin(), w.end(), [&](const LintWarning& x) { return x.rule == rule; });
}
} // namespace

TEST_SUITE_BEGIN("lint_plan");

TEST_CASE("plans of orchestrate's own change kinds are clean") {
  const Catalog c = kinds_basic::catalog();
  LintLive live;
  live.catalog = &c;
  CHECK(lint("  - rename_column: {table: users, from: email, to: mail}\n", live).empty());
  CHECK(lint("  - create_index: {table: users, name: i, columns: [email]}\n", live).empty());
  CHECK(lint("  - add_column: {table: users, column: note, type: text, fill: \"'x'\"}\n", live)
            .empty());
  CHECK(lint("  - create_table:\n      table: notes\n      columns:\n"
             "        - {name: id, type: bigint, primary_key: true}\n"
             "        - {name: created_at, type: timestamptz, default: now()}\n"
             "        - {name: updated_at, type: timestamptz, default: now()}\n")
            .empty());
  CHECK(lint("  - add_timestamps: {table: users, fill: now()}\n", live).empty());
}

TEST_CASE("an up or down that narrows is flagged at its own line, a plain one is not") {
  auto w = lint("  - change_type:\n      table: users\n      column: email\n"
                "      type: varchar(5)\n      up: email::varchar(5)\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "narrowing-expression");
  CHECK(w[0].mark.line == 7);
  CHECK(w[0].message.find("`::varchar(5)`") != std::string::npos);
  w = lint("  - change_type: {table: t, column: qty, type: \"numeric(10,2)\", down: "
           "\"round(qty)::integer\"}\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].message.find("down of change_type narrows with `round(`") != std::string::npos);
  CHECK(lint("  - change_type: {table: t, column: c, type: varchar(5)}\n").empty());
  CHECK(lint("  - split_column:\n      table: users\n      from: name\n      into:\n"
             "        - {name: a, type: text, up: \"split_part(name, ' ', 1)\"}\n"
             "        - {name: b, type: text, up: \"left(name, 3)\"}\n      down: a\n")
            .size() == 1);
}

TEST_CASE("the data fixes of alter_column, add_unique and add_foreign_key are linted as copies") {
  for (const std::string change :
       {"alter_column: {table: t, column: c, nullable: false, unique: true, up: c::varchar(5)}",
        "add_unique: {table: t, name: k, columns: [c], column: c, up: c::varchar(5)}",
        "add_foreign_key: {table: t, name: f, columns: [c], references: {table: p, columns: "
        "[id]}, column: c, up: c::varchar(5)}"}) {
    CAPTURE(change);
    auto w = lint("  - " + change + "\n");
    REQUIRE(w.size() == 1);
    CHECK(w[0].rule == "narrowing-expression");
  }
  // Without a data fix nothing is copied.
  CHECK(lint("  - alter_column: {table: t, column: c, comment: x, default: \"1\"}\n").empty());
}

TEST_CASE("a backfill on a table with its own triggers is flagged when they cannot be quieted") {
  Catalog c = kinds_basic::catalog();
  c.tables.begin()->second.triggers = {"touch_updated_at", "_orc_sync_ins_x_y"};
  const std::string table = c.tables.begin()->second.name;
  LintLive live;
  live.catalog = &c;
  const std::string change =
      "  - add_column: {table: " + table + ", column: note2, type: text, fill: \"'x'\"}\n";
  auto w = lint(change, live);
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "backfill-fires-triggers");
  CHECK(w[0].message.find("(touch_updated_at)") != std::string::npos);
  live.may_quiet_triggers = true;
  CHECK(lint(change, live).empty());
}

TEST_CASE("unsafe sql in a plan is flagged at the up field's line") {
  const auto w = lint("  - sql:\n      up: CREATE INDEX i ON users (email)\n"
                      "      down: DROP INDEX IF EXISTS i\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "index-not-concurrent");
  CHECK(w[0].mark.line == 4);
}

TEST_CASE("statements of a literal block are flagged at their own line") {
  const auto w = lint("  - sql:\n      up: |\n        ALTER TABLE users ADD COLUMN a int;\n\n"
                      "        CREATE INDEX i ON users (a);\n"
                      "      down: DROP INDEX IF EXISTS i\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].mark.line == 7);
  CHECK(w[0].mark.column == 9);
}

TEST_CASE("views reading a column that contract removes are flagged") {
  const Catalog c = kinds_basic::catalog();
  LintLive live;
  live.catalog = &c;
  live.views = {{"public.user_emails", "public.users", "email"},
                {"public.user_names", "public.users", "name"}};
  const auto w = lint("  - rename_column: {table: users, from: email, to: mail}\n", live);
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "dependent-view");
  CHECK(w[0].message.find("public.user_emails") != std::string::npos);
  CHECK(has(lint("  - drop_table: {table: users}\n", live), "dependent-view"));
  CHECK(lint("  - drop_column: {table: users, column: nickname}\n", live).empty());
}

TEST_CASE("functions whose source mentions a removed column are flagged, best effort") {
  const Catalog c = kinds_basic::catalog();
  LintLive live;
  live.catalog = &c;
  live.functions = {{"public.mailer()", "BEGIN PERFORM email FROM users; END"},
                    {"public.other()", "BEGIN PERFORM emailer FROM users; END"}};
  const auto w = lint("  - drop_column: {table: users, column: email}\n", live);
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "dependent-function");
  CHECK(w[0].message.find("public.mailer()") != std::string::npos);
  CHECK(w[0].message.find("best effort") != std::string::npos);
}

TEST_CASE("COPY and TRUNCATE that pg_stat_statements saw on a table that becomes a view are "
          "flagged") {
  const Catalog c = kinds_basic::catalog();
  LintLive live;
  live.catalog = &c;
  live.copy_or_truncate = {{"COPY users FROM STDIN", 3},
                           {"copy public.users (id, name) TO stdout", 1},
                           {"TRUNCATE TABLE logs, \"users\"", 2},
                           {"COPY users_archive FROM STDIN", 5},
                           {"TRUNCATE accounts", 1}};
  const auto w = lint("  - rename_table: {from: users, to: members}\n", live);
  REQUIRE(w.size() == 3);
  for (const auto& x : w) {
    CHECK(x.rule == "view-limits");
    CHECK(x.mark.line == 3);
    CHECK(x.message.find("users_archive") == std::string::npos);
  }
  CHECK(w[0].message.find("COPY users FROM STDIN` (3 calls)") != std::string::npos);
  CHECK(w[0].message.find("pg_dump") != std::string::npos);
  CHECK(w[2].message.find("TRUNCATE TABLE logs") != std::string::npos);
  CHECK(w[0].alternative.find("new name") != std::string::npos);
  CHECK(lint("  - drop_table: {table: users}\n", live).size() == 3);
  // Other kinds keep the table a table; nothing seen, nothing said.
  CHECK_FALSE(has(lint("  - rename_column: {table: users, from: email, to: mail}\n", live),
                  "view-limits"));
  live.copy_or_truncate.clear();
  CHECK_FALSE(has(lint("  - rename_table: {from: users, to: members}\n", live), "view-limits"));
}

TEST_CASE("a backfill on a table without a key to page by is flagged") {
  Catalog c = kinds_basic::catalog();
  Table logs;
  logs.schema = "public";
  logs.name = "logs";
  logs.columns = {{"line", "text", false, std::nullopt, std::nullopt, false, false, false}};
  c.tables.emplace("public.logs", logs);
  LintLive live;
  live.catalog = &c;
  CHECK(has(lint("  - change_type: {table: logs, column: line, type: varchar(200), "
                 "up: line::varchar(200), down: line::text}\n",
                 live),
            "no-key-to-page-by"));
  CHECK(!has(lint("  - change_type: {table: users, column: name, type: varchar(200), "
                  "up: name::varchar(200), down: name::text}\n",
                  live),
             "no-key-to-page-by"));
  // A rename that copies nothing has no backfill to page.
  CHECK(has(lint("  - rename_column: {table: logs, from: line, to: text_line}\n", live),
            "no-key-to-page-by"));
  CHECK(!has(lint("  - rename_column: {table: logs, from: line, to: text_line, copy: false}\n",
                  live),
             "no-key-to-page-by"));
  CHECK(has(lint("  - create_table:\n      table: notes\n      columns:\n"
                 "        - {name: body, type: text}\n"),
            "no-primary-key"));
}

TEST_CASE("a natural primary key in create_table is flagged at its column, with the fix") {
  auto w = lint("  - create_table:\n      table: people\n      columns:\n"
                "        - {name: email, type: citext, primary_key: true}\n"
                "        - {name: created_at, type: timestamptz}\n"
                "        - {name: updated_at, type: timestamptz}\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "natural-key");
  CHECK(w[0].mark.line == 6);
  CHECK(w[0].message.find("people.email (citext) is the primary key") != std::string::npos);
  CHECK(w[0].alternative.find("GENERATED ALWAYS AS IDENTITY") != std::string::npos);
  // By name, whatever the type; a key list names it too.
  w = lint("  - create_table:\n      table: c\n      primary_key: [country_code]\n"
           "      columns:\n        - {name: country_code, type: integer}\n"
           "        - {name: created_at, type: timestamptz}\n"
           "        - {name: updated_at, type: timestamptz}\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "natural-key");
  CHECK(w[0].mark.line == 7);
  // A varchar key; a bigint id is not.
  CHECK(has(lint("  - create_table:\n      table: c\n      columns:\n"
                 "        - {name: id, type: varchar(20), primary_key: true}\n"),
            "natural-key"));
  CHECK_FALSE(has(lint("  - create_table:\n      table: c\n      columns:\n"
                       "        - {name: id, type: bigint, primary_key: true}\n"
                       "        - {name: email, type: text}\n"),
                  "natural-key"));
}

TEST_CASE("a primary key among create_table's constraints counts as its key") {
  const std::string table = "  - create_table:\n      table: c\n      columns:\n"
                            "        - {name: email, type: text}\n"
                            "        - {name: created_at, type: timestamptz}\n"
                            "        - {name: updated_at, type: timestamptz}\n"
                            "      constraints:\n"
                            "        - {name: c_pk, type: primary_key, columns: [email]}\n";
  const auto w = lint(table);
  CHECK_FALSE(has(w, "no-primary-key"));
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "natural-key");
  CHECK(w[0].message.find("c.email (text) is the primary key") != std::string::npos);
}

TEST_CASE("a list stored in a string is flagged: by its column's name and by string_agg over ids") {
  auto w = lint("  - create_table:\n      table: posts\n      columns:\n"
                "        - {name: id, type: bigint, primary_key: true}\n"
                "        - {name: tag_ids, type: text}\n"
                "        - {name: tags, type: varchar(200)}\n"
                "        - {name: reviewer_list, type: text}\n"
                "        - {name: reviewer_ids, type: \"bigint[]\"}\n"
                "        - {name: created_at, type: timestamptz}\n"
                "        - {name: updated_at, type: timestamptz}\n");
  REQUIRE(w.size() == 3);
  for (const auto& x : w) {
    CHECK(x.rule == "list-in-string");
    CHECK(x.alternative.find("explode_list") != std::string::npos);
  }
  CHECK(w[0].mark.line == 7);
  CHECK(w[0].message.find("posts.tag_ids stores a list in a string") != std::string::npos);
  w = lint("  - add_column: {table: users, column: group_ids, type: text}\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "list-in-string");
  w = lint("  - add_column:\n      table: users\n      column: friends\n      type: text\n"
           "      fill: \"(SELECT string_agg(f.friend_id::text, ',') FROM friends f WHERE "
           "f.user_id = users.id)\"\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "list-in-string");
  CHECK(w[0].mark.line == 7);
  CHECK(w[0].message.find("the fill of add_column") != std::string::npos);
  CHECK(has(lint("  - change_type: {table: t, column: c, type: text, up: \"concat_ws(',', a_id, "
                 "b_id)\", down: c}\n"),
            "list-in-string"));
  CHECK_FALSE(has(lint("  - add_column: {table: users, column: full_name, type: text, fill: "
                       "\"concat_ws(' ', first, last)\"}\n"),
                  "list-in-string"));
}

TEST_CASE("create_table without created_at and updated_at is flagged, naming what is missing") {
  auto w = lint("  - create_table:\n      table: notes\n      columns:\n"
                "        - {name: id, type: bigint, primary_key: true}\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "no-timestamps");
  CHECK(w[0].mark.line == 3);
  CHECK(w[0].message.find("has no neither") == std::string::npos);
  CHECK(w[0].message.find("neither created_at nor updated_at") != std::string::npos);
  CHECK(w[0].alternative.find("add_timestamps") != std::string::npos);
  w = lint("  - create_table:\n      table: notes\n      columns:\n"
           "        - {name: id, type: bigint, primary_key: true}\n"
           "        - {name: inserted_at, type: timestamp}\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].message.find("has no updated_at") != std::string::npos);
  // A text column named created_at records no time.
  CHECK(has(lint("  - create_table:\n      table: notes\n      columns:\n"
                 "        - {name: id, type: bigint, primary_key: true}\n"
                 "        - {name: created_at, type: text}\n"
                 "        - {name: modified_at, type: timestamptz}\n"),
            "no-timestamps"));
}

TEST_CASE("offline, the rules that need the live schema are skipped") {
  CHECK(lint("  - rename_column: {table: users, from: email, to: mail}\n").empty());
}

TEST_CASE("drop_index of the only index serving a foreign key is flagged, with the live schema") {
  Catalog c = kinds_meta::catalog();
  c.tables.at("public.accounts").indexes.push_back(
      {"accounts_user_id_idx", "", {"user_id"}, false, false, true, false, std::nullopt});
  LintLive live;
  live.catalog = &c;
  auto w = lint("  - drop_index: {name: accounts_user_id_idx}\n", live);
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "drop-index-foreign-key");
  CHECK(w[0].message == "drop_index: accounts_user_id_idx is the only index serving foreign key "
                        "accounts_user_id_fkey of accounts; without it every DELETE or key "
                        "UPDATE on users scans the whole of accounts");
  CHECK(lint("  - drop_index: {name: users_name_idx}\n", live).empty());
  // Another index leading with user_id serves it too.
  c.tables.at("public.accounts").indexes.push_back(
      {"accounts_user_id_balance_idx", "", {"user_id", "balance"}, false, false, true, false,
       std::nullopt});
  CHECK(lint("  - drop_index: {name: accounts_user_id_idx}\n", live).empty());
  CHECK(lint("  - drop_index: {name: accounts_user_id_idx}\n").empty()); // offline
}

TEST_CASE("set_replica_identity full is flagged, the others are not") {
  CHECK(has(lint("  - set_replica_identity: {table: users, identity: full}\n"),
            "replica-identity-full"));
  CHECK(lint("  - set_replica_identity: {table: users, identity: default}\n").empty());
  CHECK(lint("  - set_replica_identity: {table: users, index: users_email_idx}\n").empty());
}

TEST_CASE("rename_constraint of a name a function mentions is flagged") {
  const Catalog c = kinds_meta::catalog();
  LintLive live;
  live.catalog = &c;
  live.functions = {{"public.upsert_user(text)",
                     "INSERT INTO users ... ON CONFLICT ON CONSTRAINT users_email_key DO NOTHING"}};
  auto w = lint("  - rename_constraint: {table: users, from: users_email_key, to: k}\n", live);
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "dependent-function");
  CHECK(lint("  - rename_constraint: {table: accounts, from: balance_positive, to: k}\n", live)
            .empty());
  CHECK(lint("  - set_comment: {table: users, comment: x}\n", live).empty());
  CHECK(lint("  - set_default: {table: users, column: name, default: \"'x'\"}\n", live).empty());
}

TEST_CASE("an sql change without down is flagged at its line unless its up runs at contract") {
  auto w = lint("  - sql: {up: select 1, down: select 2}\n"
                "  - sql:\n      up: select 3\n"
                "  - sql: {up: select 4, on_complete: true}\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "sql-no-down");
  CHECK(w[0].mark.line == 4);
  CHECK(w[0].message.find("`orchestrate rollback` of the plan is refused (line 4)") !=
        std::string::npos);
  CHECK(w[0].alternative.find("on_complete: true") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_lint_plan
