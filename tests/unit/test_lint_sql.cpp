#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "lint/lint.hpp"

namespace test_lint_sql {

using namespace orchestrate;

namespace {
std::vector<std::string> rules(const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& w : lint_sql(sql, Mark{3, 7})) {
    out.push_back(w.rule);
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& rule) {
  return std::find(v.begin(), v.end(), rule) != v.end();
}
} // namespace

TEST_SUITE_BEGIN("lint_sql");

TEST_CASE("safe statements give no warning") {
  CHECK(rules("CREATE TABLE IF NOT EXISTS notes (id bigint primary key, body text)").empty());
  CHECK(rules("ALTER TABLE users ADD CONSTRAINT c CHECK (id > 0) NOT VALID").empty());
  CHECK(rules("ALTER TABLE users VALIDATE CONSTRAINT c").empty());
  CHECK(rules("ALTER TABLE a ADD CONSTRAINT f FOREIGN KEY (u) REFERENCES users (id) NOT VALID")
            .empty());
  CHECK(rules("ALTER TABLE users ADD COLUMN note text").empty());
  CHECK(rules("ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()")
            .empty());
  CHECK(rules("ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX users_email_idx").empty());
  CHECK(rules("SET lock_timeout = '1s'; UPDATE settings SET v = 1 WHERE k = 'x'").empty());
  CHECK(rules("VACUUM users").empty());
}

TEST_CASE("a non-concurrent index build is flagged with create_index as the alternative") {
  const auto w = lint_sql("-- comment\ncreate   index users_email on users (email)", Mark{3, 7});
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "index-not-concurrent");
  CHECK(w[0].mark.line == 3);
  CHECK(w[0].alternative.find("create_index") != std::string::npos);
  // CONCURRENTLY cannot run in the sql change's transaction either.
  CHECK(has(rules("CREATE INDEX CONCURRENTLY i ON users (email)"), "concurrently-in-transaction"));
}

TEST_CASE("constraints without NOT VALID are flagged") {
  CHECK(has(rules("ALTER TABLE users ADD CONSTRAINT c CHECK (id > 0)"), "check-not-valid"));
  CHECK(has(rules("ALTER TABLE a ADD CONSTRAINT f FOREIGN KEY (u) REFERENCES users (id)"),
            "foreign-key-not-valid"));
  CHECK(has(rules("ALTER TABLE users ADD CONSTRAINT u UNIQUE (email)"), "unique-without-index"));
}

TEST_CASE("exclusion constraints and primary keys that build their index are flagged") {
  const auto w = lint_sql("ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist "
                          "(room WITH =, during WITH &&)",
                          Mark{4, 9});
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "exclusion-builds-index");
  CHECK(w[0].mark.line == 4);
  CHECK(w[0].mark.column == 9);
  CHECK(w[0].message.find("no_overlap EXCLUDE on bookings") != std::string::npos);
  CHECK(w[0].message.find("ACCESS EXCLUSIVE") != std::string::npos);
  CHECK(w[0].alternative.find("unique index") != std::string::npos);
  // Unnamed, lower case, among other statements: found all the same.
  CHECK(has(rules("select 1; alter table b add exclude (room with =)"), "exclusion-builds-index"));
  // PRIMARY KEY builds its index too, unless it takes one built beforehand.
  CHECK(has(rules("ALTER TABLE users ADD PRIMARY KEY (id)"), "unique-without-index"));
  CHECK(has(rules("ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id)"),
            "unique-without-index"));
  CHECK(rules("ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx")
            .empty());
  CHECK(rules("ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX users_email_idx").empty());
}

TEST_CASE("set not null, in-place type changes, renames and drops are flagged") {
  CHECK(has(rules("ALTER TABLE users ALTER COLUMN email SET NOT NULL"), "set-not-null"));
  CHECK(has(rules("ALTER TABLE users ALTER COLUMN id TYPE bigint"), "change-type-in-place"));
  CHECK(has(rules("ALTER TABLE users RENAME COLUMN email TO mail"), "rename-column"));
  CHECK(has(rules("ALTER TABLE users RENAME TO people"), "rename-table"));
  CHECK(has(rules("ALTER TABLE users DROP COLUMN email"), "drop-column"));
  CHECK(has(rules("DROP TABLE IF EXISTS old_stuff"), "drop-table"));
  CHECK(has(rules("DROP INDEX users_email"), "drop-index-not-concurrent"));
  CHECK(has(rules("ALTER TABLE users ALTER COLUMN name SET DEFAULT 'x'"), "default-in-place"));
  CHECK(has(rules("ALTER TABLE users ALTER COLUMN name DROP DEFAULT"), "default-in-place"));
  CHECK(has(rules("ALTER TABLE users RENAME CONSTRAINT a TO b"), "rename-constraint"));
}

TEST_CASE("volatile defaults and serial columns are flagged, stable ones are not") {
  CHECK(has(rules("ALTER TABLE users ADD COLUMN t timestamptz DEFAULT clock_timestamp()"),
            "volatile-default"));
  CHECK(has(rules("ALTER TABLE users ADD COLUMN u uuid DEFAULT gen_random_uuid()"),
            "volatile-default"));
  CHECK(has(rules("ALTER TABLE users ADD COLUMN n bigserial"), "volatile-default"));
  CHECK(rules("ALTER TABLE users ADD COLUMN t timestamptz DEFAULT now()").empty());
}

TEST_CASE("every statement of a multi-statement script is checked") {
  const auto r = rules("ALTER TABLE users ADD COLUMN a int; CREATE INDEX i ON users (a); "
                       "ALTER TABLE users ALTER COLUMN a SET NOT NULL;");
  CHECK(r.size() == 2);
  const auto w = lint_sql("select 1; create index i on users (a)", Mark{});
  REQUIRE(w.size() == 1);
  CHECK(w[0].message.find("statement 2") != std::string::npos);
}

TEST_CASE("SQL that does not parse is a warning naming the position") {
  const auto w = lint_sql("ALTER TABLE users ADD COLUM x int", Mark{});
  REQUIRE(w.size() == 1);
  CHECK(w[0].rule == "sql-syntax");
  CHECK(w[0].message.find("syntax error") != std::string::npos);
}

TEST_CASE("the catalog-only kinds are the alternatives named") {
  auto alternative = [](const std::string& sql) { return lint_sql(sql, Mark{3, 7}).at(0).alternative; };
  CHECK(alternative("DROP INDEX users_email").find("drop_index change") != std::string::npos);
  CHECK(alternative("ALTER TABLE users ALTER COLUMN name SET DEFAULT 'x'")
            .find("set_default change") != std::string::npos);
  CHECK(alternative("ALTER TABLE users ALTER COLUMN name DROP DEFAULT")
            .find("drop_default change") != std::string::npos);
  CHECK(alternative("ALTER TABLE users RENAME CONSTRAINT a TO b")
            .find("rename_constraint change") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_lint_sql
