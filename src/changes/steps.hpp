#pragma once

#include <optional>
#include <string>
#include <vector>

#include "changes/change.hpp"
#include "changes/constraint_options.hpp"
#include "core/catalog.hpp"
#include "core/work.hpp"

namespace orchestrate {

// The guarded DDL steps every kind builds from (each safe to run again), the checks that
// verify their effect, and the backfill and parity check of a copy.

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
                           std::vector<Assignment> sets,
                           const std::string& differs);
// `"a" = x, "b" = y`: the SET list of a copy.
std::string assignments_sql(const std::vector<Assignment>& sets);
Check parity_check(const BackfillSpec& spec);

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
