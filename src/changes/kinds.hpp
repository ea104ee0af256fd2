#pragma once

#include <memory>

#include "changes/change.hpp"
#include "plan/fields.hpp"

namespace orchestrate {

// One parser per change kind, each defined in its own source file.
std::unique_ptr<Change> parse_rename_column(Fields& fields);
std::unique_ptr<Change> parse_change_type(Fields& fields);
std::unique_ptr<Change> parse_set_not_null(Fields& fields);
std::unique_ptr<Change> parse_split_column(Fields& fields);
std::unique_ptr<Change> parse_merge_columns(Fields& fields);
std::unique_ptr<Change> parse_rename_table(Fields& fields);

} // namespace orchestrate
