#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "kinds_data_catalog.hpp"

namespace test_changes_alter_column {

using namespace kinds_data;

namespace {

// Everything a plan does, as stored at `start`: equal when two plans run the same SQL.
nlohmann::json stored(const std::string& change) {
  nlohmann::json j;
  to_json(j, render(change));
  return j;
}

int count_of(const PhaseWork& w, const std::string& needle) {
  int n = 0;
  for (const auto& s : w.steps) {
    for (auto pos = s.sql.find(needle); pos != std::string::npos;
         pos = s.sql.find(needle, pos + 1)) {
      ++n;
    }
  }
  return n;
}

const std::string k_composed =
    "alter_column: {table: users, column: nickname, type: text, default: \"'anon'\", "
    "nullable: false, comment: shown to others, unique: {name: users_nickname_uniq}, "
    "check: {name: nickname_long, expression: \"length(nickname) > 3\"}, references: "
    "{table: users, column: email, name: nickname_names, on_delete: cascade}, "
    "up: \"CASE WHEN length(nickname) > 3 THEN nickname ELSE 'user' || id END\", "
    "down: nickname}";

} // namespace

TEST_SUITE_BEGIN("changes_alter_column");

TEST_CASE("with one key, alter_column runs exactly what the single kind runs") {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"alter_column: {table: accounts, column: balance, type: bigint}",
       "change_type: {table: accounts, column: balance, type: bigint}"},
      {"alter_column: {table: accounts, column: balance, type: \"numeric(10,2)\", up: \"balance "
       "/ 100.0\", down: \"round(balance * 100)::integer\"}",
       "change_type: {table: accounts, column: balance, type: \"numeric(10,2)\", up: \"balance / "
       "100.0\", down: \"round(balance * 100)::integer\"}"},
      {"alter_column: {table: users, column: email, nullable: false, up: \"COALESCE(email, "
       "'none')\"}",
       "set_not_null: {table: users, column: email, up: \"COALESCE(email, 'none')\"}"},
      {"alter_column: {table: users, column: name, nullable: true, down: \"'unknown'\"}",
       "drop_not_null: {table: users, column: name, down: \"'unknown'\"}"},
      {"alter_column: {table: accounts, column: balance, default: \"5\"}",
       "set_default: {table: accounts, column: balance, default: \"5\"}"},
      {"alter_column: {table: accounts, column: balance, default: null}",
       "drop_default: {table: accounts, column: balance}"},
      {"alter_column: {table: users, column: email, comment: where we write}",
       "set_comment: {table: users, column: email, comment: where we write}"},
      {"alter_column: {table: users, column: email, comment: null}",
       "set_comment: {table: users, column: email, comment: null}"},
      {"alter_column: {table: users, column: nickname, unique: true}",
       "add_unique: {table: users, name: users_nickname_key, columns: [nickname]}"},
      {"alter_column: {table: users, column: nickname, unique: {name: nick_uniq}}",
       "add_unique: {table: users, name: nick_uniq, columns: [nickname]}"},
      {"alter_column: {table: accounts, column: balance, check: {name: small, expression: "
       "\"balance < 100\"}}",
       "add_check: {table: accounts, name: small, check: \"balance < 100\"}"},
      {"alter_column: {table: accounts, column: balance, check: {name: small, expression: "
       "\"balance < 100\"}, up: \"LEAST(balance, 99)\"}",
       "add_check: {table: accounts, name: small, check: \"balance < 100\", column: balance, "
       "up: \"LEAST(balance, 99)\"}"},
      {"alter_column: {table: users, column: nickname, unique: true, up: \"nickname || id\"}",
       "add_unique: {table: users, name: users_nickname_key, columns: [nickname], column: "
       "nickname, up: \"nickname || id\"}"},
      {"alter_column: {table: accounts, column: user_id, references: users(id), up: \"(SELECT "
       "u.id FROM users u WHERE u.id = user_id)\"}",
       "add_foreign_key: {table: accounts, name: accounts_user_id_fkey, columns: [user_id], "
       "references: {table: users, columns: [id]}, column: user_id, up: \"(SELECT u.id FROM "
       "users u WHERE u.id = user_id)\"}"},
      {"alter_column: {table: accounts, column: user_id, references: users(id)}",
       "add_foreign_key: {table: accounts, name: accounts_user_id_fkey, columns: [user_id], "
       "references: {table: users, columns: [id]}}"},
      {"alter_column: {table: accounts, column: user_id, references: {table: users, column: "
       "id, name: owner, on_delete: cascade}}",
       "add_foreign_key: {table: accounts, name: owner, columns: [user_id], references: "
       "{table: users, columns: [id]}, on_delete: cascade}"},
  };
  for (const auto& pair : pairs) {
    // Named copies, not a structured binding: clang 14 cannot capture one in CAPTURE.
    const auto& alter = pair.first;
    const auto& single = pair.second;
    CAPTURE(alter);
    CHECK(stored(alter) == stored(single));
  }
}

TEST_CASE("several changes of one column: one shadow column, one trigger, one backfill") {
  PlanWork w = render(k_composed);
  const auto& e = w.at(Phase::expand);
  CHECK(count_of(e, "ADD COLUMN IF NOT EXISTS \"_orc_new_nickname\" text") == 1);
  CHECK(count_of(e, "ADD COLUMN IF NOT EXISTS") == 2); // the column and its side marker
  // With a new unique key, the default comes with the trigger: before it, every row the old
  // application inserts would get the same default in the new column, and the unique index
  // built at expand would refuse the second.
  CHECK_FALSE(has_step(e, "SET DEFAULT"));
  CHECK(has_step(e, "COMMENT ON COLUMN \"public\".\"users\".\"_orc_new_nickname\" IS 'shown to "
                    "others'"));
  // The unique index on the shadow column, built concurrently while it is still empty.
  CHECK(has_step(e, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"_orc_users_nickname_uniq\" "
                    "ON \"public\".\"users\" USING btree (\"_orc_new_nickname\")"));
  const auto& dw = w.at(Phase::dual_write);
  CHECK(count_of(dw, "CREATE OR REPLACE FUNCTION") == 1);
  CHECK(dw.steps[0].sql.rfind("ALTER TABLE \"public\".\"users\" ALTER COLUMN "
                              "\"_orc_new_nickname\" SET DEFAULT 'anon';\n", 0) == 0);
  CHECK(has_step(dw, "CHECK (\"_orc_new_nickname\" IS NOT NULL) NOT VALID"));
  CHECK(has_step(dw, "ADD CONSTRAINT \"_orc_nickname_long\" CHECK (length(\"_orc_new_nickname\") "
                     "> 3) NOT VALID"));
  CHECK(has_step(dw, "ADD CONSTRAINT \"_orc_nickname_names\" FOREIGN KEY (\"_orc_new_nickname\") "
                     "REFERENCES \"public\".\"users\" (\"email\") ON DELETE CASCADE NOT VALID"));
  CHECK(w.at(Phase::backfill).backfills.size() == 1);
  CHECK(w.at(Phase::backfill).backfills[0].assignments.find(
            "\"_orc_new_nickname\" = (CASE WHEN length(nickname) > 3") != std::string::npos);
  const auto& tr = w.at(Phase::transition);
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"_orc_nickname_long\""));
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"_orc_nickname_names\""));
  CHECK(has_step(tr, "ADD CONSTRAINT \"_orc_users_nickname_uniq\" UNIQUE USING INDEX"));
  CHECK(has_step(tr, "ALTER COLUMN \"_orc_new_nickname\" SET NOT NULL"));
  const std::string& swap = w.at(Phase::contract).steps[0].sql;
  for (const char* name : {"users_nickname_uniq", "nickname_long", "nickname_names"}) {
    CAPTURE(name);
    CHECK(swap.find(std::string("RENAME CONSTRAINT \"_orc_") + name + "\" TO \"" + name + "\"") !=
          std::string::npos);
  }
  CHECK(swap.find("RENAME COLUMN \"_orc_new_nickname\" TO \"nickname\"") != std::string::npos);
  CHECK(w.version_schema == "p");
  // Rollback drops the shadow column, which takes its rules with it.
  CHECK(w.rollback[static_cast<int>(Phase::transition)].back().sql.find(
            "DROP COLUMN IF EXISTS \"_orc_new_nickname\"") != std::string::npos);
}

TEST_CASE("several changes over the values as they are: each in place, no shadow column") {
  PlanWork w = render("alter_column: {table: users, column: nickname, default: \"'anon'\", "
                      "comment: shown, unique: true}");
  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK_FALSE(has_step(w.at(p), "ADD COLUMN"));
    CHECK(w.at(p).backfills.empty());
  }
  CHECK(has_step(w.at(Phase::expand), "COMMENT ON COLUMN \"public\".\"users\".\"nickname\""));
  CHECK(has_step(w.at(Phase::expand), "USING btree (\"nickname\")"));
  CHECK(has_step(w.at(Phase::transition), "ADD CONSTRAINT \"users_nickname_key\" UNIQUE USING "
                                          "INDEX"));
  CHECK(has_step(w.at(Phase::contract), "ALTER COLUMN \"nickname\" SET DEFAULT 'anon'"));
}

TEST_CASE("alter_column refuses, at the field, what it cannot do") {
  std::string c = "alter_column: {table: users, column: nickname}";
  CHECK(error_of(c) == at(c, "{") + ": alter_column: nothing to change: give type, default, "
                                    "nullable, unique, check, references or comment");
  c = "alter_column: {table: users, column: email, nullable: false}";
  CHECK(error_of(c).find(at(c, "false") + ": alter_column: nullable: false needs 'up'") == 0);
  c = "alter_column: {table: users, column: name, nullable: true, type: varchar(10)}";
  CHECK(error_of(c).find(at(c, "true") + ": alter_column: users.name is NOT NULL until contract "
                                          "for the old application; give 'down'") == 0);
  c = "alter_column: {table: users, column: nickname, type: varchar(10), unique: {name: "
      "users_email_key}}";
  CHECK(error_of(c) == at(c, "users_email_key") +
                           ": alter_column: the name users_email_key is already taken");
  // A name alter_column makes up (users_email_key, taken) points at `unique`, alone or not.
  c = "alter_column: {table: users, column: email, unique: true}";
  CHECK(error_of(c) == at(c, "true") + ": add_unique: the name users_email_key is already taken");
  c = "alter_column: {table: users, column: email, unique: true, comment: x}";
  CHECK(error_of(c) == at(c, "true") + ": add_unique: the name users_email_key is already taken");
  c = "alter_column: {table: users, column: nickname, references: {table: nope, column: id}, "
      "type: varchar(9)}";
  CHECK(error_of(c) == at(c, "{table: nope") +
                           ": alter_column: the referenced table nope does not exist");
  c = "alter_column: {table: users, column: nickname, check: {name: c, expression: x, bad: 1}}";
  CHECK(error_of(c).find(at(c, "bad")) == 0);
}

TEST_SUITE_END();

} // namespace test_changes_alter_column
