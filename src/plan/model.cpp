#include "plan/model.hpp"

#include "changes/change.hpp"

namespace orchestrate {

Plan::Plan() = default;
Plan::~Plan() = default;
Plan::Plan(Plan&&) noexcept = default;
Plan& Plan::operator=(Plan&&) noexcept = default;

bool is_valid_plan_name(const std::string& name) {
  if (name.empty() || name.size() > 63) {
    return false;
  }
  auto ok = [](char c, bool first) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || c == '_' || (!first && c == '-');
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!ok(name[i], i == 0)) {
      return false;
    }
  }
  return true;
}

} // namespace orchestrate
