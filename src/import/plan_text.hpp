#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace orchestrate {

// One change of a plan written by an import, with the comment lines that stood above it.
struct WrittenChange {
  std::vector<std::string> comments{};
  nlohmann::ordered_json change{}; // {"<kind>": {...}}
};

// A plan file's text: the header comments, the top-level keys in their order, then `changes:`
// with each change's comments above it. Strings holding a line break are written as literal
// blocks, so SQL stays readable.
std::string plan_text(const std::vector<std::string>& header_comments,
                      const nlohmann::ordered_json& top,
                      const std::vector<WrittenChange>& changes);

} // namespace orchestrate
