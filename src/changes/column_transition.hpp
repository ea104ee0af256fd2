#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "changes/change.hpp"
#include "changes/sync_trigger.hpp"
#include "changes/twins.hpp"
#include "core/work.hpp"

namespace orchestrate {

// Every change that keeps two sets of columns in step (rename_column, change_type,
// set_not_null, drop_not_null, drop_constraint with up/down, split_column, merge_columns,
// add_column with a fill) describes itself once as a ColumnTransition; this engine derives
// the five phases, the dual-write trigger, the backfill, the gates and the rollback from it.
// The direction rules live in sync_trigger.*.

// A column expand adds: the new application's side.
struct AddedColumn {
  std::string name{};
  std::string type{};
  std::optional<std::string> collation{};
  // Set after ADD COLUMN, so existing rows stay NULL (no rewrite) until the backfill reaches
  // them, while an INSERT that leaves the column out gets the same value before and after
  // contract.
  std::optional<std::string> default_sql{};
  bool default_volatile = false;
  // Set in dual-write, in the trigger's own transaction, instead of at expand: a unique index
  // only this column gets (a new UNIQUE of a shadow column) is built at expand, and would meet
  // the default in every row the old application inserts before the trigger exists.
  bool default_with_trigger = false;
  // NOT NULL goes through a CHECK added NOT VALID after the trigger, validated at transition,
  // then SET NOT NULL (which skips its scan) and the CHECK dropped.
  bool not_null = false;
  // The column's value for a row the old application wrote, over the old view.
  Located<std::string> up{};
  bool up_is_copy = false; // `up` names one old column of the same type
  // No existing row can make `up` fail (a widening cast): validate need not scan the table.
  bool up_cannot_fail = false;
  // Given at expand, with the column: the comment of the column it takes over (the kinds that
  // keep a column's meaning: rename_column, change_type, set_not_null). Contract drops the old
  // column and its comment; rollback drops the new one, leaving the old comment as it was.
  std::optional<std::string> comment{};
};

// An existing column the old application writes: the old side.
struct OldSideColumn {
  std::string name{};
  // The column's value for a row the new application wrote, over the new view.
  Located<std::string> down{};
  bool down_is_copy = false; // `down` names one new-view column of the same type
};

struct ColumnTransition {
  std::string kind{};
  std::string id{}; // step ids are "<id>.<step>"
  std::string plan{};
  std::string schema{};
  Located<std::string> table{};
  std::string name{}; // names the trigger, its function and the marker column
  std::vector<AddedColumn> added{};
  std::vector<OldSideColumn> old_side{};
  // The row as the new application sees it (names over physical columns).
  std::vector<ViewColumn> new_view{};
  // add_column: `up` reads the added column itself (the default an INSERT gave it).
  bool up_reads_added = false;
  std::vector<Twin> twins{};
  // A twin is a unique index the old columns lack (SyncSpec::new_side_unique).
  bool new_side_unique = false;
  bool twins_renamed = false; // contract gives the twins their originals' names
  // Old columns contract drops, and temporary columns it then renames to final names.
  std::vector<std::string> drop_at_contract{};
  std::vector<std::pair<std::string, std::string>> renames{};
  // A sequence owned by the first column moves to the second at contract.
  std::optional<std::pair<std::string, std::string>> sequence_owner{};
};

// The trigger's description: both sides, their views, the marker column unless exact.
SyncSpec transition_sync(const ColumnTransition& t, const Table& table);
BackfillSpec transition_backfill(const ColumnTransition& t, const Table& table);
PhaseWork transition_work(const ColumnTransition& t, Phase phase, const Table& table);
// One transaction: the trigger, its function, the added columns and the marker column go
// together, so no write meets a NOT NULL check without the trigger that fills the column.
std::vector<Step> transition_rollback(const ColumnTransition& t, const Table& table);
// At validate: every expression compiles over its view and fits its column; existing rows
// whose new side cannot be computed (too long, out of range, NULL for a NOT NULL column) are
// counted with an example key. `table` is the table as the plan's earlier changes leave it,
// `live` as the database holds it now (null when an earlier change creates it): the
// expressions compile over `live` (expression_checks.hpp), the rows counted are its rows.
std::vector<LiveCheck> transition_live_checks(const ColumnTransition& t,
                                              const Table& table,
                                              const Table* live);

} // namespace orchestrate

namespace orchestrate {

// NOT NULL without a scan under an exclusive lock: a CHECK added NOT VALID in dual-write (after
// any trigger that fills the column, since even a NOT VALID check applies to new row versions),
// validated at transition, then SET NOT NULL, which skips its scan, and the CHECK dropped.
// `id` prefixes the step and check ids; `name` is the CHECK's.
void not_null_dual_write(PhaseWork& w,
                         const std::string& id,
                         const std::string& schema,
                         const std::string& table,
                         const std::string& column,
                         const std::string& name);
void not_null_transition(PhaseWork& w,
                         const std::string& id,
                         const std::string& schema,
                         const std::string& table,
                         const std::string& column,
                         const std::string& name);

// Refuses, at the column, one a transition cannot replace: part of the primary key, referenced
// by another table's foreign key, an identity or generated column.
void require_replaceable_column(const ChangeContext& ctx,
                                const Table& table,
                                const Located<std::string>& column,
                                const std::string& kind);
// Refuses a table that views depend on: contract could not drop its old columns.
void require_no_dependent_views(const ChangeContext& ctx,
                                const Table& table,
                                const Located<std::string>& at,
                                const std::string& kind);

} // namespace orchestrate
