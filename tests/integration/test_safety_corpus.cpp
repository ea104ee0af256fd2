#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.hpp"
#include "public_state.hpp"

namespace test_safety_corpus {

// Every plan in tests/corpus/bad-plans/ is refused by `validate` and by `start` with exit 2 and
// the message in its .expected file (a first line starting with ':' is ":line:col: message" and
// must follow the file's path), and the database is left exactly as it was: same schema dump,
// same data checksum, no plan registered.

namespace fs = std::filesystem;

namespace {

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string data_checksum(const itest::TestDb& db) {
  return db.value(
      "SELECT md5(concat((SELECT string_agg(u::text, '|' ORDER BY id) FROM users u), "
      "                  (SELECT string_agg(a::text, '|' ORDER BY a::text) FROM audit_log a)))");
}

void check_refused(const itest::TestDb& db, const std::string& plan, const std::string& expected) {
  for (const char* command : {"validate", "start"}) {
    CAPTURE(command);
    auto r = db.orchestrate({command, plan});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    const std::string want = expected.front() == ':' ? plan + expected : expected;
    CHECK_MESSAGE(r.err.find(want) != std::string::npos, "expected: " << want);
  }
}

} // namespace

TEST_SUITE_BEGIN("safety_corpus");

TEST_CASE("every broken plan of the corpus exits 2 with its position and changes nothing") {
  itest::TestDb db("corpus", 200);
  // A table without a primary key or a unique NOT NULL key, for the plans that need one.
  db.exec("CREATE TABLE audit_log (message text, at timestamptz DEFAULT now()); "
          "INSERT INTO audit_log (message) SELECT 'm' || i FROM generate_series(1, 20) i");
  // Create the state schema first (`next` creates it, then finds no plan to move), so the
  // comparison is about what the bad plans do.
  REQUIRE(db.orchestrate({"next"}).exit_code == 2);
  const std::string schema_before = db.dump();
  const std::string data_before = data_checksum(db);

  std::vector<fs::path> plans;
  for (const auto& entry : fs::directory_iterator(fs::path(SOURCE_DIR) / "tests/corpus/bad-plans")) {
    if (entry.path().extension() == ".yaml") {
      plans.push_back(entry.path());
    }
  }
  std::sort(plans.begin(), plans.end());
  CHECK(plans.size() >= 30);
  for (const auto& plan : plans) {
    CAPTURE(plan.filename().string());
    auto expected_file = plan;
    expected_file.replace_extension(".expected");
    REQUIRE_MESSAGE(fs::exists(expected_file), "every corpus plan needs a .expected file");
    const std::string expected = first_line(itest::read_file(expected_file));
    REQUIRE(!expected.empty());
    check_refused(db, plan.string(), expected);
  }

  CHECK(db.dump() == schema_before);
  CHECK(data_checksum(db) == data_before);
  CHECK(nlohmann::json::parse(db.orchestrate({"--json", "history"}).out).empty());
  CHECK(db.value("SELECT count(*) FROM orchestrate.events") == "0");
}

TEST_CASE("a huge plan file is refused before it is parsed") {
  itest::TestDb db("corpus_huge", 10);
  std::string text = "name: huge\nchanges:\n  - rename_column: {table: users, from: phone_number, "
                     "to: phone}\n";
  text += "description: '" + std::string(3 * 1024 * 1024, 'x') + "'\n";
  const std::string plan = db.write_plan("huge.yaml", text);
  const std::string before = db.dump();
  check_refused(db, plan, "is too large");
  CHECK(db.dump() == before);
}

TEST_SUITE_END();

} // namespace test_safety_corpus
