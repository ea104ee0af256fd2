#pragma once

#include <string>
#include <vector>

#include "changes/change.hpp"
#include "core/catalog.hpp"
#include "core/work.hpp"

namespace orchestrate {

// Version schemas (README, "Where this departs from the design"). A change that keeps a name
// but changes what it holds stores the new data in a temporary physical column; the new
// application sees it under its final name through an auto-updatable view in a schema named
// after the plan, which it puts first on its search_path.
//
// Lifetime: the schema and its views are created at the end of dual-write (after every
// trigger exists, so writes through a view are kept in step with the old columns) and live
// until the last step of contract. Contract renames each temporary column to its final name;
// a view refers to its columns by number, so the rename redefines the view in the same
// transaction and the view keeps exposing the same names and types. The last contract step
// drops the views and the schema: a search_path naming a missing schema simply skips it, so the
// new application then reaches the base table, which has exactly the shape the view had.
// Rollback drops the schema before the changes drop their temporary columns.

// One column the new application sees under `column` while it is stored in `physical`.
struct VersionedColumn {
  std::string table;
  std::string column;
  std::string physical;
};

// Implemented (next to Change) by the kinds that need a version schema.
class Versioned {
public:
  virtual ~Versioned() = default;
  virtual std::vector<VersionedColumn> version_columns(const ChangeContext& ctx) const = 0;
};

// The name of the plan's version schema.
std::string version_schema_name(const std::string& plan);

// One view per table: the table's final columns (as in `final_shape`), each selected from its
// physical column while the change runs.
struct VersionView {
  std::string table;
  std::vector<std::pair<std::string, std::string>> columns; // (final name, physical column)
};

std::vector<VersionView> version_views(const std::string& schema,
                                       const Catalog& final_shape,
                                       const std::vector<VersionedColumn>& mapped);

// CREATE SCHEMA IF NOT EXISTS and CREATE OR REPLACE VIEW for every view, in one step.
Step create_version_schema_step(const std::string& version_schema,
                                const std::string& schema,
                                const std::vector<VersionView>& views);
std::vector<Check> version_schema_checks(const std::string& version_schema,
                                         const std::vector<VersionView>& views);
// Drops the views and the schema (RESTRICT: anything else someone put there stops the step).
Step drop_version_schema_step(const std::string& id, const std::string& version_schema,
                              const std::vector<VersionView>& views);
Check version_schema_gone_check(const std::string& version_schema);

// Gives `view` the table's owner and the privileges every role holds on `table` (SELECT,
// INSERT, UPDATE, DELETE on the table, SELECT, INSERT, UPDATE on each of its columns the view
// shows under the same name, grant options included), so an application connecting as its own
// role may use the view exactly as it uses the table. Both names are already quoted and
// qualified; safe to run again.
std::string copy_grants_sql(const std::string& table, const std::string& view);

} // namespace orchestrate
