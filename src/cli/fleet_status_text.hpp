#pragma once

#include <string>
#include <vector>

#include "fleet/status.hpp"

namespace orchestrate {

// `status --targets`: one line per target (phase, gate, copy, throttle) and a fleet line.
std::string fleet_status_text(const std::string& plan, const std::vector<TargetStatus>& all);

} // namespace orchestrate
