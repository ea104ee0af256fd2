#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_create_table {

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_create_table");

TEST_CASE("a table is created at expand and checked by every later gate") {
  auto w = render("  - create_table:\n      table: tags\n      columns:\n"
                  "        - {name: id, type: bigint, primary_key: true}\n"
                  "        - {name: user_id, type: bigint, nullable: false, references: users(id)}\n"
                  "        - {name: label, type: text, default: \"''\"}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql == "CREATE TABLE IF NOT EXISTS \"public\".\"tags\" (\n"
                               "  \"id\" bigint,\n"
                               "  \"user_id\" bigint NOT NULL REFERENCES \"public\".\"users\" (\"id\"),\n"
                               "  \"label\" text DEFAULT '',\n"
                               "  PRIMARY KEY (\"id\")\n)");
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition, Phase::contract}) {
    CHECK(w.at(p).steps.empty());
    CHECK(has_check(w.at(p), "create_table.tags.exists"));
  }
  CHECK(rollback_has(w, Phase::transition, "DROP TABLE IF EXISTS \"public\".\"tags\""));
}

TEST_CASE("a later change in the plan can use the new table") {
  auto w = render("  - create_table: {table: tags, primary_key: [id], columns: [{name: id, type: "
                  "int}, {name: label, type: text}]}\n"
                  "  - create_index: {table: tags, name: tags_label_idx, columns: [label]}\n");
  CHECK(has_step(w.at(Phase::expand), "\"tags_label_idx\" ON \"public\".\"tags\""));
}

TEST_CASE("create_table refuses an existing table and unknown key columns") {
  CHECK(plan_error("  - create_table: {table: users, columns: [{name: id, type: int}]}\n")
            .find("p.yaml:3:27: create_table: public.users already exists") != std::string::npos);
  CHECK(plan_error("  - create_table: {table: t, primary_key: nope, columns: [{name: id, type: "
                   "int}]}\n")
            .find("primary key column nope is not in 'columns'") != std::string::npos);
  CHECK(plan_error("  - create_table: {table: t, columns: [{name: id, type: int, references: "
                   "nope(id)}]}\n")
            .find("table public.nope does not exist") != std::string::npos);
}

TEST_CASE("every column option, a named primary key, every table constraint type and the "
          "comments go into the one statement at expand") {
  auto w = render(R"(  - create_table:
      table: bookings
      comment: "who holds which room, when"
      primary_key_name: bookings_pk
      primary_key: [id]
      columns:
        - {name: id, type: bigint, identity: always, identity_options: "START WITH 10 INCREMENT BY 2"}
        - {name: room, type: int, nullable: false, check: room > 0, check_name: bookings_room_positive,
           check_no_inherit: true}
        - {name: code, type: text, unique: true, unique_name: bookings_code_uq, comment: "door code"}
        - {name: user_id, type: bigint, references: {table: users, column: id, name: bookings_user_fk,
           on_delete: cascade, on_update: restrict, match: full, deferrable: true,
           initially_deferred: true}}
        - {name: nights, type: int, default: "1", check: nights < 60}
        - {name: price, type: numeric, generated: nights * 100}
        - {name: during, type: tstzrange}
        - {name: parent_id, type: bigint, references: bookings(id)}
        - {name: seq, type: int, identity: by_default}
      constraints:
        - {name: bookings_room_code_key, type: unique, columns: [room, code], nulls_not_distinct: true,
           include: [nights], storage_parameters: fillfactor=70, deferrable: true}
        - {name: bookings_nights_min, type: check, check: nights >= 1, no_inherit: true}
        - {name: bookings_user_room_fk, type: foreign_key, columns: [user_id, room],
           references: {table: accounts, columns: [user_id, id], on_delete: set_null,
           on_update: cascade, match: simple}, initially_deferred: true}
        - {name: bookings_no_overlap, type: exclude, exclude: {method: gist,
           elements: "during WITH &&", where: "room > 0"}, deferrable: true}
)");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql ==
        "CREATE TABLE IF NOT EXISTS \"public\".\"bookings\" (\n"
        "  \"id\" bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 2),\n"
        "  \"room\" int NOT NULL CONSTRAINT \"bookings_room_positive\" CHECK (room > 0) NO "
        "INHERIT,\n"
        "  \"code\" text CONSTRAINT \"bookings_code_uq\" UNIQUE,\n"
        "  \"user_id\" bigint CONSTRAINT \"bookings_user_fk\" REFERENCES \"public\".\"users\" "
        "(\"id\") MATCH FULL ON DELETE CASCADE ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED,\n"
        "  \"nights\" int DEFAULT 1 CHECK (nights < 60),\n"
        "  \"price\" numeric GENERATED ALWAYS AS (nights * 100) STORED,\n"
        "  \"during\" tstzrange,\n"
        "  \"parent_id\" bigint REFERENCES \"public\".\"bookings\" (\"id\"),\n"
        "  \"seq\" int GENERATED BY DEFAULT AS IDENTITY,\n"
        "  CONSTRAINT \"bookings_pk\" PRIMARY KEY (\"id\"),\n"
        "  CONSTRAINT \"bookings_room_code_key\" UNIQUE NULLS NOT DISTINCT (\"room\", \"code\") "
        "INCLUDE (\"nights\") WITH (fillfactor=70) DEFERRABLE,\n"
        "  CONSTRAINT \"bookings_nights_min\" CHECK (nights >= 1) NO INHERIT,\n"
        "  CONSTRAINT \"bookings_user_room_fk\" FOREIGN KEY (\"user_id\", \"room\") REFERENCES "
        "\"public\".\"accounts\" (\"user_id\", \"id\") MATCH SIMPLE ON DELETE SET NULL ON UPDATE "
        "CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
        "  CONSTRAINT \"bookings_no_overlap\" EXCLUDE USING gist (during WITH &&) WHERE (room > 0) "
        "DEFERRABLE\n"
        ");\n"
        "COMMENT ON TABLE \"public\".\"bookings\" IS 'who holds which room, when';\n"
        "COMMENT ON COLUMN \"public\".\"bookings\".\"code\" IS 'door code'");
}

TEST_CASE("the new table's constraints are in the catalog later changes see") {
  // A later unique on a name the table's constraints took is refused; the constraint names
  // PostgreSQL gives unnamed column constraints are taken too.
  const std::string table = "  - create_table:\n      table: t\n      primary_key_name: t_pk\n"
                            "      columns:\n"
                            "        - {name: id, type: bigint, primary_key: true}\n"
                            "        - {name: a, type: int, unique: true, check: a > 0}\n"
                            "      constraints:\n"
                            "        - {name: t_ex, type: exclude, exclude: {elements: a WITH =}}\n";
  CHECK(plan_error(table + "  - create_index: {table: t, name: t_pk, columns: [a]}\n")
            .find("the name t_pk is already taken") != std::string::npos);
  CHECK(plan_error(table + "  - create_index: {table: t, name: t_ex, columns: [a]}\n")
            .find("the name t_ex is already taken") != std::string::npos);
  CHECK(plan_error(table + "  - create_index: {table: t, name: t_a_key, columns: [a]}\n")
            .find("the name t_a_key is already taken") != std::string::npos);
  CHECK(plan_error(table + "  - add_check: {table: t, name: t_a_check, check: a < 9}\n")
            .find("the name t_a_check is already taken") != std::string::npos);
  // A foreign key may point at the new table's unique column.
  CHECK(plan_error(table + "  - add_foreign_key: {table: accounts, name: f, columns: [id], "
                           "references: {table: t, columns: [a]}}\n")
            .empty());
}

TEST_CASE("create_table compiles types, generated expressions, identity options, checks and "
          "index-backed constraints at validate, each at its field") {
  const auto checks = plan_live_checks(
      parse_plan_text("name: p\nchanges:\n  - create_table:\n      table: t\n"
                      "      columns:\n"
                      "        - {name: id, type: bigint, identity: always, identity_options: "
                      "\"START WITH 10\"}\n"
                      "        - {name: a, type: int, check: a > 0, generated: id * 2}\n"
                      "      constraints:\n"
                      "        - {name: t_a_key, type: unique, columns: [a], storage_parameters: "
                      "fillfactor=70}\n"
                      "        - {name: t_fk, type: foreign_key, columns: [id], references: "
                      "{table: users, columns: [id]}}\n",
                      "p.yaml"),
      catalog());
  std::vector<std::string> whats;
  for (const auto& c : checks) {
    whats.push_back(c.what);
  }
  CHECK(whats == std::vector<std::string>{"create_table.type", "create_table.type",
                                          "create_table.identity", "create_table.generated",
                                          "create_table.check", "create_table.constraints"});
  REQUIRE(checks.size() == 6);
  CHECK(checks[0].sql == "CREATE TEMP TABLE _orc_row (\"id\" bigint) ON COMMIT DROP;\nSELECT 1");
  CHECK(checks[0].mark.line == 6);
  CHECK(checks[2].sql == "CREATE TEMP TABLE _orc_row (\"id\" bigint, \"a\" int) ON COMMIT DROP;\n"
                         "ALTER TABLE pg_temp._orc_row ADD COLUMN _orc_identity bigint GENERATED "
                         "ALWAYS AS IDENTITY (START WITH 10)");
  CHECK(checks[3].sql.find("ADD COLUMN _orc_generated int GENERATED ALWAYS AS (id * 2) STORED") !=
        std::string::npos);
  CHECK(checks[3].mark.line == 7);
  CHECK(checks[4].sql.find("ADD CHECK (a > 0)") != std::string::npos);
  CHECK(checks[5].sql.find("ALTER TABLE pg_temp._orc_row ADD CONSTRAINT \"t_a_key\" UNIQUE "
                           "(\"a\") WITH (fillfactor=70)") != std::string::npos);
  CHECK(checks[5].mark.line == 9);
}

TEST_CASE("create_table refuses malformed options at their position") {
  const std::string head = "  - create_table:\n      table: t\n      columns:\n"
                           "        - {name: id, type: bigint, primary_key: true}\n";
  CHECK(plan_error(head + "        - {name: a, type: int, identity: sometimes}\n")
            .find("p.yaml:7:42: create_table: 'identity' must be always or by_default, got "
                  "'sometimes'") != std::string::npos);
  CHECK(plan_error(head + "        - {name: a, type: int, identity: always, default: \"1\"}\n")
            .find("column a has both 'default' and 'identity'; give one") != std::string::npos);
  CHECK(plan_error(head + "        - {name: a, type: int, generated: id, default: \"1\"}\n")
            .find("column a has both 'default' and 'generated'") != std::string::npos);
  CHECK(plan_error(head + "        - {name: a, type: int, identity_options: START WITH 1}\n")
            .find("'identity_options' goes with 'identity'") != std::string::npos);
  CHECK(plan_error(head + "        - {name: a, type: int, unique_name: u}\n")
            .find("'unique_name' names the constraint of 'unique: true'") != std::string::npos);
  CHECK(plan_error(head + "        - {name: a, type: int, check_name: c}\n")
            .find("'check_name' and 'check_no_inherit' go with 'check'") != std::string::npos);
  CHECK(plan_error(head + "        - {name: a, type: int, references: {table: users, column: id, "
                          "match: partial}}\n")
            .find("'match' must be simple or full") != std::string::npos);
  CHECK(plan_error(head + "        - {name: a, type: int, references: {table: users, column: id, "
                          "on_delete: boom}}\n")
            .find("'on_delete' must be cascade") != std::string::npos);
  CHECK(plan_error(head + "      constraints:\n        - {name: k, type: key, columns: [id]}\n")
            .find("p.yaml:8:27: create_table: a constraint's 'type' must be unique, check, "
                  "primary_key, foreign_key or exclude, got 'key'") != std::string::npos);
  CHECK(plan_error(head + "      constraints:\n        - {name: k, type: check, check: id > 0, "
                          "include: [id]}\n")
            .find("a check constraint takes no 'include'") != std::string::npos);
  CHECK(plan_error(head + "      constraints:\n        - {name: k, type: check, check: id > 0, "
                          "deferrable: true}\n")
            .find("a check constraint takes no 'deferrable'") != std::string::npos);
  CHECK(plan_error(head + "      constraints:\n        - {name: k, type: unique, columns: [nope]}\n")
            .find("constraint column nope is not in 'columns'") != std::string::npos);
  CHECK(plan_error(head + "      constraints:\n        - {name: k, type: primary_key, columns: "
                          "[id]}\n")
            .find("the table has a primary key already; give it once") != std::string::npos);
  CHECK(plan_error(head + "      constraints:\n        - {name: k, type: exclude, exclude: "
                          "{method: gist}}\n")
            .find("'elements'") != std::string::npos);
  CHECK(plan_error(head + "      constraints:\n        - {name: k, type: foreign_key, columns: "
                          "[id], references: {table: users, columns: [id, name]}}\n")
            .find("must name as many columns") != std::string::npos);
  CHECK(plan_error(head + "      constraints:\n        - {name: k, type: foreign_key, columns: "
                          "[id], references: {table: nope, columns: [id]}}\n")
            .find("table public.nope does not exist") != std::string::npos);
  // Names: both namespaces, and each other.
  CHECK(plan_error(head + "      constraints:\n        - {name: users_pkey, type: unique, "
                          "columns: [id]}\n")
            .find("the name users_pkey is already taken") != std::string::npos);
  CHECK(plan_error(head + "      constraints:\n        - {name: users_pkey, type: check, "
                          "check: id > 0}\n")
            .empty());
  CHECK(plan_error(head + "      constraints:\n        - {name: t_pkey, type: check, "
                          "check: id > 0}\n")
            .find("the name t_pkey is already taken") != std::string::npos);
  CHECK(plan_error("  - create_table: {table: t, primary_key_name: k, columns: [{name: id, type: "
                   "int}]}\n")
            .find("'primary_key_name' names the key of 'primary_key'") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_create_table
