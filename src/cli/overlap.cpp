#include "cli/overlap.hpp"

#include <fmt/format.h>

#include <set>

#include "changes/change.hpp"
#include "changes/version_schema.hpp"
#include "core/errors.hpp"
#include "plan/parse.hpp"

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
    std::set<std::string> theirs;
    std::set<std::string> their_schemas;
    try {
      const Plan other = parse_plan_text(record.body, record.file);
      theirs = tables_of(other);
      their_schemas = version_schemas_of(other);
    } catch (const std::exception&) {
      // A stored plan this version cannot read any more is not ours to judge here.
      continue;
    }
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

} // namespace orchestrate
