#pragma once

#include <optional>
#include <string>
#include <vector>

#include "changes/change.hpp"
#include "changes/constraint_options.hpp"
#include "core/catalog.hpp"
#include "core/work.hpp"

namespace orchestrate {

// Shared pieces of the change kinds: lookups that fail with positioned plan errors, and the
// guarded DDL every kind builds from.

const Table& require_table(const ChangeContext& ctx, const Located<std::string>& table);
const Column& require_column(const ChangeContext& ctx,
                             const Table& table,
                             const Located<std::string>& column);
void require_no_column(const ChangeContext& ctx,
                       const Table& table,
                       const Located<std::string>& column);
// The key a backfill pages by; a table without one is refused at `mark`.
std::vector<std::string> require_row_key(const ChangeContext& ctx, const Table& table, Mark mark);

// ALTER TABLE ... ADD CONSTRAINT, skipped when a constraint of that name already exists.
std::string add_constraint_sql(const std::string& schema,
                               const std::string& table,
                               const std::string& name,
                               const std::string& definition);
std::string validate_constraint_sql(const std::string& schema,
                                    const std::string& table,
                                    const std::string& name);

// The step that builds an index CONCURRENTLY. Every attempt first drops an invalid leftover of
// an earlier one; the step is done only when the index is valid; a unique build that fails
// drops its leftover at once and reports the duplicate keys. `definition` is everything after
// "ON <table> " (e.g. "USING btree (phone)").
std::vector<Step> build_index_steps(const std::string& id_prefix,
                                    const std::string& schema,
                                    const std::string& table,
                                    const std::string& index,
                                    bool unique,
                                    const std::string& definition);

Check column_exists_check(const std::string& id,
                          const std::string& schema,
                          const std::string& table,
                          const std::string& column,
                          bool exists);
Check column_not_null_check(const std::string& id,
                            const std::string& schema,
                            const std::string& table,
                            const std::string& column);
Check index_valid_check(const std::string& id, const std::string& schema, const std::string& index);
Check constraint_check(const std::string& id,
                       const std::string& schema,
                       const std::string& table,
                       const std::string& name,
                       bool must_be_validated);
// No constraint, index, trigger or function named _orc_* remains on the table.
Check no_helpers_check(const std::string& id, const std::string& schema, const std::string& table);

BackfillSpec make_backfill(const std::string& id,
                           const std::string& schema,
                           const Table& table,
                           const std::string& assignments,
                           const std::string& differs);
Check parity_check(const BackfillSpec& spec);

// A column another column or key points at: "table(column)" or {table, column} in a plan. On
// a column's own foreign key the mapping may also give the constraint's name, its actions and
// its deferral.
struct ColumnReference {
  Located<std::string> table{};
  Located<std::string> column{};
  std::optional<Located<std::string>> name{};
  ForeignKeyActions actions{};
  Deferral deferral{};
};
// Reads `key` of `fields` as a column reference; nullopt when absent. `with_options`: the
// mapping may carry name, on_delete, on_update, match, deferrable and initially_deferred.
std::optional<ColumnReference> parse_column_reference(Fields& fields,
                                                      const std::string& key,
                                                      bool with_options = false);
// " REFERENCES <schema>.<table> (<column>)" with the reference's actions and deferral.
std::string references_sql(const std::string& schema, const ColumnReference& ref);
// Fails at the reference unless its table and column exist.
void require_reference(const ChangeContext& ctx, const ColumnReference& ref);

// True when a default expression may be volatile: it calls a function that is not on a short
// list of known stable or immutable ones. Offline we cannot ask the database, so an unknown
// function counts as volatile; the cost of a wrong guess is a backfill instead of a metadata
// change, never a table rewrite.
bool expression_may_be_volatile(const std::string& expression);

// PostgreSQL's two namespaces for these names. A relation (table, index, view, sequence, ...)
// needs a name no other relation of its schema has; a constraint needs one no other constraint
// of its table has. CHECK and FOREIGN KEY constraints have no index, so only the second applies
// to them: two tables may each have a check named `positive`. UNIQUE, PRIMARY KEY and EXCLUDE
// constraints build an index of the same name, so both apply to them.
bool relation_name_taken(const Catalog& catalog, const std::string& schema, const std::string& name);
bool constraint_name_taken(const Table& table, const std::string& name);
bool index_constraint_name_taken(const Catalog& catalog,
                                 const std::string& schema,
                                 const Table& table,
                                 const std::string& name);

// The table of `schema` holding the index `name` (and the index), or nulls when none does.
struct IndexLookup {
  const Table* table = nullptr;
  const Index* index = nullptr;
};
IndexLookup find_index(const Catalog& catalog, const std::string& schema, const std::string& name);

// DROP INDEX CONCURRENTLY IF EXISTS, outside a transaction.
Step drop_index_step(const std::string& id, const std::string& schema, const std::string& index);
// A relation of `relkind` ('r' table, 'v' view) exists under that name, or (exists = false)
// nothing does.
Check relation_check(const std::string& id,
                     const std::string& schema,
                     const std::string& name,
                     char relkind,
                     bool exists);

} // namespace orchestrate
