#include "planner/planner.hpp"

#include "changes/change.hpp"
#include "core/errors.hpp"

namespace orchestrate {

namespace {

template <class F> void for_each_change(const Plan& plan, const Catalog& live, F f) {
  if (!live.has_schema(plan.schema)) {
    throw PlanError(plan.file, 0, 0, "schema '" + plan.schema + "' does not exist");
  }
  Catalog shape = live;
  for (const auto& change : plan.changes) {
    ChangeContext ctx{plan.file, plan.name.value, plan.schema, shape};
    change->validate(ctx);
    Catalog before = shape;
    ChangeContext fixed{plan.file, plan.name.value, plan.schema, before};
    f(*change, fixed);
    change->apply(shape, fixed);
  }
}

} // namespace

void validate_plan(const Plan& plan, const Catalog& live) {
  for_each_change(plan, live, [](const Change&, const ChangeContext&) {});
}

PlanWork render_plan(const Plan& plan, const Catalog& live) {
  PlanWork out;
  std::array<std::vector<std::vector<Step>>, 5> rollbacks;
  for_each_change(plan, live, [&](const Change& change, const ChangeContext& ctx) {
    for (Phase phase : k_phases) {
      PhaseWork w = change.work(phase, ctx);
      PhaseWork& into = out.at(phase);
      into.steps.insert(into.steps.end(), w.steps.begin(), w.steps.end());
      into.gate.insert(into.gate.end(), w.gate.begin(), w.gate.end());
      into.backfills.insert(into.backfills.end(), w.backfills.begin(), w.backfills.end());
      rollbacks[static_cast<int>(phase)].push_back(change.rollback(phase, ctx));
    }
  });
  for (Phase phase : k_phases) {
    auto& into = out.rollback[static_cast<int>(phase)];
    auto& per_change = rollbacks[static_cast<int>(phase)];
    for (auto it = per_change.rbegin(); it != per_change.rend(); ++it) {
      into.insert(into.end(), it->begin(), it->end());
    }
    auto gates = plan.gates.find(phase);
    if (gates != plan.gates.end()) {
      for (const auto& g : gates->second) {
        out.at(phase).gate.push_back(
            {"gate." + g.name, "plan gate " + g.name, g.sql, false, std::nullopt});
      }
    }
  }
  return out;
}

} // namespace orchestrate
