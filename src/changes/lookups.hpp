#pragma once

#include <optional>
#include <string>
#include <vector>

#include "changes/change.hpp"
#include "changes/constraint_options.hpp"
#include "core/catalog.hpp"
#include "core/work.hpp"

namespace orchestrate {

// What kinds look up in the schema model, failing with positioned plan errors: tables,
// columns, keys, references, and PostgreSQL's name rules.

const Table& require_table(const ChangeContext& ctx, const Located<std::string>& table);
const Column& require_column(const ChangeContext& ctx,
                             const Table& table,
                             const Located<std::string>& column);
void require_no_column(const ChangeContext& ctx,
                       const Table& table,
                       const Located<std::string>& column);
// The key a backfill pages by; a table without one is refused at `mark`.
std::vector<std::string> require_row_key(const ChangeContext& ctx, const Table& table, Mark mark);

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

} // namespace orchestrate
