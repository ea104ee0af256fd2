#include "planner/planner.hpp"

#include "changes/change.hpp"
#include "changes/version_schema.hpp"
#include "core/errors.hpp"
#include "planner/dual_write_ends.hpp"
#include "planner/merge_backfills.hpp"

#include <fmt/format.h>

#include <set>

namespace orchestrate {

namespace {

// Returns the schema as the whole plan leaves it.
template <class F> Catalog for_each_change(const Plan& plan, const Catalog& live, F f) {
  if (!live.has_schema(plan.schema)) {
    throw PlanError(plan.file, 0, 0, "schema '" + plan.schema + "' does not exist");
  }
  Catalog shape = live;
  for (const auto& change : plan.changes) {
    ChangeContext ctx{
        .file = plan.file, .plan = plan.name.value, .schema = plan.schema, .before = shape};
    change->validate(ctx);
    Catalog before = shape;
    ChangeContext fixed{
        .file = plan.file, .plan = plan.name.value, .schema = plan.schema, .before = before};
    f(*change, fixed);
    change->apply(shape, fixed);
  }
  return shape;
}

void refuse_taken_schema(const Plan& plan, const Catalog& live, const std::string& name,
                         const char* application) {
  // The schema is the plan's own: rollback and contract drop it.
  if (!live.has_schema(name) && name.rfind("pg_", 0) != 0) {
    return;
  }
  if (plan.version_schema) {
    throw PlanError(plan.file, plan.version_schema->mark.line, plan.version_schema->mark.column,
                    fmt::format("version_schema: the {} application's version schema would be "
                                "'{}', which exists already or is reserved (the plan creates it "
                                "and drops it at contract); choose another name",
                                application, name));
  }
  throw PlanError(plan.file, plan.name.mark.line, plan.name.mark.column,
                  "the plan's version schema would be named '" + name +
                      "', which exists already or is reserved; give the plan another name");
}

// A version_schema the plan names must be free, whether or not the plan ends up needing it.
void refuse_taken_version_schemas(const Plan& plan, const Catalog& live) {
  if (plan.version_schema) {
    refuse_taken_schema(plan, live, version_schema_name(versions_named_for(plan)), "new");
    refuse_taken_schema(plan, live, old_version_schema_name(versions_named_for(plan)), "old");
  }
}

// The old version schema is expand's first step and contract's first drop; the new one is
// created after every trigger of dual-write and dropped as contract's last step.
void add_version_schemas(PlanWork& out,
                         std::array<std::vector<std::vector<Step>>, 5>& rollbacks,
                         const Plan& plan,
                         const Catalog& live,
                         const Catalog& final_shape,
                         const std::set<std::string>& touched,
                         const std::vector<VersionedColumn>& versioned,
                         bool with_old) {
  auto old_views = version_views(plan.schema, live, touched);
  if (old_views.empty()) {
    return; // the plan only adds tables: both applications use them as they are
  }
  if (!with_old) {
    old_views.clear();
  }
  auto new_views = version_views(plan.schema, final_shape, touched, versioned);
  out.version_schema = version_schema_name(versions_named_for(plan));
  out.base_schema = plan.schema;
  refuse_taken_schema(plan, live, out.version_schema, "new");
  if (with_old) {
    out.old_version_schema = old_version_schema_name(versions_named_for(plan));
    refuse_taken_schema(plan, live, out.old_version_schema, "old");
    PhaseWork& expand = out.at(Phase::expand);
    expand.steps.insert(expand.steps.begin(),
                        create_version_schema_step("version_schema.old.create",
                                                   out.old_version_schema, "old",
                                                   plan.name.value, old_views));
    for (auto& c : version_schema_checks(out.old_version_schema, old_views,
                                         "the table as it was at start")) {
      expand.gate.push_back(std::move(c));
    }
  }
  PhaseWork& dw = out.at(Phase::dual_write);
  dw.steps.push_back(create_version_schema_step("version_schema.create", out.version_schema,
                                                "new", plan.name.value, new_views));
  for (auto& c : version_schema_checks(out.version_schema, new_views,
                                       "the table's final shape")) {
    dw.gate.push_back(std::move(c));
  }
  PhaseWork& contract = out.at(Phase::contract);
  std::vector<std::pair<std::string, std::vector<VersionView>>> schemas = {
      {out.version_schema, new_views}};
  if (with_old) {
    schemas.insert(schemas.begin(), {out.old_version_schema, old_views});
    contract.steps.insert(contract.steps.begin(),
                          drop_version_schema_step("version_schema.old.drop",
                                                   out.old_version_schema, old_views));
    contract.gate.push_back(version_schema_gone_check("version_schema.old.gone",
                                                      out.old_version_schema));
  }
  contract.precheck.push_back(version_schema_precheck(schemas, plan.schema));
  contract.steps.push_back(
      drop_version_schema_step("version_schema.drop", out.version_schema, new_views));
  contract.gate.push_back(version_schema_gone_check("version_schema.gone", out.version_schema));
  for (Phase phase : k_phases) {
    // Rollbacks run in reverse order of the changes: the last entry runs first. The new schema
    // goes first (its views read the temporary columns the changes drop), the old one last,
    // once the tables have their old shape again: the old application's statements then find
    // the table itself with the shape its view had.
    auto& per_change = rollbacks[static_cast<int>(phase)];
    if (phase != Phase::expand) {
      per_change.push_back({drop_version_schema_step("rollback.version_schema.drop",
                                                     out.version_schema, new_views)});
    }
    if (with_old) {
      per_change.insert(per_change.begin(),
                        {drop_version_schema_step("rollback.version_schema.old.drop",
                                                  out.old_version_schema, old_views)});
    }
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
  refuse_taken_version_schemas(plan, live);
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
    const ChangeContext over_live{.file = ctx.file,
                                  .plan = ctx.plan,
                                  .schema = ctx.schema,
                                  .before = ctx.before,
                                  .live = &live};
    const bool sees_live = change_sees_live_tables(plan, change);
    for (auto& c : change.live_checks(over_live)) {
      if (sees_live || !c.counts_rows) {
        out.push_back(std::move(c));
      }
    }
  });
  return out;
}

PlanWork render_plan(const Plan& plan, const Catalog& live, RenderOptions options) {
  refuse_taken_version_schemas(plan, live);
  PlanWork out;
  std::array<std::vector<std::vector<Step>>, 5> rollbacks;
  std::vector<VersionedColumn> versioned;
  std::set<std::string> touched;
  const Catalog final_shape = for_each_change(plan, live, [&](const Change& change,
                                                              const ChangeContext& ctx) {
    if (const auto* v = dynamic_cast<const Versioned*>(&change)) {
      auto cols = v->version_columns(ctx);
      versioned.insert(versioned.end(), cols.begin(), cols.end());
    }
    for (const auto& t : change.touches()) {
      touched.insert(t.table);
    }
    for (Phase phase : k_phases) {
      PhaseWork w = change.work(phase, ctx);
      PhaseWork& into = out.at(phase);
      into.precheck.insert(into.precheck.end(), w.precheck.begin(), w.precheck.end());
      into.steps.insert(into.steps.end(), w.steps.begin(), w.steps.end());
      into.gate.insert(into.gate.end(), w.gate.begin(), w.gate.end());
      into.backfills.insert(into.backfills.end(), w.backfills.begin(), w.backfills.end());
      rollbacks[static_cast<int>(phase)].push_back(change.rollback(phase, ctx));
      const std::string refused = change.rollback_refused(phase, ctx);
      if (!refused.empty()) {
        auto& reasons = out.rollback_refused[static_cast<int>(phase)];
        reasons += (reasons.empty() ? "" : "; ") + refused;
      }
    }
  });
  out.at(Phase::contract).steps = join_dual_write_ends(std::move(out.at(Phase::contract).steps));
  out.at(Phase::backfill).backfills = merge_backfills(out.at(Phase::backfill).backfills);
  if (!options.stable_shapes) {
    // Only the tables whose new data lives in temporary columns: the new application must see
    // those under their final names. A default of the new application's own (set_default)
    // needs no schema: both applications then get it from the table at contract.
    touched.clear();
    for (const auto& v : versioned) {
      if (v.physical != v.column) {
        touched.insert(v.table);
      }
    }
  }
  add_version_schemas(out, rollbacks, plan, live, final_shape, touched, versioned,
                      options.stable_shapes);
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
            {.id = "gate." + g.name, .description = "plan gate " + g.name, .sql = g.sql});
      }
    }
  }
  return out;
}

} // namespace orchestrate
