#include "plan/checksum.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/ident.hpp"

namespace orchestrate {

namespace {

// One canonical text per meaning: the node tree with map keys sorted, each scalar as its
// length and bytes (any bytes: the parser reports invalid UTF-8 later, with its position). The
// "c:" prefix keeps it from ever equalling the text of a plan file, whose checksum older
// versions stored.
std::string canonical(const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Scalar:
    return std::to_string(node.Scalar().size()) + "'" + node.Scalar();
  case YAML::NodeType::Sequence: {
    std::string out = "[";
    for (const auto& item : node) {
      out += (out.size() > 1 ? "," : "") + canonical(item);
    }
    return out + "]";
  }
  case YAML::NodeType::Map: {
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& kv : node) {
      entries.emplace_back(canonical(kv.first), canonical(kv.second));
    }
    std::sort(entries.begin(), entries.end());
    std::string out = "{";
    for (const auto& [k, v] : entries) {
      out += (out.size() > 1 ? "," : "") + k + ":" + v;
    }
    return out + "}";
  }
  case YAML::NodeType::Null:
  case YAML::NodeType::Undefined:
    break;
  }
  return "null";
}

} // namespace

std::string plan_checksum(const YAML::Node& root) {
  return fnv1a_hex("c:" + canonical(root));
}

} // namespace orchestrate
