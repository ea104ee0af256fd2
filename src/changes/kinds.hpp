#pragma once

#include <memory>

#include "changes/change.hpp"
#include "plan/fields.hpp"

namespace orchestrate {

// One parser per change kind, each defined in its own source file.
std::unique_ptr<Change> parse_rename_column(Fields& fields);

} // namespace orchestrate
