#pragma once

#include <memory>

#include "changes/change.hpp"
#include "plan/fields.hpp"

namespace orchestrate {

// One parser per change kind, each defined in its own source file.
std::unique_ptr<Change> parse_rename_column(Fields& fields);
std::unique_ptr<Change> parse_add_column(Fields& fields);
std::unique_ptr<Change> parse_drop_column(Fields& fields);
std::unique_ptr<Change> parse_add_check(Fields& fields);
std::unique_ptr<Change> parse_add_unique(Fields& fields);
std::unique_ptr<Change> parse_add_foreign_key(Fields& fields);
std::unique_ptr<Change> parse_create_index(Fields& fields);
std::unique_ptr<Change> parse_create_table(Fields& fields);
std::unique_ptr<Change> parse_drop_table(Fields& fields);
std::unique_ptr<Change> parse_sql(Fields& fields);
std::unique_ptr<Change> parse_change_type(Fields& fields);
std::unique_ptr<Change> parse_set_not_null(Fields& fields);
std::unique_ptr<Change> parse_drop_not_null(Fields& fields);
std::unique_ptr<Change> parse_drop_constraint(Fields& fields);
std::unique_ptr<Change> parse_split_column(Fields& fields);
std::unique_ptr<Change> parse_merge_columns(Fields& fields);
std::unique_ptr<Change> parse_rename_table(Fields& fields);
std::unique_ptr<Change> parse_add_timestamps(Fields& fields);
std::unique_ptr<Change> parse_explode_list(Fields& fields);
std::unique_ptr<Change> parse_surrogate_key(Fields& fields);
std::unique_ptr<Change> parse_drop_index(Fields& fields);
std::unique_ptr<Change> parse_set_comment(Fields& fields);
std::unique_ptr<Change> parse_set_replica_identity(Fields& fields);
std::unique_ptr<Change> parse_rename_constraint(Fields& fields);
std::unique_ptr<Change> parse_set_default(Fields& fields);
std::unique_ptr<Change> parse_drop_default(Fields& fields);
std::unique_ptr<Change> parse_alter_column(Fields& fields);
std::unique_ptr<Change> parse_add_primary_key(Fields& fields);
std::unique_ptr<Change> parse_add_exclusion(Fields& fields);

} // namespace orchestrate
