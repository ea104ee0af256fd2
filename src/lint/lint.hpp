#pragma once

#include <string>
#include <vector>

#include "changes/facts.hpp"
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

// One change of the plan as lint sees it: what its kind says about itself (facts.hpp), where it
// is, and whether it refuses rollback once it has run at expand.
struct LintChange {
  std::string kind{}; // as the plan names it
  Mark mark{};
  ChangeFacts facts{};
  std::string rollback_refused{}; // Change::rollback_refused after expand; empty: it can undo
  int sql_block_indent = 0;       // facts.sql as `up: |`: the block's indentation; else 0
};

// The changes of a parsed plan, for the rules.
std::vector<LintChange> lint_changes(const Plan& plan);

// The rule families; each returns its warnings in plan order.
// For a literal block (`up: |`, indented by `block_indent`), each warning points at its
// statement's own line and column in the file; otherwise at `mark`.
std::vector<LintWarning> lint_sql(const std::string& sql, const Mark& mark, int block_indent = 0);
// Changes whose kind refuses rollback once expand has run (an sql change without `down`).
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
std::vector<LintWarning> lint_design(const std::vector<LintChange>& changes);
std::vector<LintWarning> lint_keys(const std::vector<LintChange>& changes,
                                   const std::string& schema,
                                   const LintLive& live);

// What the catalog-only kinds would cost: drop_index of the only index serving a foreign key,
// set_replica_identity full, rename_constraint of a name functions mention.
std::vector<LintWarning> lint_metadata(const std::vector<LintChange>& changes,
                                       const std::string& schema,
                                       const LintLive& live);

// Every rule over a parsed plan (in its schema); rules that need the database are skipped when
// `live.catalog` is null.
std::vector<LintWarning> lint_plan(const Plan& plan, const LintLive& live);

} // namespace orchestrate
