#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "plan/model.hpp"

namespace orchestrate {

// Parses a plan file. Throws PlanError ("file:line:col: message") for syntax errors, unknown
// keys, wrong types, missing fields, bad identifiers and conflicting changes. Checks against
// the live schema are the planner's (see planner/planner.hpp).
Plan parse_plan_file(const std::string& path);
// Same, from text; `file` is only used in messages and for the default plan name.
Plan parse_plan_text(const std::string& text, const std::string& file);

// Reads a `backfill:` mapping (a plan's, or a fleet target's) into `out`, with a PlanError at
// the offending key for anything unknown or malformed.
void parse_backfill_settings(const YAML::Node& node, const std::string& file, BackfillSettings& out);

} // namespace orchestrate
