#pragma once

#include <string>

#include "cli/session.hpp"
#include "plan/model.hpp"

namespace orchestrate {

enum class Registration { registered, already_registered, already_done };

// Registers `plan` (read from `path`) in state `planned`, rendering its work against the live
// schema. A name already used by a plan with another checksum is refused (exit 2); a rolled
// back plan of the same checksum is registered afresh. The caller holds the plan's lock.
Registration register_plan(Session& session, const Plan& plan, const std::string& path);

} // namespace orchestrate
