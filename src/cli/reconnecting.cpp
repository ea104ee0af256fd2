#include "cli/reconnecting.hpp"

#include <fmt/format.h>

#include "db/connection.hpp"
#include "run/runner.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {
constexpr int k_max_losses = 5;
} // namespace

void run_reconnecting(Session& s, PlanLock& lock, const PlanRecord& before, const PlanMove& move) {
  const std::string& plan = before.name;
  for (int losses = 0;; ++losses) {
    std::string why;
    try {
      if (losses == 0) {
        move.run();
      } else if (const PlanRecord now = *s.store->find(plan); !move.resume(before, now)) {
        s.reporter.info(fmt::format("plan {} is {} after reconnecting; `orchestrate status {}` "
                                    "shows its gate",
                                    plan, now.state.name(), plan));
      }
      return;
    } catch (const ConnectionLost& e) {
      why = e.what();
    } catch (const pqxx::broken_connection& e) {
      why = "lost the database connection: " + trim_end(e.what());
    }
    if (losses + 1 >= k_max_losses) {
      throw ConnectionLost(fmt::format("{} ({} times in this run; giving up: run the same "
                                       "command again to resume)",
                                       why, losses + 1));
    }
    s.reporter.warn(why);
    s.reporter.warn(fmt::format("reconnecting (for up to {} s), then resuming plan {}",
                                k_reconnect_for.count(), plan));
    const bool back = reconnect(*s.conn, k_reconnect_for,
                                [&](const std::string& line) { s.reporter.warn("  " + line); });
    if (!back) {
      throw ConnectionLost(fmt::format("{}; could not reconnect within {} s: run the same command "
                                       "again to resume",
                                       why, k_reconnect_for.count()));
    }
    // The lock went with the lost session; another orchestrator may have taken it since.
    lock.acquire();
    s.store->event(plan, "", "", "reconnected", why);
  }
}

PlanMove next_move(Runner& runner, const std::string& plan) {
  return {.run = [&runner, plan] { runner.next(plan); },
          .resume = [&runner, plan](const PlanRecord& before, const PlanRecord& now) {
            if (now.applying || (now.state == before.state && !before.applying)) {
              // A phase was interrupted, or nothing moved yet: `next` resumes or moves.
              runner.next(plan);
              return true;
            }
            if (now.state == PlanState::at(Phase::backfill)) {
              runner.backfill(plan);
              return true;
            }
            // The phase was applied and only its closing gate was lost: gate it now, so the
            // run never ends in exit 0 with a failing gate.
            runner.gate_current(plan);
            return true;
          }};
}

PlanMove backfill_move(Runner& runner, const std::string& plan) {
  return {.run = [&runner, plan] { runner.backfill(plan); },
          .resume = [&runner, plan](const PlanRecord&, const PlanRecord&) {
            runner.backfill(plan);
            return true;
          }};
}

PlanMove rollback_move(Runner& runner, const std::string& plan) {
  return {.run = [&runner, plan] { runner.rollback(plan); },
          .resume = [&runner, plan](const PlanRecord&, const PlanRecord& now) {
            if (now.state == PlanState::rolled_back()) {
              return false;
            }
            runner.rollback(plan);
            return true;
          }};
}

} // namespace orchestrate
