#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/catalog.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// A lint finding: something that would run, but that a careful reviewer would stop.
struct LintWarning {
  std::string rule{};        // short stable id, e.g. "index-not-concurrent"
  Mark mark{};               // where in the plan file
  std::string message{};     // what is wrong and why it hurts under load
  std::string alternative{}; // the safe way to get the same result
};

// A view or rule that reads a table (column empty) or one of its columns.
struct ViewDependency {
  std::string view{}; // as regclass text, e.g. "public.active_users"
  std::string table{};
  std::string column{};
};

struct FunctionSource {
  std::string name{}; // regprocedure text, e.g. "public.touch(integer)"
  std::string source{};
};

// A statement pg_stat_statements has seen, as it records it (constants replaced by $n).
struct SeenStatement {
  std::string query{};
  long long calls = 0;
};

// What of the live database the rules that need it look at; absent when linting offline.
struct LintLive {
  const Catalog* catalog = nullptr;
  bool may_quiet_triggers = false; // the role may set session_replication_role
  std::vector<ViewDependency> views{};
  std::vector<FunctionSource> functions{};
  // COPY and TRUNCATE statements from pg_stat_statements, when it is installed and loaded.
  std::vector<SeenStatement> copy_or_truncate{};
};

// One change of the plan as lint sees it: its kind and its YAML fields, read without the
// change kinds' own parsers, so lint also reads kinds it does not know.
struct LintChange {
  std::string kind{};
  Mark mark{};
  std::string table{};                 // the table it works on, when it names one
  std::map<std::string, std::string> scalars{}; // every field holding a single value, by key
  std::vector<std::string> removed{};  // columns whose old name goes away at contract
  bool removes_table = false;        // drop_table, rename_table
  bool needs_backfill = false;       // copies data by key range
  // Expressions of a column transition: (which, SQL, where), e.g. ("up", "code::varchar(5)").
  std::vector<std::tuple<std::string, std::string, Mark>> expressions{};
  std::string sql_up{};                // kind sql
  Mark sql_mark{};
  int sql_block_indent = 0;          // `up: |`: the block's indentation; 0 for other scalars
};

// Reads the plan file's changes for lint (the plan itself is assumed valid).
std::vector<LintChange> lint_changes(const std::string& text);

// The rule families; each returns its warnings in plan order.
// For a literal block (`up: |`, indented by `block_indent`), each warning points at its
// statement's own line and column in the file; otherwise at `mark`.
std::vector<LintWarning> lint_sql(const std::string& sql, const Mark& mark, int block_indent = 0);
// sql changes without `down` whose `up` runs at expand: rollback past them is refused.
std::vector<LintWarning> lint_sql_rollback(const std::vector<LintChange>& changes);
std::vector<LintWarning> lint_dependencies(const std::vector<LintChange>& changes,
                                           const std::string& schema,
                                           const LintLive& live);
// Explicit up/down/fill expressions that narrow (truncate, round) instead of failing, and
// backfills that will fire the table's own triggers.
std::vector<LintWarning> lint_transitions(const std::vector<LintChange>& changes,
                                          const std::string& schema,
                                          const LintLive& live);
// COPY and TRUNCATE the application runs on a table that a change turns into a view: a view
// takes neither, and pg_dump -t of a view dumps no rows.
std::vector<LintWarning> lint_view_limits(const std::vector<LintChange>& changes,
                                          const std::string& schema,
                                          const LintLive& live);
// Design mistakes a plan creates: a natural primary key, a list stored in a string, a table
// created without created_at/updated_at.
std::vector<LintWarning> lint_design(const std::vector<LintChange>& changes,
                                     const std::string& text);
std::vector<LintWarning> lint_keys(const std::vector<LintChange>& changes,
                                   const std::string& text,
                                   const std::string& schema,
                                   const LintLive& live);

// What the catalog-only kinds would cost: drop_index of the only index serving a foreign key,
// set_replica_identity full, rename_constraint of a name functions mention.
std::vector<LintWarning> lint_metadata(const std::vector<LintChange>& changes,
                                       const std::string& schema,
                                       const LintLive& live);

// Every rule over a plan file's text; rules that need the database are skipped when
// `live.catalog` is null.
std::vector<LintWarning> lint_plan(const std::string& text,
                                   const std::string& schema,
                                   const LintLive& live);

} // namespace orchestrate
