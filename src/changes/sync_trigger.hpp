#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/catalog.hpp"
#include "core/work.hpp"

namespace orchestrate {

// The dual-write trigger of one column change: two sides of physical columns, the old
// application's and the new one's, each derived from the other by an expression.
//
// Which side a statement wrote is known, not guessed from values (ARCHITECTURE.md, "The
// dual-write rules"):
// - A session whose `orchestrate.new_app` setting names the plan is the new application: its
//   INSERT wrote the new side; its UPDATE wrote the new side if it changed it, else the old side
//   if it changed that.
// - Any other session is the old application: its UPDATE wrote the old side if it changed it,
//   else the new side if it changed that; its INSERT wrote the old side, unless every old-side
//   column holds its default and some new-side column does not (a new application that forgot
//   its marker).
// - An UPDATE that changed neither side changes neither side, except on a row no write and no
//   backfill has reached yet, which gets its new side from its old one.
// The written side is stored exactly as given; the other side gets its translation. For
// changes whose round trip is not exact, a marker column records which side last wrote each
// row ('0' not reached since expand, 'o' old side, 'n' new side, 'b' copied by the backfill), so
// the backfill copies only rows nobody reached and the gates check each row against the side
// that wrote it.

// A column as one version of the application sees it: `name` is backed by `physical`.
struct ViewColumn {
  std::string name{};
  std::string physical{};
  std::string type{};
};

// One column of one side, assigned by the trigger from the other side. `expr` is evaluated
// over the other side's view; when `column_ref` is set it is the physical column to copy.
struct SyncTarget {
  std::string physical{};
  std::string type{};
  std::string expr{};
  bool column_ref = false;
  // The column's default when evaluating it again gives the same value (not volatile): an
  // INSERT that leaves the column at it may not have named the column at all.
  std::optional<std::string> default_sql{};
  bool volatile_default = false;
  // `=` on the type means "the same value" (see exact_equality); otherwise values are compared
  // by their text.
  bool exact_equality = true;
};

struct SyncSpec {
  std::string plan{};
  std::string schema{};
  std::string table{};
  std::string function{};
  std::string insert_trigger{};
  std::string update_trigger{};
  std::vector<ViewColumn> old_view{};
  std::vector<ViewColumn> new_view{};
  std::vector<SyncTarget> up{};   // the new side, each column from the old view
  std::vector<SyncTarget> down{}; // the old side, each column from the new view
  // The marker column; empty when the round trip is exact (plain copies both ways), where a row
  // is consistent exactly when both sides agree.
  std::string side_column{};
  // The new side has a unique index the old side lacks (a new UNIQUE of a shadow column): the
  // gate's probes, which write one row's values into another row, take them from a row nobody
  // has reached yet, whose new side is still empty, so the index cannot refuse them.
  bool new_side_unique = false;
  // The old side has a unique index: a probe cannot write another row's old values into a
  // row while that row holds them, so it deletes that row first (rolled back with the rest),
  // choosing one no foreign key points at: each entry is "NOT EXISTS (...)" over `t`.
  bool old_side_unique = false;
  std::vector<std::string> unreferenced{};
};

// True in a session that marks itself as the new application of `plan` (its
// `orchestrate.new_app` setting lists the plan), in any SQL or PL/pgSQL expression.
std::string new_app_session_sql(const std::string& plan);

// True when `=` on values of `type` holds only for identical values (integers, text under the
// default collation, uuid, jsonb...). Not so for json and xml (no `=` at all), numeric (1.0 =
// 1.00), citext, or geometric types (`=` compares areas).
bool exact_equality(const std::string& type, const std::optional<std::string>& collation);

// `a IS DISTINCT FROM b`, by text where `=` is not exact for the target's type.
std::string differs_sql(const std::string& a, const std::string& b, const SyncTarget& target);

// `target`'s expression evaluated in plain SQL over the row `alias` (empty: unqualified) seen
// through `view`, cast to the target's type.
std::string view_eval(const SyncTarget& target,
                      const std::vector<ViewColumn>& view,
                      const std::string& alias);

// The view of every column of `table` (all physical columns, as the old application sees it).
std::vector<ViewColumn> physical_view(const Table& table);

// One step, one transaction: the function, both triggers (guarded, so running it twice is
// harmless), and a probe that fires them on real rows inside a subtransaction that is always
// rolled back. An expression or comparison that fails on the real column types fails the step
// and nothing goes live.
Step sync_install_step(const SyncSpec& spec, const std::string& id);
std::string sync_function_sql(const SyncSpec& spec);
std::string sync_triggers_sql(const SyncSpec& spec);
std::string drop_sync_sql(const SyncSpec& spec);

// For the backfill: what it assigns, and the rows it has still to copy.
std::vector<Assignment> sync_backfill_assignments(const SyncSpec& spec);
std::string sync_pending_sql(const SyncSpec& spec);
// For the gates: a row not reached yet, or not consistent with the side that last wrote it.
std::string sync_invalid_sql(const SyncSpec& spec);

// Gate of dual-write: both triggers present and enabled, and probes (rolled back) of each
// direction through real rows.
std::vector<Check> sync_gate_checks(const SyncSpec& spec,
                                    const std::vector<std::string>& key,
                                    const std::string& id_prefix);
// Gate check for contract: neither trigger nor function remains.
Check sync_gone_check(const SyncSpec& spec, const std::string& id_prefix);

} // namespace orchestrate
