#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/phase.hpp"

namespace orchestrate {

// One SQL statement a phase runs. Steps are written so that running one twice is harmless,
// because a crash between a step and its record is recovered by running it again.
struct Step {
  std::string id{};
  std::string sql{};
  bool in_transaction = true; // false for CONCURRENTLY statements
  // Statements that take a lock blocking the application run under lock_timeout and are
  // retried; CONCURRENTLY builds never block writes, so they may wait for old snapshots.
  bool under_lock_timeout = true;
  // Removes what an interrupted or failed attempt leaves behind (the invalid index of a
  // CREATE INDEX CONCURRENTLY, which IF NOT EXISTS would accept and which, once ready, goes on
  // enforcing uniqueness). Run in its own short transaction under lock_timeout before every
  // attempt, the first of a rerun included, and right after an attempt that failed for good.
  std::string clear_leftover{};
  // One boolean: whether the step's effect is in place (an index exists and is valid). A step
  // counts as done only when it holds: checked right after the step, and again before a step
  // recorded done is skipped on resume or a completed phase is gated.
  std::string verify{};
  // The qualified name of the unique index the step builds, if any: a build that fails on
  // duplicates reports the duplicate keys read from the index's own definition.
  std::string unique_index{};
  // Contract's steps that end a dual-write on a table (a trigger dropped, columns swapped or
  // dropped) name the table here; the planner joins those of one table into one step, its
  // triggers dropped first. Apart, a trigger of one change would outlive a column another change
  // renames or drops (sessions holding its cached plan fail on the new types), or a write would
  // meet the table with one change's trigger gone and its old NOT NULL column still there.
  // Not stored: it shapes the steps when the plan is rendered.
  std::string ends_dual_write{};
  bool drops_trigger = false;
};

// The setting that marks a session as the new application of a plan: a comma-separated list
// of plan names (`url` adds `-c orchestrate.new_app=<plan>` to the connection string). The
// dual-write trigger reads it to know which side an INSERT wrote; see sync_trigger.hpp.
inline constexpr const char* k_new_app_setting = "orchestrate.new_app";

// One column a copy sets: `column = value`, where `type` is the column's type.
struct Assignment {
  std::string column{};
  std::string value{};
  std::string type{};
};

// How to copy one change's data for existing rows, batch by batch along a key.
struct BackfillSpec {
  std::string id{};
  std::string schema{};
  std::string table{};
  std::vector<std::string> key{};      // key columns, in index order
  std::vector<std::string> key_types{}; // their types, to cast cursor values
  bool integer_key = false;          // a single integer column: ranges split by value
  std::string assignments{};           // `"phone" = "phone_number"`
  // What `assignments` says, column by column, while the plan is rendered (not stored): copies
  // of one table are merged from it (planner/merge_backfills.hpp).
  std::vector<Assignment> sets{};
  std::string differs{};               // true for a row the copy has not reached yet
  // True for a row the gate must refuse: not reached yet, or not consistent with the side that
  // last wrote it. Empty: `differs`.
  std::string invalid{};

  // The table's own triggers: they fire for copies unless the backfill's role may quiet them.
  std::vector<std::string> table_triggers{};

  const std::string& gate_predicate() const { return invalid.empty() ? differs : invalid; }
};

// One verification check. Either `sql` yields one boolean (and, optionally, a second column
// saying what was found when it is false), or `parity` names a backfill whose
// gate predicate must match no row (scanned in batches along the key, never at once).
// A probe check runs inside a transaction that is always rolled back.
struct Check {
  std::string id{};
  std::string description{};
  std::string sql{};
  bool rolled_back = false;
  std::optional<BackfillSpec> parity{};
  // What to do when a parity check fails, as a command that works in the check's phase.
  std::string advice{};
};

struct PhaseWork {
  // Checks that must pass before the phase changes anything: a failing one stops `next` with
  // exit 3 and the schema untouched.
  std::vector<Check> precheck{};
  std::vector<Step> steps{};
  std::vector<Check> gate{};
  std::vector<BackfillSpec> backfills{};
};

// Everything a plan does, rendered once at `start` and stored, so that later commands run
// exactly the SQL that `plan` printed even after the live schema has moved on.
struct PlanWork {
  std::array<PhaseWork, 5> phases{};
  // rollback[p]: undoes every phase up to and including p.
  std::array<std::vector<Step>, 5> rollback{};
  // rollback_refused[p]: why rollback from p is refused before it undoes anything (a change it
  // cannot undo, named by file:line:col); empty when it may run.
  std::array<std::string, 5> rollback_refused{};
  // The version schemas the new and the old application put first on their search_path, if
  // the plan keeps them (changes/version_schema.hpp), and the plan's own schema, which follows.
  std::string version_schema{};
  std::string old_version_schema{};
  std::string base_schema = "public";

  PhaseWork& at(Phase p) { return phases[static_cast<int>(p)]; }
  const PhaseWork& at(Phase p) const { return phases[static_cast<int>(p)]; }
};

void to_json(nlohmann::json& j, const Step& s);
void from_json(const nlohmann::json& j, Step& s);
void to_json(nlohmann::json& j, const BackfillSpec& s);
void from_json(const nlohmann::json& j, BackfillSpec& s);
void to_json(nlohmann::json& j, const Check& c);
void from_json(const nlohmann::json& j, Check& c);
void to_json(nlohmann::json& j, const PhaseWork& w);
void from_json(const nlohmann::json& j, PhaseWork& w);
void to_json(nlohmann::json& j, const PlanWork& w);
void from_json(const nlohmann::json& j, PlanWork& w);

} // namespace orchestrate
