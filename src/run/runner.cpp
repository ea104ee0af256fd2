#include "run/runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <set>
#include <csignal>
#include <cstdlib>
#include <unistd.h>

#include "backfill/engine.hpp"
#include "core/errors.hpp"
#include "db/privileges.hpp"
#include "hooks/hooks.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {
using clock = std::chrono::steady_clock;

long long ms_since(clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t).count();
}

// Test hook for crash consistency: ORCHESTRATE_TEST_KILL_AFTER_STEP=<step id> makes the process
// SIGKILL itself right after that step ran and before anything recorded it, the worst moment
// for a crash. Running the command again must converge to the uninterrupted end state.
void kill_if_asked_after(const std::string& step_id) {
  const char* wanted = std::getenv("ORCHESTRATE_TEST_KILL_AFTER_STEP");
  if (wanted != nullptr && step_id == wanted) {
    ::kill(::getpid(), SIGKILL);
  }
}

// The plan's advisory lock lived on the lost connection, so this run cannot simply go on: the
// caller reconnects and takes the lock again (see cli/reconnecting.hpp), or the operator runs
// the same command again; the phase is still marked `applying` and every step is idempotent.
[[noreturn]] void throw_connection_lost(const std::string& plan,
                                        const std::string& command,
                                        const std::string& step_id,
                                        const pqxx::broken_connection& e) {
  const std::string why = trim_end(e.what());
  throw ConnectionLost(fmt::format("lost the database connection during step {} of plan {} ({}); "
                                   "nothing is lost: run `orchestrate {} {}` again to resume",
                                   step_id, plan, why, command, plan));
}
} // namespace

nlohmann::json gate_json(const std::vector<CheckResult>& results) {
  auto out = nlohmann::json::array();
  for (const auto& r : results) {
    out.push_back({{"id", r.id}, {"passed", r.passed}, {"detail", r.detail},
                   {"description", r.description}});
  }
  return out;
}

Runner::Runner(StateStore& store, Reporter& reporter, RunnerOptions options)
    : m_store(store), m_reporter(reporter), m_options(std::move(options)) {
  if (m_options.exec.url.empty()) {
    m_options.exec.url = m_options.url;
  }
  m_options.exec.stop = m_options.stop;
}

PlanRecord Runner::load(const std::string& plan) {
  auto record = m_store.find(plan);
  if (!record) {
    throw InputError("no plan named '" + plan + "' is registered; run `orchestrate start` first");
  }
  return *record;
}

void Runner::report_gate(Phase phase, const std::vector<CheckResult>& results) {
  for (const auto& r : results) {
    const std::string line = fmt::format("  [{}] {}: {}{}", r.passed ? "pass" : "FAIL", r.id,
                                         r.description, r.detail.empty() ? "" : " - " + r.detail);
    if (r.passed) {
      m_reporter.info(line);
    } else {
      m_reporter.warn(line);
    }
  }
  if (results.empty()) {
    m_reporter.info(fmt::format("  gate of {}: nothing to check", phase_name(phase)));
  }
  std::vector<CheckLine> lines;
  for (const auto& r : results) {
    lines.push_back(
        {.id = r.id, .description = r.description, .passed = r.passed, .detail = r.detail});
  }
  m_reporter.gate(std::string(phase_name(phase)), lines);
}

std::vector<CheckResult> Runner::gate(const PlanRecord& record, Phase phase, bool record_events) {
  m_phase_in_progress = phase_name(phase);
  auto results = run_gate(m_store.connection(), record.work.at(phase).gate, m_options.exec);
  m_store.set_gate(record.name, phase, gate_json(results));
  if (record_events) {
    record_gate_events(record.name, phase, results);
  }
  return results;
}

void Runner::record_gate_events(const std::string& plan,
                                Phase phase,
                                const std::vector<CheckResult>& results) {
  std::size_t failed = 0;
  for (const auto& r : results) {
    if (!r.passed) {
      ++failed;
      m_store.event(plan, std::string(phase_name(phase)), r.id, "check_failed", r.detail);
    }
  }
  m_store.event(plan, std::string(phase_name(phase)), "gate",
                failed == 0 ? "gate_passed" : "gate_failed",
                fmt::format("{} of {} checks passed", results.size() - failed, results.size()));
}

void Runner::run_phase(const PlanRecord& record, Phase phase) {
  const std::string name(phase_name(phase));
  m_phase_in_progress = name;
  const auto& steps = record.work.at(phase).steps;
  const bool resuming = record.applying && *record.applying == phase;
  const std::set<std::string> recorded = resuming ? m_store.steps_done(record.name, phase)
                                                  : std::set<std::string>{};
  m_store.set_state(record.name, record.state, phase);
  m_store.phase_started(record.name, phase);
  m_store.event(record.name, name, "", "phase_started");
  for (const auto& step : steps) {
    if (phase == Phase::backfill) {
      break; // the backfill phase's steps run after its copy (run_after_copy)
    }
    if (recorded.count(step.id) != 0) {
      if (effect_in_place(record.name, step)) {
        m_reporter.info(fmt::format("  step {} already done", step.id));
        continue;
      }
      m_reporter.warn(fmt::format("  step {} was recorded done, but its effect is not in place: "
                                  "running it again",
                                  step.id));
    }
    run_recorded(record.name, std::string(phase_name(phase)), "next", step);
  }
  if (steps.empty() && record.work.at(phase).backfills.empty()) {
    m_reporter.info(fmt::format("  {}: nothing to do for this plan", name));
  }
  m_store.set_state(record.name, PlanState::at(phase), std::nullopt);
}

void Runner::run_recorded(const std::string& plan,
                          const std::string& label,
                          const char* command,
                          const Step& step) {
  const auto started = clock::now();
  try {
    run_step(m_store.connection(), step, m_options.exec, [&](const std::string& line) {
      m_reporter.warn("  " + line);
      m_store.event(plan, label, step.id, "waiting", line);
    });
  } catch (const StepError& e) {
    m_store.event(plan, label, step.id, "failed", e.what());
    throw;
  } catch (const StoppedEarly& e) {
    m_store.event(plan, label, step.id, "interrupted", e.what());
    throw;
  } catch (const pqxx::broken_connection& e) {
    throw_connection_lost(plan, command, step.id, e);
  }
  kill_if_asked_after(step.id);
  const auto took = ms_since(started);
  m_store.event(plan, label, step.id, "done", fmt::format("{} ms", took));
  m_reporter.info(fmt::format("  step {} done ({} ms)", step.id, took));
}

bool Runner::effect_in_place(const std::string& plan, const Step& step) {
  try {
    return step_effect_in_place(m_store.connection(), step);
  } catch (const pqxx::broken_connection& e) {
    throw_connection_lost(plan, "next", step.id, e);
  }
}

bool Runner::repair_phase(const PlanRecord& record, Phase phase) {
  // Only the current phase's own steps: a later phase may rename or drop what an earlier one
  // built, so an earlier step's check says nothing once its phase is behind.
  bool ran = false;
  for (const auto& step : record.work.at(phase).steps) {
    if (effect_in_place(record.name, step)) {
      continue;
    }
    ran = true;
    m_reporter.warn(fmt::format("  the effect of step {} is not in place (an interrupted or "
                                "failed build, or dropped by hand): running it again",
                                step.id));
    run_recorded(record.name, std::string(phase_name(phase)), "next", step);
  }
  return ran;
}

bool Runner::run_after_copy(const PlanRecord& record) {
  bool ran = false;
  for (const auto& step : record.work.at(Phase::backfill).steps) {
    if (!step.verify.empty() && effect_in_place(record.name, step)) {
      m_reporter.info(fmt::format("  step {} already done", step.id));
      continue;
    }
    ran = true;
    run_recorded(record.name, "backfill", "next", step);
  }
  return ran;
}

void Runner::run_backfill_phase(const PlanRecord& record) {
  auto job = copy_job(record.name);
  if (!job) {
    return;
  }
  copy_ended(record.name, run_backfill(*job, m_reporter));
}

std::optional<BackfillJob> Runner::copy_job(const std::string& plan) {
  const PlanRecord record = load(plan);
  const auto& specs = record.work.at(Phase::backfill).backfills;
  if (specs.empty()) {
    return std::nullopt;
  }
  m_phase_in_progress = "backfill";
  check_what_the_backfill_sees(record.name);
  BackfillJob job{.url = m_options.url,
                  .state_schema = m_store.schema(),
                  .plan = record.name,
                  .specs = specs,
                  .options = m_options.backfill,
                  .exec = m_options.exec,
                  .stop = m_options.stop,
                  .on_throttle = [this, plan](const std::string& reason,
                                              const std::string& detail) {
                    m_reporter.warn("backfill held: " + reason + ": " + detail);
                    try {
                      m_store.event(plan, "backfill", reason, "throttled", detail);
                    } catch (const pqxx::failure&) {
                      // The record is for people; the backfill goes on without it, and a lost
                      // session is the reconnecting command's to handle after the backfill.
                    }
                  }};
  m_store.event(record.name, "backfill", "", "backfill_started");
  return job;
}

void Runner::copy_ended(const std::string& plan, const BackfillOutcome& outcome) {
  if (!outcome.finished) {
    const std::string why(to_string(outcome.stopped_because));
    m_store.event(plan, "backfill", "", "backfill_stopped", why);
    throw StoppedEarly(fmt::format(
        "backfill of {} stopped early ({}) after {} rows ({} in this run); {}",
        plan, why, outcome.rows_total, outcome.rows_done,
        outcome.stopped_because == StopReason::paused
            ? "run `orchestrate resume " + plan + "`, then `orchestrate backfill " +
                  plan + "` to go on"
            : "run `orchestrate backfill " + plan + "` to resume"));
  }
  m_store.event(plan, "backfill", "", "backfill_done",
                fmt::format("{} rows", outcome.rows_done));
  if (m_options.hooks != nullptr) {
    m_options.hooks->notify({.event = "backfill-done",
                             .plan = plan,
                             .phase = "backfill",
                             .reason = "",
                             .rows_done = outcome.rows_done,
                             .rows_total = outcome.rows_total});
  }
  m_reporter.info(fmt::format("  backfill done: {} rows processed in this run",
                              outcome.rows_done));
}

void Runner::after_copy(const std::string& plan) {
  run_after_copy(load(plan));
}

bool Runner::copy_pending(const std::string& plan) {
  return backfill_unfinished(load(plan));
}

void Runner::finish_backfill(const std::string& plan) {
  const PlanRecord record = load(plan);
  run_after_copy(record);
  auto results = gate(record, Phase::backfill, true);
  report_gate(Phase::backfill, results);
  if (!all_passed(results)) {
    fail_gate(plan, Phase::backfill, results, true);
  }
}

void Runner::check_what_the_backfill_sees(const std::string& plan) {
  std::vector<std::string> blind;
  if (m_options.backfill.throttle && !can_read_all_stats(m_store.connection())) {
    const std::string grant = read_all_stats_grant(m_store.connection());
    const auto& o = m_options.backfill;
    if (o.max_replica_lag || o.max_replica_lag_bytes) {
      // A throttle that reads NULL as "no lag" would copy at full speed while the standby falls
      // behind: refuse rather than pretend.
      const char* flag = o.max_replica_lag ? "--max-replica-lag" : "--max-replica-lag-bytes";
      const char* key = o.max_replica_lag ? "max_replica_lag" : "max_replica_lag_bytes";
      throw InputError(fmt::format(
          "{} cannot work: this role cannot read the lag columns of "
          "pg_stat_replication (they read NULL without pg_read_all_stats); {} (or run without "
          "{} / the plan's {})",
          flag, grant, flag, key));
    }
    if (o.max_xact_age) {
      throw InputError(fmt::format(
          "--max-xact-age cannot work: this role cannot see other roles' transactions in "
          "pg_stat_activity without pg_read_all_stats; {} (or run without --max-xact-age / the "
          "plan's max_xact_age)",
          grant));
    }
    blind.push_back(fmt::format("lock waiters: sessions of other roles waiting behind a batch "
                                "are invisible, so the backfill cannot slow down for them; {}",
                                grant));
  }
  m_store.set_blind(plan, blind);
  for (const auto& line : blind) {
    m_reporter.warn("warning: the backfill is blind to " + line);
    m_store.event(plan, "backfill", "lock_waiters", "blind", line);
  }
}

bool Runner::backfill_unfinished(const PlanRecord& record) {
  if (record.work.at(Phase::backfill).backfills.empty()) {
    return false;
  }
  return m_store.backfill_pending(record.name);
}

void Runner::run_to_done(const std::string& plan, const AroundMove& around) {
  for (;;) {
    const auto record = m_store.find(plan);
    if (!record) {
      throw InputError("no plan named " + plan);
    }
    if (record->state.kind == PlanState::Kind::done) {
      return;
    }
    const std::string before = record->state.name();
    around([&] { return m_phase_in_progress.empty() ? before : m_phase_in_progress; },
           [&] { next(plan); });
    if (m_store.find(plan)->state.name() == before) {
      throw GateFailed("plan " + plan + " did not move past " + before);
    }
  }
}

void Runner::next(const std::string& plan, const std::vector<CheckResult>* gated) {
  PlanRecord record = load(plan);
  if (record.state.kind == PlanState::Kind::done) {
    throw InputError("plan " + plan + " is already done");
  }
  if (record.state.kind == PlanState::Kind::rolled_back) {
    throw InputError("plan " + plan + " was rolled back; register it again under a new name");
  }
  Phase target = Phase::expand;
  if (record.applying) {
    // A previous run stopped inside this phase; its steps are idempotent, run them again.
    target = *record.applying;
    m_reporter.info(fmt::format("resuming phase {} (interrupted earlier)", phase_name(target)));
  } else if (record.state.kind == PlanState::Kind::in_phase) {
    const Phase current = record.state.phase;
    bool ran = false;
    if (current == Phase::backfill && !m_options.dry_run) {
      if (backfill_unfinished(record)) {
        // A backfill stopped early (a signal, a kill, pause and resume) is finished first,
        // from its recorded cursors, rather than gated half-done.
        m_reporter.info("resuming the backfill, which stopped before its end");
        run_backfill_phase(record);
        ran = true;
      }
      ran = run_after_copy(record) || ran;
    }
    if (!m_options.dry_run) {
      ran = repair_phase(record, current) || ran;
    }
    std::vector<CheckResult> results;
    if (gated != nullptr && !ran) {
      results = *gated;
      m_reporter.info(fmt::format("gate of {}: {} checks, as just run", phase_name(current),
                                  results.size()));
      record_gate_events(record.name, current, results);
    } else {
      m_reporter.info(fmt::format("gate of {}:", phase_name(current)));
      results = gate(record, current, true);
      report_gate(current, results);
    }
    if (!all_passed(results)) {
      fail_gate(plan, current, results, false);
    }
    if (current == Phase::contract) {
      m_store.set_state(record.name, PlanState::done(), std::nullopt);
      m_store.phase_finished(record.name, Phase::contract);
      m_store.event(record.name, "contract", "", "done");
      m_reporter.info("plan " + plan + " is done");
      return;
    }
    m_store.phase_finished(record.name, current);
    target = *next_phase(current);
  }
  if (m_options.dry_run) {
    m_reporter.info(fmt::format("dry run: phase {} would run:", phase_name(target)));
    for (const auto& step : record.work.at(target).steps) {
      m_reporter.info(fmt::format("-- {}\n{};", step.id, step.sql));
    }
    return;
  }
  precheck(record, target);
  if (m_options.hooks != nullptr) {
    m_options.hooks->before_phase(plan, std::string(phase_name(target)));
  }
  m_reporter.info(fmt::format("phase {}:", phase_name(target)));
  run_phase(record, target);
  record.state = PlanState::at(target);
  record.applying.reset();
  if (target == Phase::backfill && m_options.defer_copy) {
    return; // the caller copies, then calls finish_backfill
  }
  if (target == Phase::backfill) {
    run_backfill_phase(record);
    run_after_copy(record);
  }
  m_reporter.info(fmt::format("gate of {}:", phase_name(target)));
  auto results = gate(record, target, true);
  report_gate(target, results);
  if (m_options.hooks != nullptr) {
    m_options.hooks->notify({.event = "after-phase",
                             .plan = plan,
                             .phase = std::string(phase_name(target)),
                             .reason = all_passed(results) ? "gate passed" : "gate not passing yet"});
  }
  if (!all_passed(results)) {
    fail_gate(plan, target, results, true);
  }
  if (target == Phase::contract) {
    m_store.set_state(record.name, PlanState::done(), std::nullopt);
    m_store.phase_finished(record.name, Phase::contract);
    m_store.event(record.name, "contract", "", "done");
    m_reporter.info("plan " + plan + " is done");
  }
}

void Runner::precheck(const PlanRecord& record, Phase phase) {
  const auto& checks = record.work.at(phase).precheck;
  if (checks.empty()) {
    return;
  }
  m_reporter.info(fmt::format("before {}:", phase_name(phase)));
  auto results = run_gate(m_store.connection(), checks, m_options.exec);
  report_gate(phase, results);
  if (all_passed(results)) {
    return;
  }
  const std::string why = fmt::format("phase {} not started: a check before it failed; nothing "
                                      "was changed",
                                      phase_name(phase));
  m_store.event(record.name, std::string(phase_name(phase)), "precheck", "precheck_failed", why);
  if (m_options.hooks != nullptr) {
    m_options.hooks->notify(
        {.event = "gate-failed",
         .plan = record.name,
         .phase = std::string(phase_name(phase)),
         .reason = why});
  }
  throw GateFailed(why);
}

void Runner::fail_gate(const std::string& plan,
                       Phase phase,
                       const std::vector<CheckResult>& results,
                       bool after_running) {
  int failed = 0;
  for (const auto& r : results) {
    failed += r.passed ? 0 : 1;
  }
  const std::string why =
      !after_running
          ? fmt::format("gate of {} did not pass: {} of {} checks failed", phase_name(phase),
                        failed, results.size())
          : fmt::format("phase {} ran, but its gate does not pass: {} of {} checks failed; "
                        "`orchestrate next` runs again what is missing, then gates it",
                        phase_name(phase), failed, results.size());
  if (m_options.hooks != nullptr) {
    m_options.hooks->notify({.event = "gate-failed",
                             .plan = plan,
                             .phase = std::string(phase_name(phase)),
                             .reason = why});
  }
  throw GateFailed(why);
}

void Runner::gate_current(const std::string& plan) {
  PlanRecord record = load(plan);
  if (record.state.kind != PlanState::Kind::in_phase || record.applying) {
    return;
  }
  m_reporter.info(fmt::format("gate of {}:", phase_name(record.state.phase)));
  auto results = gate(record, record.state.phase, true);
  report_gate(record.state.phase, results);
  if (!all_passed(results)) {
    fail_gate(plan, record.state.phase, results, true);
  }
}

void Runner::backfill(const std::string& plan) {
  PlanRecord record = load(plan);
  if (record.state != PlanState::at(Phase::backfill) || record.applying) {
    throw InputError(fmt::format("plan {} is in phase {}, not backfill; `orchestrate next` moves "
                                 "it there",
                                 plan, record.state.name()));
  }
  run_backfill_phase(record);
  finish_backfill(plan);
}

std::vector<CheckResult> Runner::verify(const std::string& plan) {
  PlanRecord record = load(plan);
  if (record.state.kind != PlanState::Kind::in_phase) {
    m_reporter.info(fmt::format("plan {} is {}: no gate to check", plan, record.state.name()));
    return {};
  }
  auto results = gate(record, record.state.phase, false);
  report_gate(record.state.phase, results);
  return results;
}

void Runner::rollback(const std::string& plan) {
  PlanRecord record = load(plan);
  if (!record.state.active()) {
    throw InputError(fmt::format("plan {} is {}; there is nothing to roll back", plan,
                                 record.state.name()));
  }
  Phase reached = record.applying ? *record.applying : record.state.phase;
  if (reached == Phase::contract) {
    throw InputError(fmt::format("plan {} has entered contract, which drops the old schema; it "
                                 "cannot be rolled back",
                                 plan));
  }
  if (record.state.kind == PlanState::Kind::planned && !record.applying) {
    m_store.set_state(plan, PlanState::rolled_back(), std::nullopt);
    m_store.event(plan, "", "", "rolled_back", "nothing had been applied");
    m_reporter.info("plan " + plan + " rolled back (nothing had been applied)");
    return;
  }
  const std::string& refused = record.work.rollback_refused[static_cast<int>(reached)];
  if (!refused.empty()) {
    throw InputError(fmt::format("plan {} cannot be rolled back from {}: {}. Nothing was undone; "
                                 "move it forward with `orchestrate next`",
                                 plan, phase_name(reached), refused));
  }
  m_phase_in_progress = "rollback";
  m_store.event(plan, std::string(phase_name(reached)), "", "rollback_started");
  for (const auto& step : record.work.rollback[static_cast<int>(reached)]) {
    run_recorded(plan, "rollback", "rollback", step);
  }
  m_store.clear_backfill_ranges(plan);
  m_store.set_state(plan, PlanState::rolled_back(), std::nullopt);
  m_store.event(plan, "", "", "rolled_back");
  m_reporter.info("plan " + plan + " rolled back");
}

} // namespace orchestrate
