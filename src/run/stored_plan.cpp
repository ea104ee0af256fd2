#include "run/stored_plan.hpp"

#include "core/errors.hpp"
#include "plan/parse.hpp"

namespace orchestrate {

std::optional<Plan> stored_plan(const PlanRecord& record) {
  try {
    return parse_plan_text(record.body, record.file);
  } catch (const Error&) {
    return std::nullopt;
  }
}

} // namespace orchestrate
