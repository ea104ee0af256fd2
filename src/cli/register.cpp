#include "cli/register.hpp"

#include <filesystem>

#include "core/errors.hpp"
#include "planner/live_checks.hpp"
#include "planner/planner.hpp"
#include "planner/render_for_role.hpp"

namespace orchestrate {

Registration register_plan(Session& s, const Plan& plan, const std::string& path) {
  if (auto existing = s.store->find(plan.name.value)) {
    // A plan registered by an older orchestrate is known by the checksum of its file's bytes.
    if (existing->checksum != plan.checksum && existing->checksum != plan.text_checksum) {
      throw InputError("plan name '" + plan.name.value + "' is already used by a plan with "
                       "checksum " + existing->checksum + " (" + path + " has " + plan.checksum +
                       "); what a plan says must not change once registered (comments and layout "
                       "may): give the changed plan a new name");
    }
    if (existing->state.kind == PlanState::Kind::done) {
      return Registration::already_done;
    }
    if (existing->state.kind != PlanState::Kind::rolled_back) {
      return Registration::already_registered;
    }
    s.store->forget(plan.name.value);
  }
  check_plan_live(*s.conn, plan, s.catalog());
  PlanRecord record;
  record.name = plan.name.value;
  record.checksum = plan.checksum;
  record.body = plan.body;
  record.file = std::filesystem::path(path).filename().string();
  record.description = plan.description;
  std::string note;
  record.work = render_for_role(*s.conn, plan, s.catalog(), note);
  if (!note.empty()) {
    s.reporter.warn("note: " + note);
  }
  record.state = PlanState::planned();
  s.store->insert(record);
  return Registration::registered;
}

} // namespace orchestrate
