#pragma once

#include <nlohmann/json.hpp>

namespace orchestrate {

// A JSON Schema (draft 2020-12) for plan files, for editors (completion, hover, validation as
// one types) and CI. It mirrors src/plan/parse.cpp and the change kinds' parsers; the checks
// that need the live schema or several fields at once stay with `orchestrate validate`.
nlohmann::json plan_json_schema();
// The schema of a `backfill:` mapping, a plan's or a fleet target's.
nlohmann::json backfill_json_schema();

} // namespace orchestrate
