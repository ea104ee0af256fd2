#include "planner/planner.hpp"

#include "changes/change.hpp"
#include "changes/version_schema.hpp"
#include "core/errors.hpp"

namespace orchestrate {

namespace {

// Returns the schema as the whole plan leaves it.
template <class F> Catalog for_each_change(const Plan& plan, const Catalog& live, F f) {
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
  return shape;
}

// The version schema is created after every trigger of dual-write, dropped as contract's last
// step, and dropped first on rollback (its views depend on the temporary columns).
void add_version_schema(PlanWork& out,
                        std::array<std::vector<std::vector<Step>>, 5>& rollbacks,
                        const Plan& plan,
                        const Catalog& live,
                        const Catalog& final_shape,
                        const std::vector<VersionedColumn>& versioned) {
  if (versioned.empty()) {
    return;
  }
  out.version_schema = version_schema_name(plan.name.value);
  out.base_schema = plan.schema;
  // The schema is the plan's own: rollback and contract drop it.
  if (live.has_schema(out.version_schema) || out.version_schema.rfind("pg_", 0) == 0) {
    throw PlanError(plan.file, plan.name.mark.line, plan.name.mark.column,
                    "the plan's version schema would be named '" + out.version_schema +
                        "', which exists already or is reserved; give the plan another name");
  }
  auto views = version_views(plan.schema, final_shape, versioned);
  PhaseWork& dw = out.at(Phase::dual_write);
  dw.steps.push_back(create_version_schema_step(out.version_schema, plan.schema, views));
  for (auto& c : version_schema_checks(out.version_schema, views)) {
    dw.gate.push_back(std::move(c));
  }
  PhaseWork& contract = out.at(Phase::contract);
  contract.steps.push_back(
      drop_version_schema_step("version_schema.drop", out.version_schema, views));
  contract.gate.push_back(version_schema_gone_check(out.version_schema));
  for (Phase phase : k_phases) {
    // Rollbacks run in reverse order of the changes: the last entry runs first.
    rollbacks[static_cast<int>(phase)].push_back(
        {drop_version_schema_step("rollback.version_schema.drop", out.version_schema, views)});
  }
}

// True when no earlier change of the plan touches a table this change touches.
bool change_sees_live_tables(const Plan& plan, const Change& change) {
  for (const auto& earlier : plan.changes) {
    if (earlier.get() == &change) {
      return true;
    }
    for (const auto& a : earlier->touches()) {
      for (const auto& b : change.touches()) {
        if (a.table == b.table) {
          return false;
        }
      }
    }
  }
  return true;
}

} // namespace

void validate_plan(const Plan& plan, const Catalog& live) {
  for_each_change(plan, live, [](const Change&, const ChangeContext&) {});
}

std::vector<LiveCheck> plan_live_checks(const Plan& plan, const Catalog& live) {
  std::vector<LiveCheck> out;
  bool after_sql = false;
  for_each_change(plan, live, [&](const Change& change, const ChangeContext& ctx) {
    // An sql change may create what the changes after it use (a type, a function), which
    // the live schema does not have yet: they are checked when their phases run.
    if (after_sql || change.kind() == "sql") {
      after_sql = true;
      return;
    }
    // Expressions compile over the live tables, where what an earlier change of the plan adds
    // is a NULL of its type. Existing rows are counted only for a change whose tables no
    // earlier change touches: the rows it will meet are the live ones.
    const ChangeContext over_live{ctx.file, ctx.plan, ctx.schema, ctx.before, &live};
    const bool sees_live = change_sees_live_tables(plan, change);
    for (auto& c : change.live_checks(over_live)) {
      if (sees_live || !c.counts_rows) {
        out.push_back(std::move(c));
      }
    }
  });
  return out;
}

PlanWork render_plan(const Plan& plan, const Catalog& live) {
  PlanWork out;
  std::array<std::vector<std::vector<Step>>, 5> rollbacks;
  std::vector<VersionedColumn> versioned;
  const Catalog final_shape = for_each_change(plan, live, [&](const Change& change,
                                                              const ChangeContext& ctx) {
    if (const auto* v = dynamic_cast<const Versioned*>(&change)) {
      auto cols = v->version_columns(ctx);
      versioned.insert(versioned.end(), cols.begin(), cols.end());
    }
    for (Phase phase : k_phases) {
      PhaseWork w = change.work(phase, ctx);
      PhaseWork& into = out.at(phase);
      into.steps.insert(into.steps.end(), w.steps.begin(), w.steps.end());
      into.gate.insert(into.gate.end(), w.gate.begin(), w.gate.end());
      into.backfills.insert(into.backfills.end(), w.backfills.begin(), w.backfills.end());
      rollbacks[static_cast<int>(phase)].push_back(change.rollback(phase, ctx));
    }
  });
  add_version_schema(out, rollbacks, plan, live, final_shape, versioned);
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
