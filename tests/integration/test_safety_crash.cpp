#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "fixture.hpp"
#include "writes.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"

namespace test_safety_crash {

// Crash consistency: the process is SIGKILLed right after each step of each phase (before the
// step is recorded), then the same command is run again until the plan is done. The end state
// must equal that of an uninterrupted run, and every write the application committed meanwhile
// must be there.

namespace {

constexpr int k_rows = 200;
constexpr int k_killed = 128 + 9;

struct Scenario {
  std::string kind;           // the change kind the plan exercises
  std::string file;           // plan file name
  std::string text;           // empty: the reference rename plan from plans/
  bool switches_writer;       // the plan renames the column the writer uses
  std::string setup = {};     // SQL run on each fresh database before the plan starts
};

std::vector<Scenario> scenarios() {
  std::vector<Scenario> out{{"rename_column", "rename.yaml", "", true}};
  out.push_back({"add_column", "add-nickname.yaml",
                 "name: add-nickname\nchanges:\n  - add_column:\n      table: users\n      "
                 "column: nickname\n      type: text\n      default: \"'none'\"\n      "
                 "nullable: false\n",
                 false});
  out.push_back({"change_type", "widen-email.yaml",
                 "name: widen-email\nchanges:\n  - change_type:\n      table: users\n      "
                 "column: email\n      type: varchar(200)\n      up: email::varchar(200)\n      "
                 "down: email::text\n",
                 false});
  // users has created_at already: the two columns get other names.
  out.push_back({"add_timestamps", "timestamps.yaml",
                 "name: timestamps\nchanges:\n  - add_timestamps: {table: users, fill: "
                 "created_at, updated_fill: now(), created_at: inserted_at, updated_at: "
                 "changed_at}\n",
                 false});
  out.push_back({"explode_list", "explode.yaml",
                 "name: explode\nchanges:\n  - explode_list: {table: users, column: group_ids, "
                 "into: user_groups, references: groups(id)}\n",
                 false,
                 "CREATE TABLE groups (id int PRIMARY KEY);\n"
                 "INSERT INTO groups SELECT generate_series(1, 5);\n"
                 "ALTER TABLE users ADD COLUMN group_ids text;\n"
                 "UPDATE users SET group_ids = (id % 5 + 1) || ',' || ((id + 2) % 5 + 1)"});
  out.push_back({"surrogate_key", "surrogate.yaml",
                 "name: surrogate\nchanges:\n  - surrogate_key: {table: teams}\n",
                 false,
                 "CREATE TABLE teams (code text PRIMARY KEY, label text);\n"
                 "INSERT INTO teams SELECT 't' || i, 'team ' || i FROM generate_series(1, 5) i;\n"
                 "ALTER TABLE users ADD COLUMN team_code text REFERENCES teams (code);\n"
                 "UPDATE users SET team_code = 't' || (id % 5 + 1)"});
  // The catalog-only kinds, all in one plan: their steps at expand and at contract.
  out.push_back({"catalog", "catalog.yaml",
                 "name: catalog\nchanges:\n"
                 "  - drop_index: {table: users, name: users_phone_number_idx}\n"
                 "  - rename_constraint: {table: users, from: users_name_present, to: "
                 "users_name_given}\n"
                 "  - set_comment: {table: users, column: email, comment: where we write}\n"
                 "  - set_replica_identity: {table: users, identity: full}\n"
                 "  - set_default: {table: users, column: name, default: \"'anonymous'\"}\n",
                 false,
                 "ALTER TABLE users ADD CONSTRAINT users_name_present CHECK (name <> '')"});
  // Two columns of one table through shadow columns: one copy sets both, and one contract
  // step drops both triggers and swaps both. The default keeps the writer's inserts, which
  // leave email out, valid after contract.
  out.push_back({"shadows", "shadows.yaml",
                 "name: shadows\nchanges:\n"
                 "  - alter_column: {table: users, column: email, type: varchar(200), nullable: "
                 "false, default: \"'none'\", up: \"COALESCE(email, 'none')\", down: "
                 "\"email::text\"}\n"
                 "  - change_type: {table: users, column: name, type: varchar(100), up: "
                 "\"name::varchar(100)\", down: \"name::text\"}\n",
                 false});
  // The constraint and index options: a deferrable unique attached at contract, an index with
  // column options, a foreign key with actions, a NO INHERIT check and a table created with
  // named constraints, its comment in the same step.
  out.push_back({"options", "options.yaml",
                 "name: options\nchanges:\n"
                 "  - add_unique: {table: users, name: users_handle_key, columns: [handle], "
                 "include: [name], deferrable: true}\n"
                 "  - create_index: {table: users, name: users_name_c_idx, columns: [{column: "
                 "name, collate: C, sort: desc}], storage_parameters: fillfactor=80}\n"
                 "  - add_foreign_key: {table: users, name: users_team_fk, columns: [team_id], "
                 "references: {table: teams, columns: [id]}, on_update: cascade, match: full, "
                 "initially_deferred: true}\n"
                 "  - add_check: {table: users, name: users_name_short, check: length(name) < "
                 "200, no_inherit: true}\n"
                 "  - create_table: {table: badges, comment: awards, primary_key_name: badges_pk, "
                 "columns: [{name: id, type: bigint, identity: always, primary_key: true}, {name: "
                 "user_id, type: bigint, references: {table: users, column: id, name: "
                 "badges_user_fk, on_delete: cascade, deferrable: true}}], constraints: [{name: "
                 "badges_user_key, type: unique, columns: [user_id], nulls_not_distinct: true}]}\n",
                 false,
                 "CREATE TABLE teams (id bigint PRIMARY KEY); ALTER TABLE users ADD COLUMN handle "
                 "text, ADD COLUMN team_id bigint"});
  return out;
}

// A fresh database for `s`: the fixture's users table and the scenario's own setup.
void prepare(const itest::TestDb& db, const Scenario& s) {
  if (!s.setup.empty()) {
    db.exec(s.setup);
  }
}

std::string plan_path(const itest::TestDb& db, const Scenario& s) {
  return s.text.empty() ? itest::rename_plan_path() : db.write_plan(s.file, s.text);
}

// Step ids of each phase, in order, and of the rollback from `rollback_from` (a phase index).
struct StepIds {
  std::vector<std::vector<std::string>> phases;
  std::vector<std::string> rollback;
};

StepIds step_ids(const itest::TestDb& db, const std::string& plan, int rollback_from) {
  auto r = db.orchestrate({"--json", "plan", plan});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto work = nlohmann::json::parse(r.out);
  StepIds ids;
  for (const auto& phase : work.at("phases")) {
    auto& steps = ids.phases.emplace_back();
    for (const auto& step : phase.at("steps")) {
      steps.push_back(step.at("id").get<std::string>());
    }
  }
  for (const auto& step : work.at("rollback").at(rollback_from)) {
    ids.rollback.push_back(step.at("id").get<std::string>());
  }
  return ids;
}

std::string state(const itest::TestDb& db) {
  return itest::state_and_applying(db);
}

// The plan's state after a `next --json` that succeeded, from the events it printed: "done"
// once contract is, otherwise the phase it started last.
std::string state_after(const std::string& out) {
  std::string state;
  for (const auto& j : itest::json_lines(out)) {
    if (j.value("type", "") != "event") {
      continue;
    }
    const std::string outcome = j.value("outcome", "");
    if (outcome == "phase_started") {
      state = j.value("phase", "");
    } else if (outcome == "done" && j.value("phase", "") == "contract" &&
               j.value("item", "") == "") {
      state = "done";
    }
  }
  return state;
}

// Runs `next` until the plan is done; `kill_after` (if set) is armed until it fires once.
// Returns whether the kill fired. The writer moves to the new column before contract. `now` is
// the plan's state (as `state` shows it) to begin with; each `next` says (in its JSON lines)
// where it left the plan, and `history` confirms the end.
bool drive_to_done(const itest::TestDb& db,
                   std::string now,
                   const std::string& kill_after,
                   example::Writer& writer,
                   bool switches_writer) {
  bool killed = false;
  for (int i = 0; i < 15 && now != "done"; ++i) {
    if (switches_writer && now == "transition") {
      writer.set_version(example::Version::new_app);
      // Every write still under way as the old application has committed after these.
      itest::wait_for_writes(writer, 3);
    }
    test_support::Environment env;
    if (!kill_after.empty() && !killed) {
      env["ORCHESTRATE_TEST_KILL_AFTER_STEP"] = kill_after;
    }
    auto r = db.orchestrate({"--json", "next", "--batch-size", "50"}, env);
    if (r.exit_code == k_killed && !kill_after.empty() && !killed) {
      killed = true;
      now = "killed in " + now;
    } else if (r.exit_code != 0) {
      FAIL_CHECK("next in " << now << " exited " << r.exit_code << ": " << r.err);
      return killed;
    } else {
      now = state_after(r.out);
    }
  }
  CHECK(now == "done");
  CHECK(itest::plan_state(db) == "done");
  return killed;
}

example::WriterOptions writer_options(const itest::TestDb& db) {
  example::WriterOptions options;
  options.url = db.url();
  return options;
}

// Moves the plan on by `phases` phases under a writer, in batches as small as drive_to_done's.
itest::Writes next_under_writer(const itest::TestDb& db, int phases) {
  return itest::next_under_writer(db, writer_options(db), phases, {"--batch-size", "50"});
}

void kill_after_each_step(const Scenario& scenario) {
  CAPTURE(scenario.kind);
  const std::vector<std::string> columns =
      scenario.switches_writer ? std::vector<std::string>{"phone"}
                               : std::vector<std::string>{"phone_number"};
  std::string reference;
  StepIds ids;
  {
    itest::TestDb db("crash_ref_" + scenario.kind, k_rows);
    prepare(db, scenario);
    const std::string plan = plan_path(db, scenario);
    ids = step_ids(db, plan, 3);
    REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
    example::Writer app(writer_options(db));
    app.start(example::Version::old_app);
    drive_to_done(db, state(db), "", app, scenario.switches_writer);
    itest::check_writes(app, writer_options(db), columns);
    reference = db.dump();
  }
  std::size_t steps = 0;
  for (const auto& phase : ids.phases) {
    steps += phase.size();
  }
  REQUIRE(steps > 0);
  MESSAGE(scenario.kind << ": killing after each of " << steps << " steps");
  // Each phase's steps are killed in copies of one database at that phase's start: the plan
  // started there and the phases before it run, a writer writing throughout. Phase p's database
  // is a copy of phase p-1's moved on by one phase, so no phase runs twice to get there.
  itest::Writes written; // what those databases' writers committed
  for (std::size_t p = 0; p < ids.phases.size(); ++p) {
    const std::string at = "crash_" + scenario.kind + "_at" + std::to_string(p);
    std::string at_state; // the plan's state in `at`, and so in each copy of it
    if (p == 0) {
      itest::TestDb db(at, k_rows);
      prepare(db, scenario);
      REQUIRE(db.orchestrate({"start", plan_path(db, scenario)}).exit_code == 0);
      at_state = state(db);
    } else {
      itest::TestDb db(at, itest::TestDb::CopyOf{"crash_" + scenario.kind + "_at" +
                                                 std::to_string(p - 1)});
      CAPTURE(p);
      itest::merge_writes(written, next_under_writer(db, 1));
      at_state = state(db);
    }
    for (std::size_t i = 0; i < ids.phases[p].size(); ++i) {
      const std::string& step = ids.phases[p][i];
      CAPTURE(step);
      itest::TestDb db(at + "_" + std::to_string(i), itest::TestDb::CopyOf{at});
      example::Writer app(writer_options(db));
      app.start(example::Version::old_app);
      CHECK(drive_to_done(db, at_state, step, app, scenario.switches_writer));
      itest::check_writes(app, writer_options(db), columns, written);
      CHECK(db.dump() == reference);
    }
  }
}

void kill_after_each_rollback_step(const Scenario& scenario) {
  CAPTURE(scenario.kind);
  // One database moved through three phases under a writer; each rollback step is killed in a
  // copy of it.
  const std::string base = "crash_rb_" + scenario.kind;
  StepIds ids;
  std::string original;
  itest::Writes written; // what the base database's writer committed
  {
    itest::TestDb db(base, k_rows);
    prepare(db, scenario);
    original = db.dump();
    const std::string plan = plan_path(db, scenario);
    ids = step_ids(db, plan, 3);
    REQUIRE(db.orchestrate({"start", plan}).exit_code == 0);
    written = next_under_writer(db, 3);
  }
  MESSAGE(scenario.kind << ": killing after each of " << ids.rollback.size()
                        << " rollback steps");
  for (std::size_t i = 0; i < ids.rollback.size(); ++i) {
    const std::string& step = ids.rollback[i];
    CAPTURE(step);
    itest::TestDb db(base + "_" + std::to_string(i), itest::TestDb::CopyOf{base});
    example::Writer app(writer_options(db));
    app.start(example::Version::old_app);
    itest::wait_for_writes(app, 3);
    auto r = db.orchestrate({"rollback"}, {{"ORCHESTRATE_TEST_KILL_AFTER_STEP", step}});
    CHECK(r.exit_code == k_killed);
    r = db.orchestrate({"rollback"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(itest::plan_state(db) == "rolled_back");
    itest::check_writes(app, writer_options(db), {"phone_number"}, written);
    CHECK(db.dump() == original);
  }
}

// Each scenario is a test case of its own, so the suite spreads them over its parallel jobs.
const Scenario& scenario(const std::string& kind) {
  static const std::vector<Scenario> all = scenarios();
  for (const auto& s : all) {
    if (s.kind == kind) {
      return s;
    }
  }
  FAIL("no crash scenario " << kind);
  throw std::logic_error("unreachable");
}

} // namespace

TEST_SUITE_BEGIN("safety_crash");

#define CRASH_CASES(kind)                                                                       \
  TEST_CASE("killed right after any step of any phase, next converges to the uninterrupted "  \
            "end state: " kind) {                                                              \
    kill_after_each_step(scenario(kind));                                                      \
  }                                                                                            \
  TEST_CASE("killed right after any rollback step, rollback converges to the original "        \
            "schema: " kind) {                                                                 \
    kill_after_each_rollback_step(scenario(kind));                                             \
  }

CRASH_CASES("rename_column")
CRASH_CASES("add_column")
CRASH_CASES("change_type")
CRASH_CASES("add_timestamps")
CRASH_CASES("explode_list")
CRASH_CASES("surrogate_key")
CRASH_CASES("catalog")
CRASH_CASES("shadows")
CRASH_CASES("options")

TEST_CASE("every crash scenario has its test cases") {
  std::vector<std::string> kinds;
  for (const auto& s : scenarios()) {
    kinds.push_back(s.kind);
  }
  CHECK(kinds == std::vector<std::string>{"rename_column", "add_column", "change_type",
                                          "add_timestamps", "explode_list", "surrogate_key",
                                          "catalog", "shadows", "options"});
}

TEST_SUITE_END();

} // namespace test_safety_crash
