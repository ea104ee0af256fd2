#pragma once

#include <string>

#include "core/work.hpp"

namespace orchestrate {

// One phase as a reviewable SQL script: its steps in order, its gate checks, and the steps
// that roll it back. The text is what `plan` prints and what phases/ holds.
std::string render_phase_sql(const std::string& plan_name, const PlanWork& work, Phase phase);

} // namespace orchestrate
