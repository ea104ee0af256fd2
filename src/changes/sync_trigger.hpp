#pragma once

#include <string>
#include <vector>

#include "core/catalog.hpp"
#include "core/work.hpp"

namespace orchestrate {

// A column as one version of the application sees it: `name` is backed by `physical`.
struct ViewColumn {
  std::string name;
  std::string physical;
  std::string type;
};

// One column the trigger assigns: `expr` is evaluated over a view of the row. When
// `column_ref` is set, `expr` is the physical column to copy and no expression is evaluated.
struct SyncTarget {
  std::string physical;
  std::string type;
  std::string expr;
  bool column_ref = false;
};

// The dual-write trigger of one change. Old side: the columns the old application writes;
// new side: the columns the new one writes. The direction of a copy is decided from the values
// (which side the statement changed), never from the session, so clients with their own
// search_path work too.
struct SyncSpec {
  std::string schema;
  std::string table;
  std::string function;
  std::string trigger;
  std::vector<ViewColumn> old_view;
  std::vector<ViewColumn> new_view;
  std::vector<SyncTarget> up;   // new-side columns from the old view
  std::vector<SyncTarget> down; // old-side columns from the new view
  // Non-volatile defaults by physical column: a side "was written" on INSERT when a column
  // differs from its default.
  std::vector<std::pair<std::string, std::string>> defaults;
};

std::string sync_function_sql(const SyncSpec& spec);
// CREATE TRIGGER guarded by a catalog check, so running it twice is harmless.
std::string sync_trigger_sql(const SyncSpec& spec);
std::string drop_sync_sql(const SyncSpec& spec);

// Gate checks: the trigger exists and is enabled; a probe in a rolled-back transaction shows
// propagation both ways. `key` is the row key; up/down probes use rows already in the table.
std::vector<Check> sync_gate_checks(const SyncSpec& spec,
                                    const std::vector<std::string>& key,
                                    const std::string& id_prefix);
// Gate check for contract: neither trigger nor function remains.
Check sync_gone_check(const SyncSpec& spec, const std::string& id_prefix);

// `target` evaluated in plain SQL over the row `alias`, seen through `view`.
std::string view_eval(const SyncTarget& target,
                      const std::vector<ViewColumn>& view,
                      const std::string& alias);

// The view of every column of `table` as the old application sees it (all physical columns).
std::vector<ViewColumn> physical_view(const Table& table);

} // namespace orchestrate
