#pragma once

#include <nlohmann/json.hpp>

namespace orchestrate {

// A JSON Schema (draft 2020-12) for targets files (`--targets FILE`), mirroring
// fleet/targets.cpp: `orchestrate schema --targets` prints it.
nlohmann::json targets_json_schema();

} // namespace orchestrate
