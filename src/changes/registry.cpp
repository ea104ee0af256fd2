#include "changes/kind.hpp"

namespace orchestrate {

ChangeParser find_change_parser(std::string_view kind) {
  for (const auto& k : change_kind_list()) {
    if (k.name == kind) {
      return k.parse;
    }
  }
  return nullptr;
}

std::vector<std::string> change_kinds() {
  std::vector<std::string> out;
  for (const auto& k : change_kind_list()) {
    out.emplace_back(k.name);
  }
  return out;
}

} // namespace orchestrate
