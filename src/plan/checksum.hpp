#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace orchestrate {

// The checksum a registered plan is known by: over the parsed YAML (scalars, lists in order,
// mappings with their keys sorted), so an edit of comments, whitespace, quoting or flow/block
// style leaves it unchanged, and any edit of what the plan says changes it. 16 hex digits.
std::string plan_checksum(const YAML::Node& root);

} // namespace orchestrate
