#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_constraint_names {

using namespace orchestrate;
using namespace kinds_basic;

// PostgreSQL's namespaces: CHECK and FOREIGN KEY names are unique per table; UNIQUE (and
// PRIMARY KEY, EXCLUDE) constraints and indexes are relations, unique in the schema, and the
// constraints among their table's constraints too.
TEST_SUITE_BEGIN("changes_constraint_names");

namespace {
// kinds_basic's catalog plus a sequence named `counter` and a check `positive` on accounts.
PlanWork render_with_more(const std::string& changes) {
  Catalog c = catalog();
  c.relations.insert("public.counter");
  c.tables.at("public.accounts").constraints.push_back(
      {"positive", 'c', "CHECK (balance >= 0)", {"balance"}, true, "", {}});
  return render_plan(parse_plan_text("name: p\nchanges:\n" + changes, "p.yaml"), c);
}

std::string error_with_more(const std::string& changes) {
  try {
    render_with_more(changes);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}
} // namespace

TEST_CASE("a check or foreign key may take a name another table's constraint has") {
  // accounts_user_id_fkey is a foreign key of accounts; users_pkey an index and constraint of
  // users; counter a sequence; positive a check of accounts.
  CHECK(error_with_more("  - add_check: {table: users, name: accounts_user_id_fkey, check: id > 0}\n")
            .empty());
  CHECK(error_with_more("  - add_check: {table: accounts, name: users_pkey, check: id > 0}\n")
            .empty());
  CHECK(error_with_more("  - add_check: {table: users, name: counter, check: id > 0}\n").empty());
  CHECK(error_with_more("  - add_check: {table: users, name: positive, check: id > 0}\n").empty());
  CHECK(error_with_more("  - add_foreign_key: {table: accounts, name: users_pkey, columns: "
                        "[user_id], references: {table: users, columns: [id]}}\n")
            .empty());
  CHECK(error_with_more("  - add_foreign_key: {table: accounts, name: counter, columns: "
                        "[user_id], references: {table: users, columns: [id]}}\n")
            .empty());
}

TEST_CASE("a check or foreign key may not take a name its own table's constraint has") {
  CHECK(error_with_more("  - add_check: {table: accounts, name: positive, check: id > 0}\n")
            .find("p.yaml:3:40: add_check: the name positive is already taken") !=
        std::string::npos);
  CHECK(error_with_more("  - add_check: {table: accounts, name: accounts_pkey, check: id > 0}\n")
            .find("already taken") != std::string::npos);
  CHECK(error_with_more("  - add_foreign_key: {table: accounts, name: positive, columns: "
                        "[user_id], references: {table: users, columns: [id]}}\n")
            .find("add_foreign_key: the name positive is already taken") != std::string::npos);
  // Two changes of one plan: the second sees the first's check.
  CHECK(error_with_more("  - add_check: {table: users, name: c1, check: id > 0}\n"
                        "  - add_check: {table: users, name: c1, check: id > 1}\n")
            .find("p.yaml:4:37: add_check: the name c1 is already taken") != std::string::npos);
}

TEST_CASE("a unique constraint's name must be free among relations and its table's constraints") {
  // Another table's index, a sequence: relations of the schema.
  CHECK(error_with_more("  - add_unique: {table: users, name: accounts_pkey, columns: [email]}\n")
            .find("add_unique: the name accounts_pkey is already taken") != std::string::npos);
  CHECK(error_with_more("  - add_unique: {table: users, name: counter, columns: [email]}\n")
            .find("already taken") != std::string::npos);
  // Its own table's check.
  CHECK(error_with_more("  - add_unique: {table: accounts, name: positive, columns: [user_id]}\n")
            .find("already taken") != std::string::npos);
  // Another table's check or foreign key is no relation.
  CHECK(error_with_more("  - add_unique: {table: users, name: positive, columns: [email]}\n")
            .empty());
  CHECK(error_with_more("  - add_unique: {table: users, name: accounts_user_id_fkey, columns: "
                        "[email]}\n")
            .empty());
}

TEST_CASE("an index's name must be free among relations only") {
  CHECK(error_with_more("  - create_index: {table: users, name: counter, columns: [name]}\n")
            .find("already taken") != std::string::npos);
  CHECK(error_with_more("  - create_index: {table: users, name: accounts_pkey, columns: [name]}\n")
            .find("already taken") != std::string::npos);
  // A check, even of the same table, is no relation.
  CHECK(error_with_more("  - create_index: {table: accounts, name: positive, columns: [user_id]}\n")
            .empty());
}

TEST_CASE("add_column checks only the names it gives, each in its namespace") {
  // users_note_check is a check of accounts: free for a check of users. users_note_key is a
  // relation: taken for the unique constraint.
  Catalog c = catalog();
  c.tables.at("public.accounts").constraints.push_back(
      {"users_note_check", 'c', "CHECK (true)", {}, true, "", {}});
  c.relations.insert("public.users_note_key");
  auto run = [&](const std::string& change) -> std::string {
    try {
      render_plan(parse_plan_text("name: p\nchanges:\n" + change, "p.yaml"), c);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  };
  CHECK(run("  - add_column: {table: users, column: note, type: text, check: \"note <> ''\"}\n")
            .empty());
  CHECK(run("  - add_column: {table: users, column: note, type: text}\n").empty());
  CHECK(run("  - add_column: {table: users, column: note, type: text, unique: true}\n")
            .find("the name users_note_key it would give") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_constraint_names
