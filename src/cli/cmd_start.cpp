#include <filesystem>

#include "cli/overlap.hpp"
#include "cli/session.hpp"
#include "core/errors.hpp"
#include "planner/planner.hpp"
#include "state/lock.hpp"

namespace orchestrate {

namespace {
struct StartOptions {
  std::string plan;
};

int run_start(const StartOptions& o, const GlobalOptions& g) {
  Plan plan = load_plan(o.plan);
  Session s(g, "start");
  PlanLock lock(*s.conn, g.state_schema, plan.name.value);
  refuse_overlapping_plans(*s.store, plan);
  if (auto existing = s.store->find(plan.name.value)) {
    if (existing->checksum != plan.checksum) {
      throw InputError("plan name '" + plan.name.value + "' is already used by a plan with "
                       "checksum " + existing->checksum + " (this file's is " + plan.checksum +
                       "); give the changed plan a new name");
    }
    if (existing->state.kind != PlanState::Kind::rolled_back) {
      s.reporter.info("plan " + plan.name.value + " is already registered (state " +
                      existing->state.name() + ")");
      return 0;
    }
    pqxx::work tx(*s.conn);
    for (const char* table : {"plans", "control", "backfill_ranges", "phases"}) {
      tx.exec_params("DELETE FROM " + s.store->table(table) +
                         (std::string(table) == "plans" ? " WHERE name = $1" : " WHERE plan = $1"),
                     plan.name.value);
    }
    tx.commit();
  }
  PlanRecord record;
  record.name = plan.name.value;
  record.checksum = plan.checksum;
  record.body = plan.body;
  record.file = std::filesystem::path(o.plan).filename().string();
  record.description = plan.description;
  record.work = render_plan(plan, s.catalog());
  record.state = PlanState::planned();
  s.store->insert(record);
  s.reporter.info("registered plan " + record.name + " (" + std::to_string(plan.changes.size()) +
                  " changes, checksum " + record.checksum + "); `orchestrate next` runs expand");
  return 0;
}
} // namespace

void setup_start(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<StartOptions>();
  auto* sub = app.add_subcommand("start", "Register a plan (state planned)");
  sub->add_option("PLAN", o->plan, "plan file")->required();
  sub->callback([&action, o, &g] { action = [o, &g] { return run_start(*o, g); }; });
}

} // namespace orchestrate
