#include "fleet/fleet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/errors.hpp"
#include "db/sqlstate.hpp"
#include "fleet/copies.hpp"
#include "core/text.hpp"
#include "run/registration.hpp"
#include "db/catalog_load.hpp"

namespace orchestrate {

namespace {
// Where a target's plan is, growing as it moves: planned 0, each phase 2 (expand) to 10
// (contract), a phase being applied (interrupted) one less than the phase, done 12.
int rank_of(const PlanRecord& r) {
  switch (r.state.kind) {
  case PlanState::Kind::planned:
    return r.applying ? 2 * (static_cast<int>(*r.applying) + 1) - 1 : 0;
  case PlanState::Kind::in_phase:
    return r.applying ? 2 * (static_cast<int>(*r.applying) + 1) - 1
                      : 2 * (static_cast<int>(r.state.phase) + 1);
  case PlanState::Kind::done:
    return 12;
  case PlanState::Kind::rolled_back:
    break;
  }
  return -1;
}

int rank_at(Phase phase) {
  return 2 * (static_cast<int>(phase) + 1);
}

std::string rank_name(int rank) {
  if (rank <= 0) {
    return "planned";
  }
  if (rank >= 12) {
    return "done";
  }
  return std::string(phase_name(static_cast<Phase>((rank + 1) / 2 - 1)));
}

// The phase the next move of a target at `rank` runs (resumes, for an interrupted one).
std::optional<Phase> move_target(int rank) {
  if (rank >= 10) {
    return std::nullopt;
  }
  return static_cast<Phase>(rank % 2 == 1 ? (rank + 1) / 2 - 1 : rank / 2);
}

std::vector<std::string> failed_checks_of(const nlohmann::json& gate) {
  std::vector<std::string> out;
  for (const auto& g : gate) {
    if (!g.value("passed", false)) {
      const std::string detail = g.value("detail", "");
      out.push_back(g.value("id", "") + (detail.empty() ? "" : ": " + detail));
    }
  }
  return out;
}
} // namespace

int FleetResult::exit_code() const {
  int first = 0;
  for (const auto& t : targets) {
    if (t.exit_code == k_exit_gate_failed) {
      return k_exit_gate_failed;
    }
    if (first == 0) {
      first = t.exit_code;
    }
  }
  return first;
}

Fleet::Fleet(Targets targets, FleetSettings settings, Reporter& console)
    : m_targets(std::move(targets)), m_settings(std::move(settings)), m_console(console),
      m_progress(console) {}

Fleet::~Fleet() = default;

std::vector<Member*> Fleet::members(bool read_only) {
  if (m_members.empty()) {
    // Every URL first: an unset url_env is refused before anything connects.
    for (const auto& wave : m_targets.waves) {
      for (const auto& t : wave.targets) {
        (void)target_url(m_targets, t);
      }
    }
    for (const auto& wave : m_targets.waves) {
      for (const auto& t : wave.targets) {
        try {
          m_members.push_back(std::make_unique<Member>(m_targets, t, wave.name.value, m_settings,
                                                       m_console, m_progress, read_only));
        } catch (const PlanError&) {
          throw;
        } catch (const Error& e) {
          throw Error(e.exit_code(), "target " + t.name.value + ": " + e.what());
        } catch (const pqxx::failure& e) {
          throw Error(k_exit_runtime, "target " + t.name.value + ": cannot connect: " +
                                          trim_end(e.what()));
        }
      }
    }
  }
  std::vector<Member*> out;
  for (auto& m : m_members) {
    out.push_back(m.get());
  }
  return out;
}

std::string Fleet::resolve_plan(const std::string& name) {
  if (!name.empty()) {
    return name;
  }
  Member& first = *members().front();
  std::vector<std::string> active;
  for (const auto& r : first.has_state() ? first.store().list() : std::vector<PlanRecord>{}) {
    if (r.state.active()) {
      active.push_back(r.name);
    }
  }
  if (active.size() != 1) {
    throw InputError(fmt::format("{} plan(s) active on target {}; name the plan", active.size(),
                                 first.name()));
  }
  return active.front();
}

TargetResult& Fleet::result_of(FleetResult& out, Member& m) {
  for (auto& r : out.targets) {
    if (r.target == m.name()) {
      return r;
    }
  }
  out.targets.push_back({.target = m.name(), .wave = m.wave()});
  return out.targets.back();
}

bool Fleet::attempt(Member& m,
                    TargetResult& r,
                    const std::string& plan,
                    const std::function<void()>& op) {
  try {
    op();
    r.exit_code = 0;
    r.message.clear();
    r.failed_checks.clear();
  } catch (const Error& e) {
    r.exit_code = e.exit_code();
    r.message = e.what();
  } catch (const pqxx::broken_connection& e) {
    r.exit_code = k_exit_runtime;
    r.message = "lost the database connection: " + trim_end(e.what());
  } catch (const pqxx::failure& e) {
    r.exit_code = k_exit_runtime;
    r.message = "database error " + describe_db_error(e);
  } catch (const std::exception& e) {
    r.exit_code = k_exit_runtime;
    r.message = e.what();
  }
  try {
    if (m.has_state()) {
      if (auto rec = m.store().find(plan)) {
        r.state = rec->state.name();
        if (r.exit_code == k_exit_gate_failed) {
          r.failed_checks = failed_checks_of(rec->last_gate);
        }
      }
    }
  } catch (const std::exception&) {
    // What the target's record says is for the report; the failure above is what counts.
  }
  if (r.exit_code != 0) {
    m.reporter().warn("failed: " + r.message);
    for (const auto& c : r.failed_checks) {
      m.reporter().warn("  failing check " + c);
    }
  }
  return r.exit_code == 0;
}

FleetResult Fleet::each(const std::string& what,
                        bool reverse,
                        bool stops,
                        const std::function<void(Member&, TargetResult&)>& op) {
  FleetResult out;
  auto all = members();
  std::vector<std::vector<Member*>> waves;
  for (Member* m : all) {
    if (waves.empty() || waves.back().front()->wave() != m->wave()) {
      waves.emplace_back();
    }
    waves.back().push_back(m);
  }
  if (reverse) {
    std::reverse(waves.begin(), waves.end());
  }
  for (auto& wave : waves) {
    bool failed = false;
    for (Member* m : wave) {
      if (failed && stops && !m_settings.continue_on_error) {
        break;
      }
      TargetResult& r = result_of(out, *m);
      op(*m, r);
      failed = failed || r.exit_code != 0;
    }
    if (failed && stops) {
      out.stopped = fmt::format("{} stopped in wave {}", what, wave.front()->wave());
      break;
    }
  }
  return out;
}

FleetResult Fleet::start(const Plan& plan, const std::string& path) {
  const std::string& name = plan.name.value;
  return each("start", false, true, [&](Member& m, TargetResult& r) {
    attempt(m, r, name, [&] {
      m.lock(name);
      refuse_overlapping_plans(m.store(), plan);
      const auto outcome = register_plan(m.conn(), m.store(),
                                         load_catalog(m.conn(), m.store().schema()), plan, path,
                                         m.reporter());
      m.reporter().info(outcome == Registration::registered        ? "registered " + name
                        : outcome == Registration::already_registered ? name + " is already registered"
                                                                      : name + " is already done");
    });
  });
}

FleetResult Fleet::finish_copies(const std::string& plan) {
  FleetResult out;
  for (const auto& wave : m_targets.waves) {
    std::vector<Member*> pending;
    for (Member* m : members()) {
      if (m->wave() != wave.name.value) {
        continue;
      }
      TargetResult& r = result_of(out, *m);
      bool copying = false;
      attempt(*m, r, plan, [&] {
        const PlanRecord rec = m->record(plan);
        copying = rec.state == PlanState::at(Phase::backfill) && !rec.applying &&
                  m->runner(plan).copy_pending(plan);
      });
      if (copying) {
        pending.push_back(m);
      }
    }
    if (pending.empty()) {
      continue;
    }
    m_console.info(fmt::format("wave {}: finishing the copy on {} target(s), {} at once",
                               wave.name.value, pending.size(), wave.parallel));
    const auto errors = run_copies(pending, plan, wave.parallel, m_settings.continue_on_error);
    for (std::size_t i = 0; i < pending.size(); ++i) {
      TargetResult& r = result_of(out, *pending[i]);
      attempt(*pending[i], r, plan, [&] {
        if (errors[i]) {
          std::rethrow_exception(errors[i]);
        }
        pending[i]->runner(plan).after_copy(plan);
      });
    }
    if (out.exit_code() != 0) {
      out.stopped = "the copy did not finish on every target of wave " + wave.name.value;
      return out;
    }
  }
  return out;
}

void Fleet::serve_metrics(const std::string& plan) {
  if (m_server || (!m_settings.observers.metrics_port && !m_settings.observers.metrics_listen)) {
    return;
  }
  m_metrics = std::make_shared<FleetMetrics>(plan);
  for (Member* m : members()) {
    m->set_metrics(m_metrics->of(m->name()));
  }
  m_server = orchestrate::serve_metrics(m_settings.observers, m_metrics, m_console);
}

FleetResult Fleet::next(const std::string& plan) {
  serve_metrics(plan);
  auto all = members();
  for (Member* m : all) {
    m->lock(plan);
  }
  // Copies an interrupted run left unfinished are finished first, so their gates can pass.
  if (FleetResult copies = finish_copies(plan); copies.exit_code() != 0) {
    return copies;
  }
  FleetResult out;
  int lowest = 12;
  int highest = 0;
  std::map<std::string, int> ranks;
  for (Member* m : all) {
    const PlanRecord rec = m->record(plan);
    const int rank = rank_of(rec);
    if (rank < 0) {
      throw InputError(fmt::format("plan {} was rolled back on target {}; a fleet moves only "
                                   "when every target has the plan active",
                                   plan, m->name()));
    }
    ranks[m->name()] = rank;
    lowest = std::min(lowest, rank);
    highest = std::max(highest, rank);
  }
  if (lowest == 12) {
    m_console.info("plan " + plan + " is done on every target");
    for (Member* m : all) {
      result_of(out, *m).state = "done";
    }
    return out;
  }
  // Everyone settled in one place moves one phase on; otherwise the stragglers catch up.
  const int goal = lowest == highest && lowest % 2 == 0 ? lowest + 2 : highest + highest % 2;
  m_console.info(fmt::format("fleet: moving plan {} to {}", plan, rank_name(goal)));
  // Lockstep: no target leaves a phase before every target there passes its gate. The move
  // itself takes that gate as run here rather than running its scans again.
  std::map<std::string, std::vector<CheckResult>> gated;
  if (goal - 2 >= 2) {
    bool passed = true;
    for (Member* m : all) {
      if (ranks[m->name()] != goal - 2) {
        continue;
      }
      TargetResult& r = result_of(out, *m);
      attempt(*m, r, plan, [&] {
        m->reporter().info("gate of " + rank_name(goal - 2) + ":");
        auto& results = gated[m->name()] = m->runner(plan).verify(plan);
        if (!all_passed(results)) {
          m->store().event(plan, rank_name(goal - 2), "fleet", "gate_failed",
                           "the fleet does not move while this gate fails");
          throw GateFailed(fmt::format("gate of {} does not pass on target {}",
                                       rank_name(goal - 2), m->name()));
        }
      });
      passed = passed && r.exit_code == 0;
    }
    if (!passed) {
      out.stopped = fmt::format("no target moved to {}: the gate of {} does not pass on every "
                                "target",
                                rank_name(goal), rank_name(goal - 2));
      return out;
    }
  }
  for (const auto& wave : m_targets.waves) {
    std::vector<Member*> copy;
    bool failed = false;
    for (Member* m : all) {
      if (m->wave() != wave.name.value || ranks[m->name()] >= goal) {
        continue;
      }
      if (failed && !m_settings.continue_on_error) {
        break;
      }
      TargetResult& r = result_of(out, *m);
      bool defer = false;
      attempt(*m, r, plan, [&] {
        for (int rank = rank_of(m->record(plan)); rank < goal; rank = rank_of(m->record(plan))) {
          defer = move_target(rank) == Phase::backfill && goal == rank_at(Phase::backfill);
          Runner& runner = m->runner(plan, defer);
          m->observers(plan).guard(
              [&] { return runner.phase_in_progress().empty() ? rank_name(rank)
                                                              : runner.phase_in_progress(); },
              [&] {
                const auto it = rank == goal - 2 ? gated.find(m->name()) : gated.end();
                runner.next(plan, it == gated.end() ? nullptr : &it->second);
              });
          if (rank_of(m->record(plan)) == rank) {
            throw GateFailed("plan " + plan + " did not move past " + rank_name(rank));
          }
        }
      });
      failed = failed || r.exit_code != 0;
      if (defer && r.exit_code == 0) {
        copy.push_back(m);
      }
    }
    if (!copy.empty() && (!failed || m_settings.continue_on_error)) {
      m_console.info(fmt::format("wave {}: copying on {} target(s), {} at once", wave.name.value,
                                 copy.size(), wave.parallel));
      const auto errors = run_copies(copy, plan, wave.parallel, m_settings.continue_on_error);
      for (std::size_t i = 0; i < copy.size(); ++i) {
        Member& m = *copy[i];
        TargetResult& r = result_of(out, m);
        attempt(m, r, plan, [&] {
          if (errors[i]) {
            std::rethrow_exception(errors[i]);
          }
          m.runner(plan).finish_backfill(plan);
        });
        failed = failed || r.exit_code != 0;
      }
    }
    if (failed) {
      out.stopped = fmt::format("stopped in wave {}: the fleet does not go on to the next wave "
                                "while a target of this one failed",
                                wave.name.value);
      break;
    }
  }
  // Every target in the report, those this run did not have to move included.
  for (Member* m : all) {
    TargetResult& r = result_of(out, *m);
    if (r.state.empty()) {
      r.state = m->record(plan).state.name();
    }
  }
  return out;
}

FleetResult Fleet::backfill(const std::string& plan) {
  serve_metrics(plan);
  for (Member* m : members()) {
    m->lock(plan);
  }
  FleetResult out = finish_copies(plan);
  if (out.exit_code() != 0) {
    return out;
  }
  FleetResult gated = each("backfill", false, true, [&](Member& m, TargetResult& r) {
    attempt(m, r, plan, [&] {
      if (m.record(plan).state != PlanState::at(Phase::backfill)) {
        throw InputError(fmt::format("plan {} is in phase {} on target {}, not backfill", plan,
                                     m.record(plan).state.name(), m.name()));
      }
      m.runner(plan).finish_backfill(plan);
    });
  });
  return gated;
}

FleetResult Fleet::verify(const std::string& plan) {
  FleetResult out = each("verify", false, false, [&](Member& m, TargetResult& r) {
    attempt(m, r, plan, [&] {
      if (!all_passed(m.runner(plan).verify(plan))) {
        throw GateFailed(fmt::format("gate of {} does not pass on target {}",
                                     m.record(plan).state.name(), m.name()));
      }
    });
  });
  return out;
}

FleetResult Fleet::rollback(const std::string& plan) {
  return each("rollback", true, true, [&](Member& m, TargetResult& r) {
    attempt(m, r, plan, [&] {
      m.lock(plan);
      const PlanRecord rec = m.record(plan);
      if (rec.state == PlanState::rolled_back()) {
        m.reporter().info("plan " + plan + " is already rolled back");
        return;
      }
      Runner& runner = m.runner(plan);
      m.observers(plan).rollback([&] { runner.rollback(plan); });
    });
  });
}

FleetResult Fleet::set_paused(const std::string& plan, bool paused) {
  return each(paused ? "pause" : "resume", false, true, [&](Member& m, TargetResult& r) {
    attempt(m, r, plan, [&] {
      (void)m.record(plan);
      m.store().set_paused(plan, paused);
      m.reporter().info(paused ? "paused " + plan : "resumed " + plan);
    });
  });
}

FleetResult Fleet::up(const std::vector<Plan>& plans, const std::vector<std::string>& paths) {
  FleetResult out;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const std::string& name = plans[i].name.value;
    m_console.info("== " + paths[i] + " (" + name + ")");
    out = start(plans[i], paths[i]);
    if (out.exit_code() != 0) {
      return out;
    }
    for (;;) {
      out = next(name);
      if (out.exit_code() != 0) {
        return out;
      }
      bool done = true;
      for (const auto& t : out.targets) {
        done = done && t.state == "done";
      }
      if (done) {
        break;
      }
    }
  }
  return out;
}

} // namespace orchestrate
