#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "changes/change.hpp"
#include "core/catalog.hpp"
#include "core/work.hpp"

namespace orchestrate {

// Version schemas (README, "Stable shapes"). Every plan that touches existing tables gives each
// application a schema of views whose shape never changes under it:
//
// - the *old* schema (`<plan>_old`) shows every touched table exactly as it was at `start`.
//   It is the first step of expand, so the old application's statements, replanned after
//   expand's DDL, find a view of the shape they were planned for. Contract drops it first,
//   before anything it shows is dropped or retyped (the old application is gone by then).
// - the *new* schema (`<plan>`) shows every touched table as it will be after contract, columns
//   in that order, each selected from the physical column that holds it while the plan runs
//   (a change that keeps a name but changes what it holds stores the new data in a temporary
//   column). It is created at the end of dual-write, after every trigger exists, so writes
//   through it are kept in step with the old columns, and dropped by contract's last step: a
//   search_path naming a missing schema skips it, so the new application then reaches the
//   table itself, which has exactly the shape the view had.
//
// A view is a plain projection of one table, so PostgreSQL makes it updatable by itself and the
// table's triggers fire as usual. It carries the table's column defaults and comments, a
// comment naming the table and its key, the table's owner and grants. Only the role that runs
// orchestrate may create objects in a version schema; contract refuses to start while anything
// else is there (`version_schema_precheck`).
// Rollback drops both schemas before the changes drop their temporary columns.

// One column the new application sees under `column` while it is stored in `physical`.
struct VersionedColumn {
  std::string table{};
  std::string column{};
  std::string physical{};
  // A default the new application's view gives the column instead of the table's: the new
  // application gets it from the view's creation on, the old one only when contract sets it on
  // the table (set_default, drop_default).
  std::optional<std::string> view_default{};
};

// Implemented (next to Change) by the kinds that keep a column's new data in a temporary one.
class Versioned {
public:
  virtual ~Versioned() = default;
  virtual std::vector<VersionedColumn> version_columns(const ChangeContext& ctx) const = 0;
};

// The names of the plan's two version schemas, derived from `versions_named_for(plan)`.
std::string version_schema_name(const std::string& plan);
std::string old_version_schema_name(const std::string& plan);
// What a plan's version schemas are named for: its `version_schema:` (the new application's
// schema takes it as it is, the old one's adds `_old`), else the plan's name.
const std::string& versions_named_for(const Plan& plan);

struct VersionViewColumn {
  std::string name{};     // as the application sees it
  std::string physical{}; // the table's column that holds it now
  std::optional<std::string> view_default{}; // unset: the physical column's default
};

// One view per table.
struct VersionView {
  std::string table{};    // the view's name
  std::string source{};   // the table it selects from, when the view is created
  std::vector<VersionViewColumn> columns{};
  std::vector<std::string> key{}; // the table's row key, for the comment
};

// Views of `tables` as `shape` has them (tables `shape` lacks are left out), each column read
// from the physical column `mapped` names for it, else from the column of the same name.
std::vector<VersionView> version_views(const std::string& schema,
                                       const Catalog& shape,
                                       const std::set<std::string>& tables,
                                       const std::vector<VersionedColumn>& mapped = {});

// CREATE SCHEMA IF NOT EXISTS and CREATE OR REPLACE VIEW for every view, with defaults,
// comments and grants, in one step. `application` is "old" or "new", for the comments.
Step create_version_schema_step(const std::string& id,
                                const std::string& version_schema,
                                const std::string& application,
                                const std::string& plan,
                                const std::vector<VersionView>& views);
std::vector<Check> version_schema_checks(const std::string& version_schema,
                                         const std::vector<VersionView>& views,
                                         const std::string& shows);
// Drops the views and the schema (RESTRICT: anything else someone put there stops the step).
Step drop_version_schema_step(const std::string& id, const std::string& version_schema,
                              const std::vector<VersionView>& views);
Check version_schema_gone_check(const std::string& id, const std::string& version_schema);
// Passes while the version schemas hold nothing but the plan's own views; when they do, its
// detail names each object and how to move it.
Check version_schema_precheck(const std::vector<std::pair<std::string, std::vector<VersionView>>>&
                                  schemas,
                              const std::string& base_schema);

// Gives `view` the table's owner and the privileges every role holds on `table` (SELECT,
// INSERT, UPDATE, DELETE on the table, SELECT, INSERT, UPDATE on each of its columns the view
// shows under the same name, grant options included), so an application connecting as its own
// role may use the view exactly as it uses the table. Both names are already quoted and
// qualified; safe to run again.
std::string copy_grants_sql(const std::string& table, const std::string& view);

} // namespace orchestrate
