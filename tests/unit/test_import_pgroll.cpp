#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "core/errors.hpp"
#include "import/pgroll.hpp"
#include "plan/model.hpp"
#include "plan/parse.hpp"

namespace test_import_pgroll {

using namespace orchestrate;
namespace fs = std::filesystem;

namespace {

// A directory of its own for one test case, removed with it.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag)
      : path(fs::temp_directory_path() /
             ("orchestrate-import-" + tag + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

std::string imported(const std::string& migration, const std::string& name = "m.yaml") {
  TempDir dir("one");
  return import_pgroll_migration(dir.write(name, migration)).text;
}

// The message of the PlanError importing `migration` throws ("" when it imports).
std::string refusal(const std::string& migration) {
  TempDir dir("bad");
  try {
    import_pgroll_migration(dir.write("bad.yaml", migration));
  } catch (const PlanError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE_BEGIN("import_pgroll");

TEST_CASE("a migration becomes a plan named after it, comments and order kept") {
  const std::string text = imported("# first line\n# second line\n"
                                    "operations:\n"
                                    "  # the table\n"
                                    "  - create_table:\n"
                                    "      name: fruits\n"
                                    "      columns:\n"
                                    "        - {name: id, type: serial, pk: true}\n"
                                    "        - {name: name, type: text}\n"
                                    "        - {name: size, type: text, nullable: true}\n"
                                    "  - drop_table: {name: vegetables}\n",
                                    "01_fruits.yaml");
  CHECK(text.rfind("# first line\n# second line\nname: 01_fruits\n", 0) == 0);
  CHECK(has(text, "changes:\n  # the table\n  - create_table:\n      table: fruits\n"));
  // pgroll's columns are NOT NULL unless they say otherwise; the key columns need no word.
  CHECK(has(text, "      columns:\n        - name: id\n          type: serial\n"
                  "        - name: name\n          type: text\n          nullable: false\n"));
  CHECK(has(text, "          nullable: true\n"));
  CHECK(has(text, "      primary_key:\n        - id\n"));
  CHECK(text.find("create_table") < text.find("drop_table"));
  const Plan plan = parse_plan_text(text, "01_fruits.yaml");
  CHECK(plan.name.value == "01_fruits");
  CHECK(plan.changes.size() == 2);
}

TEST_CASE("sql run on complete loses the down that could never run") {
  const std::string text = imported("operations:\n  - sql: {up: select 1, down: select 2, "
                                    "onComplete: true}\n  - sql: {up: select 3, down: select 4}\n");
  CHECK(has(text, "  - sql:\n      up: select 1\n      on_complete: true\n"));
  CHECK(has(text, "  - sql:\n      up: select 3\n      down: select 4\n"));
}

TEST_CASE("JSON migrations import as YAML ones do, with their own name") {
  const std::string text = imported(
      R"({"name": "two", "operations": [{"drop_table": {"name": "old_things"}}]})", "x.json");
  CHECK(has(text, "name: two\n"));
  CHECK(has(text, "  - drop_table:\n      table: old_things\n"));
}

TEST_CASE("a leading SELECT in up or down becomes a scalar subquery, an identity is left out") {
  const std::string text =
      imported("operations:\n  - alter_column:\n      table: posts\n      column: title\n"
               "      nullable: false\n"
               "      up: SELECT CASE WHEN title IS NULL THEN 'x' ELSE title END\n"
               "      down: title\n");
  CHECK(has(text, "  - set_not_null:\n      table: posts\n      column: title\n"
                  "      up: (SELECT CASE WHEN title IS NULL THEN 'x' ELSE title END)\n"));
  CHECK_FALSE(has(text, "down:"));
}

TEST_CASE("alter_column with one key is that single kind, with several one alter_column") {
  const std::string head = "operations:\n  - alter_column:\n      table: t\n      column: c\n";
  CHECK(has(imported(head + "      type: bigint\n"), "  - change_type:\n"));
  CHECK(has(imported(head + "      default: null\n"), "  - drop_default:\n"));
  CHECK(has(imported(head + "      default: \"'x'\"\n"), "  - set_default:\n"));
  CHECK(has(imported(head + "      comment: null\n"), "      comment: null\n"));
  CHECK(has(imported(head + "      nullable: true\n      down: coalesce(c, 0)\n"),
            "  - drop_not_null:\n      table: t\n      column: c\n      down: coalesce(c, 0)\n"));
  const std::string unique = imported(head + "      unique: {name: t_c_key}\n      up: c || 'x'\n");
  CHECK(has(unique, "  - add_unique:\n      table: t\n      name: t_c_key\n      columns:\n"
                    "        - c\n      column: c\n      up: c || 'x'\n"));
  const std::string fk = imported(head + "      references: {name: fk, table: p, column: id, "
                                         "on_delete: SET NULL, on_update: CASCADE, "
                                         "match_type: FULL, deferrable: true}\n");
  CHECK(has(fk, "  - add_foreign_key:\n      table: t\n      name: fk\n      columns:\n"
                "        - c\n      references:\n        table: p\n        columns:\n"
                "          - id\n      on_delete: set_null\n      on_update: cascade\n"
                "      match: full\n      deferrable: true\n"));
  const std::string several = imported(head + "      type: text\n      nullable: false\n"
                                              "      check: {name: ck, constraint: length(c) > 1}\n"
                                              "      up: c::text\n");
  CHECK(has(several, "  - alter_column:\n      table: t\n      column: c\n      type: text\n"
                     "      nullable: false\n      check:\n        name: ck\n"
                     "        expression: length(c) > 1\n      up: c::text\n"));
}

TEST_CASE("an index column keeps its operator class with its parameters, collation and order") {
  const std::string text = imported(
      "operations:\n  - create_index:\n      table: t\n      name: i\n      method: gist\n"
      "      columns:\n        - column: a\n          opclass: {name: gist_trgm_ops, params: "
      "[siglen=32]}\n        - {column: b, collate: C, sort: DESC, nulls: LAST}\n");
  CHECK(has(text, "        - column: a\n          opclass: gist_trgm_ops\n          opclass_params:\n"
                  "            - siglen=32\n        - column: b\n          collate: C\n"
                  "          sort: desc\n          nulls: last\n"));
}

TEST_CASE("create_constraint's per-column up/down: identities vanish, one real column is the "
          "data fix") {
  const std::string head = "operations:\n  - create_constraint:\n      table: t\n      name: k\n"
                           "      type: unique\n      columns: [a, b]\n";
  const std::string plain = imported(head + "      up: {a: a, b: b}\n      down: {a: a, b: b}\n");
  CHECK_FALSE(has(plain, "up:"));
  const std::string fix = imported(head + "      up: {a: a || '1', b: b}\n      down: {a: a, b: b}\n");
  CHECK(has(fix, "      column: a\n      up: a || '1'\n"));
  const std::string two = refusal(head + "      up: {a: a || '1', b: b || '2'}\n      down: {a: a, b: b}\n");
  CHECK_MESSAGE(has(two, "bad.yaml:7:11: operation 1 (create_constraint): up/down rewrite 2 columns"), two);
}

TEST_CASE("what cannot be translated exactly is refused at its position, naming the operation") {
  CHECK(has(refusal("operations:\n  - drop_table: {name: a}\n  - make_coffee: {strength: 3}\n"),
            "bad.yaml:3:5: operation 2: 'make_coffee' is not an operation pgroll documents"));
  CHECK(has(refusal("operations:\n  - drop_table: {name: a, cascade: true}\n"),
            "operation 1 (drop_table)"));
  CHECK(has(refusal("operations:\n  - create_constraint:\n      table: t\n      name: u\n"
                    "      type: unique\n      columns: [a]\n"
                    "      index_parameters: {tablespace: fast}\n"),
            "'tablespace' cannot be imported"));
  CHECK(has(refusal("operations:\n  - alter_column: {table: t, column: c, nullable: true}\n"),
            "dropping NOT NULL needs 'down'"));
  CHECK(has(refusal("operations:\n  - add_column:\n      table: t\n"
                    "      column: {name: id, type: int, pk: true}\n"),
            "'pk' on an added column cannot be imported"));
  CHECK(has(refusal("operations:\n  - create_index:\n      table: t\n      name: i\n"
                    "      columns: [{column: a, opclass: {name: x, params: siglen}}]\n"),
            "'params' must be a list"));
}

TEST_CASE("plans are written numbered after those already there, and a second import of the "
          "same plan writes nothing") {
  TempDir src("src");
  TempDir out("out");
  src.write(".ledger", "b.yaml\na.yaml\n");
  src.write("a.yaml", "operations:\n  - drop_table: {name: a}\n");
  src.write("b.yaml", "operations:\n  - drop_table: {name: b}\n");
  src.write("ignored.yaml", "not: listed\n");
  out.write("007-earlier.yaml", "name: earlier\nchanges: []\n");
  std::vector<ImportedPlan> plans;
  for (const auto& f : pgroll_migration_files(src.path)) {
    plans.push_back(import_pgroll_migration(f));
  }
  REQUIRE(plans.size() == 2);
  CHECK(plans[0].name == "b");
  const auto written = write_imported_plans(plans, out.path);
  REQUIRE(written.size() == 2);
  CHECK(written[0].filename() == "008-b.yaml");
  CHECK(written[1].filename() == "009-a.yaml");
  CHECK_THROWS_WITH_AS(write_imported_plans(plans, out.path),
                       doctest::Contains("a plan named b is already in"), InputError);
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out.path)) {
    ++files;
  }
  CHECK(files == 3);
}

TEST_CASE("every migration of the corpus imports into a plan that parses") {
  const fs::path corpus = fs::path(SOURCE_DIR) / "tests/corpus/pgroll";
  const auto files = pgroll_migration_files(corpus);
  CHECK(files.size() == 17);
  for (const auto& f : files) {
    INFO(f.string());
    const ImportedPlan p = import_pgroll_migration(f);
    CHECK_NOTHROW(parse_plan_text(p.text, p.name + ".yaml"));
  }
}

TEST_SUITE_END();

} // namespace test_import_pgroll
