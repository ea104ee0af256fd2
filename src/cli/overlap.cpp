#include "cli/overlap.hpp"

#include <fmt/format.h>

#include <set>

#include "changes/change.hpp"
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
} // namespace

void refuse_overlapping_plans(StateStore& store, const Plan& plan) {
  const auto mine = tables_of(plan);
  for (const auto& record : store.list()) {
    if (!record.state.active() || record.name == plan.name.value) {
      continue;
    }
    std::set<std::string> theirs;
    try {
      theirs = tables_of(parse_plan_text(record.body, record.file));
    } catch (const std::exception&) {
      // A stored plan this version cannot read any more is not ours to judge here.
      continue;
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
