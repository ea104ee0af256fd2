#include "run/registration.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "changes/change.hpp"
#include "changes/version_schema.hpp"
#include "core/errors.hpp"
#include "planner/live_checks.hpp"
#include "planner/planner.hpp"
#include "planner/render_for_role.hpp"
#include "run/stored_plan.hpp"

namespace orchestrate {

namespace {
std::set<std::string> tables_of(const Plan& plan) {
  std::set<std::string> out;
  for (const auto& change : plan.changes) {
    for (const auto& touch : change->touches()) {
      out.insert(plan.schema + "." + touch.table);
    }
  }
  return out;
}
std::set<std::string> version_schemas_of(const Plan& plan) {
  return {version_schema_name(versions_named_for(plan)),
          old_version_schema_name(versions_named_for(plan))};
}
} // namespace

void refuse_overlapping_plans(StateStore& store, const Plan& plan) {
  const auto mine = tables_of(plan);
  const auto my_schemas = version_schemas_of(plan);
  if (my_schemas.count(store.schema()) != 0) {
    throw InputError(fmt::format("plan {}: a version schema would be named {}, orchestrate's "
                                 "state schema; choose another version_schema",
                                 plan.name.value, store.schema()));
  }
  for (const auto& record : store.list()) {
    if (!record.state.active() || record.name == plan.name.value) {
      continue;
    }
    const auto stored = stored_plan(record);
    if (!stored) {
      continue; // a stored plan this version cannot read any more is not ours to judge here
    }
    const std::set<std::string> theirs = tables_of(*stored);
    const std::set<std::string> their_schemas = version_schemas_of(*stored);
    for (const auto& schema : my_schemas) {
      if (their_schemas.count(schema) != 0) {
        throw InputError(fmt::format(
            "plan {} would use version schema {}, which plan {} (state {}) uses; choose another "
            "version_schema, or finish or roll back {} first",
            plan.name.value, schema, record.name, record.state.name(), record.name));
      }
    }
    for (const auto& table : mine) {
      if (theirs.count(table) != 0) {
        throw InputError(fmt::format(
            "plan {} touches table {}, which plan {} (state {}) is changing; finish or roll back "
            "{} first",
            plan.name.value, table, record.name, record.state.name(), record.name));
      }
    }
  }
}


Registration register_plan(pqxx::connection& conn,
                           StateStore& store,
                           const Catalog& catalog,
                           const Plan& plan,
                           const std::string& path,
                           Reporter& reporter) {
  if (auto existing = store.find(plan.name.value)) {
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
    store.forget(plan.name.value);
  }
  check_plan_live(conn, plan, catalog);
  PlanRecord record;
  record.name = plan.name.value;
  record.checksum = plan.checksum;
  record.body = plan.body;
  record.file = std::filesystem::path(path).filename().string();
  record.description = plan.description;
  std::string note;
  record.work = render_for_role(conn, plan, catalog, note);
  if (!note.empty()) {
    reporter.warn("note: " + note);
  }
  record.state = PlanState::planned();
  store.insert(record);
  return Registration::registered;
}

} // namespace orchestrate
