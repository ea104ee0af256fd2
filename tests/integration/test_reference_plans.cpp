// plans/ as one ordered history of the example application: applied in file-name order to
// examples/schema.sql it reaches the final schema; phases/ holds exactly what `orchestrate plan
// --out` renders for each plan at its point in that history; a second `up` does nothing; and a
// plan whose file changed after it ran is refused without touching the schema.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "fixture.hpp"

namespace test_reference_plans {

namespace fs = std::filesystem;

namespace {

// The files under `dir`, by path relative to it.
std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> files;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file()) {
        files.insert(fs::relative(entry.path(), dir).string());
      }
    }
  }
  return files;
}

// What in `committed` differs from `rendered` (both directories of one plan's phase files).
std::string differences(const fs::path& rendered, const fs::path& committed) {
  std::string out;
  const auto want = files_under(rendered);
  const auto have = files_under(committed);
  for (const auto& f : want) {
    if (!have.count(f)) {
      out += " missing " + f + ";";
    } else if (itest::read_file(rendered / f) != itest::read_file(committed / f)) {
      out += " " + f + " differs;";
    }
  }
  for (const auto& f : have) {
    if (!want.count(f)) {
      out += " extra " + f + ";";
    }
  }
  return out;
}

std::string combined(const test_support::ProcessResult& r) {
  return r.out + r.err;
}

} // namespace

TEST_SUITE_BEGIN("reference_plans");

TEST_CASE("phases/ is what each plan in plans/ renders at its point in the history") {
  itest::TestDb db("reference_phases", 1);
  itest::load_example_schema(db);
  const fs::path phases = fs::path(SOURCE_DIR) / "phases";
  const fs::path rendered = db.dir() / "rendered";
  std::string stale;
  std::set<std::string> plan_dirs;
  for (const auto& plan : itest::reference_plans()) {
    fs::remove_all(rendered);
    auto r = db.orchestrate({"plan", plan.string(), "--out", rendered.string()});
    INFO(plan.filename().string() << ": " << combined(r));
    REQUIRE(r.exit_code == 0);
    for (const auto& entry : fs::directory_iterator(rendered)) {
      const auto name = entry.path().filename().string();
      plan_dirs.insert(name);
      const auto diff = differences(entry.path(), phases / name);
      if (!diff.empty()) {
        stale += "\n  phases/" + name + ":" + diff;
      }
    }
    // The next plan is rendered against the schema this one leaves.
    auto up = itest::up_only(db, {plan});
    INFO(combined(up));
    REQUIRE(up.exit_code == 0);
  }
  for (const auto& entry : fs::directory_iterator(phases)) {
    if (!plan_dirs.count(entry.path().filename().string())) {
      stale += "\n  phases/" + entry.path().filename().string() + ": no plan renders it";
    }
  }
  INFO("phases/ is stale; run scripts/render-phases and commit the result:" << stale);
  CHECK(stale.empty());
}

TEST_CASE("up plans/ reaches the final schema, does nothing the second time, and refuses a "
          "changed plan") {
  itest::TestDb db("reference_up", 1);
  itest::load_example_schema(db);
  const std::string plans = std::string(SOURCE_DIR) + "/plans";
  const auto first = db.orchestrate({"up", plans});
  INFO(combined(first));
  REQUIRE(first.exit_code == 0);

  // Every plan is done, and the schema is the end of the story.
  const auto history = nlohmann::json::parse(db.orchestrate({"--json", "history"}).out);
  CHECK(history.size() == itest::reference_plans().size());
  for (const auto& p : history) {
    CAPTURE(p["name"]);
    CHECK(p["state"] == "done");
  }
  CHECK(db.value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE "
                 "attrelid = 'users'::regclass AND attnum > 0 AND NOT attisdropped") ==
        "id,created_at,email,phone,display_name");
  CHECK(db.value("SELECT count(*) FROM users WHERE phone = '' OR email = '' OR display_name IS "
                 "NULL") == "0");
  CHECK(db.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                 "'accounts'::regclass AND attname = 'balance'") == "bigint");
  CHECK(db.value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND "
                 "attname = 'user_id'") == "t");
  CHECK(db.value("SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM "
                 "pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', "
                 "'v')") == "accounts:r,active_users:v,customers:r,orders:r,orders_tags:r,posts:r,"
                              "reviews:r,tags:r,users:r");
  // The three design fixes: tags records its times, orders' tags are rows, customers is keyed
  // by an identity id that orders and reviews point at.
  CHECK(db.value("SELECT count(*) FROM tags WHERE created_at IS NULL OR updated_at IS NULL") ==
        "0");
  CHECK(db.value("SELECT count(*) FROM orders_tags") == "2500");
  CHECK(db.value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                 "'customers'::regclass AND contype = 'p'") == "PRIMARY KEY (id)");
  CHECK(db.value("SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE "
                 "c.email = 'customer' || ((o.id - 1) % 500 + 1) || '@example.com'") == "2000");
  CHECK(db.value("SELECT count(*) FROM reviews WHERE author_id IS NULL") == "100");
  CHECK(db.value("SELECT count(*) FROM posts") == "20000");
  // 019's catalog changes: names follow the rename, comments, defaults, identity, an index gone.
  CHECK(db.value("SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE "
                 "conrelid = 'posts'::regclass AND contype IN ('p', 'c')") ==
        "posts_body_not_empty,posts_pkey");
  CHECK(db.value("SELECT obj_description('posts'::regclass, 'pg_class')") ==
        "What users write under a post; comments until plan 013");
  CHECK(db.value("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = "
                 "'accounts'::regclass AND adnum = (SELECT attnum FROM pg_attribute WHERE "
                 "attrelid = 'accounts'::regclass AND attname = 'balance')") == "100");
  CHECK(db.value("SELECT count(*) FROM pg_attrdef WHERE adrelid = 'orders'::regclass AND adnum = "
                 "(SELECT attnum FROM pg_attribute WHERE attrelid = 'orders'::regclass AND "
                 "attname = 'total_cents')") == "0");
  CHECK(db.value("SELECT relreplident FROM pg_class WHERE oid = 'accounts'::regclass") == "i");
  CHECK(db.value("SELECT to_regclass('users_phone_idx') IS NULL") == "t");
  CHECK(db.value("SELECT count(*) FROM pg_namespace WHERE nspname NOT IN ('public', "
                 "'orchestrate', 'information_schema') AND nspname NOT LIKE 'pg\\_%'") == "0");
  const std::string final_schema = db.dump();

  const auto second = db.orchestrate({"up", plans});
  INFO(combined(second));
  CHECK(second.exit_code == 0);
  CHECK(combined(second).find("nothing to do") != std::string::npos);
  CHECK(db.dump() == final_schema);

  // The same history with 004's comments and layout edited after it ran: still the same plan.
  const fs::path edited = db.dir() / "edited";
  fs::create_directories(edited);
  for (const auto& plan : itest::reference_plans()) {
    fs::copy_file(plan, edited / plan.filename());
  }
  const auto plan_004 = edited / "004-rename-users-phone.yaml";
  std::string text = itest::read_file(plan_004);
  text.replace(text.find("batch_size: 5000"), 16, "batch_size:   5000   # tuned");
  std::ofstream(plan_004) << "# reviewed again\n" << text << "\n\n";
  const auto third = db.orchestrate({"up", edited.string()});
  INFO(combined(third));
  CHECK(third.exit_code == 0);
  CHECK(combined(third).find("nothing to do") != std::string::npos);

  // What it says edited: refused, naming the plan, nothing moves.
  text.replace(text.find("batch_size:   5000"), 18, "batch_size: 4000");
  std::ofstream(plan_004) << text;
  const auto fourth = db.orchestrate({"up", edited.string()});
  INFO(combined(fourth));
  CHECK(fourth.exit_code == 2);
  CHECK(combined(fourth).find("rename-users-phone") != std::string::npos);
  CHECK(combined(fourth).find("must not change once registered") != std::string::npos);
  CHECK(db.dump() == final_schema);
}

TEST_SUITE_END();

} // namespace test_reference_plans
