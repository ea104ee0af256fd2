// Column comments through the kinds that move a column's data to a new column: rename_column,
// change_type and set_not_null give the new column the old one's comment at expand (it is the
// column the application ends with), contract leaves it there, and rollback from any phase
// leaves the old column's comment as it was. Under a concurrent writer.
#include <doctest/doctest.h>

#include "fixture.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"
#include "rollback_chain.hpp"
#include "writes.hpp"

namespace test_kinds_comments {

namespace {

// A comment with a quote and a backslash in it, so that quoting is tested too.
const char* const k_comment = "E.164 number, or '' when unknown \\ checked by support";

std::string comment_of(const itest::TestDb& db, const std::string& column) {
  return db.value("SELECT coalesce((SELECT coalesce(col_description(attrelid, attnum), '<none>') "
                  "FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = '" +
                  column + "' AND NOT attisdropped), '<no column>')");
}

struct Case {
  const char* name;
  const char* plan;
  const char* column;     // the commented column
  const char* new_column; // the column expand adds
};

const Case k_cases[] = {
    {"rename", "name: comment-rename\nchanges:\n  - rename_column: {table: users, from: "
               "phone_number, to: phone}\n",
     "phone_number", "phone"},
    {"change_type", "name: comment-type\nchanges:\n  - change_type: {table: users, column: "
                    "phone_number, type: varchar(64), up: phone_number::varchar(64), down: "
                    "phone_number::text}\n",
     "phone_number", "_orc_new_phone_number"},
    {"set_not_null", "name: comment-not-null\nchanges:\n  - set_not_null: {table: users, "
                     "column: email, fill: \"'unknown@example.com'\"}\n",
     "email", "_orc_new_email"},
};

// The column the table has after contract.
std::string final_column(const Case& c) {
  return std::string(c.name) == "rename" ? c.new_column : c.column;
}

} // namespace

TEST_SUITE_BEGIN("kinds_comments");

TEST_CASE("rename_column, change_type and set_not_null carry the column comment through contract") {
  for (const auto& c : k_cases) {
    const std::string kind = c.name;
    CAPTURE(kind);
    itest::TestDb db("comment_life_" + kind, 500);
    db.exec(std::string("COMMENT ON COLUMN users.") + c.column + " IS $c$" + k_comment + "$c$");
    db.exec("COMMENT ON COLUMN users.name IS 'untouched'");
    example::WriterOptions o;
    o.url = db.url();
    o.old_column = o.new_column = "phone_number";
    example::Writer app(o);
    app.start(example::Version::old_app);
    auto r = db.orchestrate({"start", db.write_plan("plan.yaml", c.plan)});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    // expand, dual-write, backfill, transition
    for (int phase = 1; phase <= 4; ++phase) {
      itest::wait_for_writes(app, 20);
      r = db.orchestrate({"next"});
      REQUIRE_MESSAGE(r.exit_code == 0, phase << ": " << r.out << r.err);
      CHECK(comment_of(db, c.new_column) == k_comment);
      CHECK(comment_of(db, c.column) == k_comment);
    }
    itest::wait_for_writes(app, 20);
    app.stop();
    CHECK(app.errors() == 0);
    r = db.orchestrate({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    CHECK(plan_state(db) == "done");
    CHECK(comment_of(db, final_column(c)) == k_comment);
    CHECK(comment_of(db, "name") == "untouched");
    // Exactly one column carries it: the old one went with its comment.
    CHECK(db.value("SELECT count(*) FROM pg_description WHERE objoid = 'users'::regclass AND "
                   "objsubid > 0") == "2");
    auto report = example::verify_writes(db.url(), o, app.committed(),
                                         {std::string(c.name) == "rename" ? "phone"
                                                                          : "phone_number"});
    CHECK(report.ok());
  }
}

TEST_CASE("rollback from every phase before contract leaves the column comment as it was") {
  for (const auto& c : k_cases) {
    const std::string kind = c.name;
    CAPTURE(kind);
    std::string before;
    itest::RollbackChain chain;
    chain.tag = "comment_" + kind;
    chain.start = [&](const itest::TestDb& db) {
      db.exec(std::string("COMMENT ON COLUMN users.") + c.column + " IS $c$" + k_comment + "$c$");
      REQUIRE(db.orchestrate({"start", db.write_plan("plan.yaml", c.plan)}).exit_code == 0);
      before = db.dump();
    };
    chain.writer.old_column = chain.writer.new_column = "phone_number";
    chain.check = [&](const itest::TestDb& db, int) {
      CHECK(comment_of(db, c.column) == k_comment);
      CHECK(comment_of(db, c.new_column) == "<no column>");
      CHECK(db.dump() == before);
    };
    itest::rollback_from_each_phase(chain);
  }
}

TEST_SUITE_END();

} // namespace test_kinds_comments
