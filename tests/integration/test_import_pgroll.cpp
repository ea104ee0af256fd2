// pgroll's migration files as they are: a corpus written in pgroll's format (every operation
// and option pgroll documents) is imported and applied with `up` on a fresh database while an
// application writes to one of the tables the corpus changes. Every committed write must be
// there with its exact value, and the schema must be the one the corpus describes, as
// pg_dump prints it (tests/corpus/pgroll/expected-schema.sql).
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/writer.hpp"
#include "fixture.hpp"

namespace test_import_pgroll {

using namespace std::chrono_literals;

namespace {

const std::filesystem::path k_corpus = std::filesystem::path(SOURCE_DIR) / "tests/corpus/pgroll";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("import_pgroll: the corpus imports, runs with up under a writer, loses no write and "
          "ends in the expected schema") {
  itest::TestDb db("import_pgroll", 2000);
  const auto out = db.dir() / "plans";

  auto imported = db.orchestrate({"import", "pgroll", k_corpus.string(), "--out", out.string()});
  REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
  CHECK(has(imported.out, "001-01_create_tables.yaml <- "));
  CHECK(has(imported.out, "017-16_version_schema.yaml <- "));
  CHECK(has(itest::read_file(out / "001-01_create_tables.yaml"),
            "# The shop's first tables: customers and their orders.\n"));

  example::WriterOptions options;
  options.url = db.url();
  options.threads = 2;
  example::Writer writer(options);
  writer.start(example::Version::old_app);
  const long long before = writer.commits();

  auto up = db.orchestrate({"up", out.string()});
  CHECK_MESSAGE(up.exit_code == 0, up.out << up.err);
  CHECK(has(up.out + up.err, "applied 17 plan(s)"));

  // The seeded rows, moved by the data fixes on the way: NULL and short notes (set_not_null
  // and add_check with up), duplicate names (add_unique with up), a name no customer has
  // (add_foreign_key with up), shelf labels (alter_column composed).
  CHECK(db.value("SELECT string_agg(id || ':' || remark, ',' ORDER BY id) FROM orders") ==
        "1:no note,2:fine,3:--ok,4:no note,5:fine,6:--ok,7:no note,8:fine,9:--ok");
  CHECK(db.value("SELECT string_agg(id || ':' || name || ':' || coalesce(customer_name, ''), ',' "
                 "ORDER BY id) FROM providers") == "1:acme-1:Ada,2:acme-2:,3:zed-3:");
  CHECK(db.value("SELECT string_agg(id || ':' || label, ',' ORDER BY id) FROM books") ==
        "1:shelf 1,2:ab..,3:shelf-3");

  // The writer kept going through all of it.
  const long long during = writer.commits() - before;
  const long long target = writer.commits() + 20;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (writer.commits() < target && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  writer.stop();
  CHECK_MESSAGE(writer.errors() == 0,
                (writer.error_messages().empty() ? "" : writer.error_messages().front()));
  CHECK(during > 0);
  pqxx::connection conn(db.url());
  pqxx::work tx(conn);
  long long compared = 0;
  for (const auto& [id, value] : writer.committed()) {
    const auto r = tx.exec_params("SELECT phone_number FROM users WHERE id = $1", id);
    REQUIRE_MESSAGE(r.size() == 1, "row " << id << " is gone");
    CHECK_MESSAGE(r[0][0].c_str() == value, "row " << id);
    ++compared;
  }
  CHECK(compared > 0);
  MESSAGE(compared << " rows written by the application compared; " << during
                   << " writes committed while up ran");

  // The schema the corpus describes. ORCHESTRATE_WRITE_EXPECTED=1 rewrites the file (review
  // the difference before committing it).
  const auto expected_file = k_corpus / "expected-schema.sql";
  const std::string dump = db.dump();
  if (std::getenv("ORCHESTRATE_WRITE_EXPECTED")) {
    std::ofstream(expected_file) << dump;
  }
  CHECK(dump == itest::read_file(expected_file));

  // Running the same directory again has nothing to do.
  auto again = db.orchestrate({"up", out.string()});
  CHECK(again.exit_code == 0);
  CHECK(has(again.out + again.err, "nothing to do"));
}

TEST_CASE("import_pgroll: an operation that cannot be translated writes nothing") {
  itest::TestDb db("import_pgroll_refused", 10);
  const auto src = db.dir() / "src";
  std::filesystem::create_directories(src);
  std::ofstream(src / "01_ok.yaml") << "operations:\n  - drop_table: {name: a}\n";
  std::ofstream(src / "02_bad.yaml")
      << "operations:\n  - drop_table: {name: b}\n"
         "  - create_index:\n      table: t\n      name: i\n      columns: [a]\n"
         "      method: btree\n      tablespace: fast\n";
  const auto out = db.dir() / "plans";
  auto r = db.orchestrate({"import", "pgroll", src.string(), "--out", out.string()});
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(has(r.err, "02_bad.yaml:8:7: operation 2 (create_index): unknown key "
                          "'tablespace'"),
                r.err);
  CHECK_FALSE(std::filesystem::exists(out));
}

} // namespace test_import_pgroll
