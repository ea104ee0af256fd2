#pragma once

#include <pqxx/pqxx>

#include <atomic>
#include <set>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backfill/engine.hpp"
#include "backfill/options.hpp"
#include "core/errors.hpp"
#include "core/reporter.hpp"
#include "db/executor.hpp"
#include "state/store.hpp"
#include "verify/gate.hpp"

namespace orchestrate {

class Hooks;

// The database connection was lost while a phase ran. Every step is idempotent and the phase is
// still marked `applying`, so reconnecting and running the same command again resumes it.
class ConnectionLost : public Error {
public:
  explicit ConnectionLost(const std::string& message) : Error(k_exit_runtime, message) {}
};

struct RunnerOptions {
  std::string url{};
  ExecSettings exec{};
  BackfillOptions backfill{};
  bool dry_run = false;
  const std::atomic<bool>* stop = nullptr;
  Hooks* hooks = nullptr; // event hooks (`--hook DIR`, the plan's `hooks:`); none when null
  // `next` into the backfill phase returns once the phase's state is recorded, before the copy:
  // a fleet runs its targets' copies side by side (copy_job, copy_ended, finish_backfill).
  bool defer_copy = false;
};

// Moves registered plans through their phases. The caller holds the plan's lock.
class Runner {
public:
  Runner(StateStore& store, Reporter& reporter, RunnerOptions options);

  // Runs again any step of the current phase whose effect is not in place, gates the current
  // phase, then runs the next one's steps (and its backfill), then that phase's gate. Throws
  // GateFailed (exit 3) when either gate fails (a phase never ends in exit 0 with a failing
  // gate), StepError (exit 1) when a step fails, StoppedEarly (exit 75) when a backfill stops
  // early. `gated`: the current phase's gate as the caller ran it just before (a fleet gates
  // every target before any moves); it stands unless `next` ran something first (a repair, the
  // rest of a copy), so the same scans are not made twice.
  void next(const std::string& plan, const std::vector<CheckResult>* gated = nullptr);
  // Runs or resumes the backfill of a plan in its backfill phase, then gates it (GateFailed
  // when the gate does not pass).
  void backfill(const std::string& plan);
  // Gates the phase the plan is in and throws GateFailed when it does not pass; nothing when
  // the plan is in no phase or one is being applied. For a run whose closing gate was lost
  // with its connection.
  void gate_current(const std::string& plan);
  // Runs the current phase's gate and records it; changes nothing else.
  std::vector<CheckResult> verify(const std::string& plan);
  // Undoes every phase applied so far (refused once contract has started).
  void rollback(const std::string& plan);
  // The phase whose steps, backfill or gate ran last ("rollback" for a rollback): the phase a
  // failure belongs to. Empty before anything ran.
  const std::string& phase_in_progress() const { return m_phase_in_progress; }
  // Moves a plan with `next` until it is done (`up`): each move runs inside `around`, which
  // gets the name of the phase in progress (asked when wanted, e.g. after a failure) and the
  // move itself (hooks, failure events). Throws GateFailed if a move leaves the plan where it
  // was.
  using AroundMove = std::function<void(const std::function<std::string()>& phase,
                                        const std::function<void()>& move)>;
  void run_to_done(const std::string& plan, const AroundMove& around);

  // The backfill phase in three parts, so a caller can run the copies of several plans (a
  // fleet's targets) on one event loop: the copy of a plan in its backfill phase as a job
  // (nullopt when the plan copies nothing; refuses a throttle the role cannot feed, records
  // the start), its outcome recorded (throws StoppedEarly, exit 75, when it stopped before its
  // end), then the steps after the copy and the gate (GateFailed when it does not pass).
  std::optional<BackfillJob> copy_job(const std::string& plan);
  void copy_ended(const std::string& plan, const BackfillOutcome& outcome);
  void finish_backfill(const std::string& plan);
  // The steps that run after the copy (the indexes it would otherwise update row by row), each
  // one whose effect is not in place yet; no gate.
  void after_copy(const std::string& plan);
  // True while the plan's backfill has a range that has not reached its end.
  bool copy_pending(const std::string& plan);
  Reporter& reporter() { return m_reporter; }

private:
  PlanRecord load(const std::string& plan);
  std::vector<CheckResult> gate(const PlanRecord& record, Phase phase, bool record_events);
  // The events of a gate's outcome: each failed check, and passed or failed.
  void record_gate_events(const std::string& plan,
                          Phase phase,
                          const std::vector<CheckResult>& results);
  // Runs a phase's steps. When resuming an interrupted phase, steps already recorded done are
  // skipped; the one that was running when it stopped runs again (every step is idempotent).
  void run_phase(const PlanRecord& record, Phase phase);
  // Runs one step, recording its lock waits, its end ("done", "failed", "interrupted") and its
  // time as events of `label` (a phase's name, or "rollback"); `command` names what to run again
  // after a lost connection.
  void run_recorded(const std::string& plan,
                    const std::string& label,
                    const char* command,
                    const Step& step);
  bool effect_in_place(const std::string& plan, const Step& step);
  // Runs again each step of a completed phase whose effect is not in place; true if it ran any.
  bool repair_phase(const PlanRecord& record, Phase phase);
  [[noreturn]] void fail_gate(const std::string& plan,
                              Phase phase,
                              const std::vector<CheckResult>& results,
                              bool after_running);
  void run_backfill_phase(const PlanRecord& record);
  // The backfill phase's steps (the indexes a copy would otherwise update row by row), which
  // run after its copy and before its gate: each one whose effect is not in place yet. True if
  // it ran any.
  bool run_after_copy(const PlanRecord& record);
  // Refuses a replica-lag throttle the role cannot feed (InputError, exit 2); records and warns
  // once about what else the backfill cannot see, naming the grant.
  void check_what_the_backfill_sees(const std::string& plan);
  // True while some range of the plan's backfill has not reached its end (or none was planned).
  bool backfill_unfinished(const PlanRecord& record);
  void report_gate(Phase phase, const std::vector<CheckResult>& results);
  // Runs the phase's precheck; throws GateFailed, before anything changes, when it fails.
  void precheck(const PlanRecord& record, Phase phase);

  StateStore& m_store;
  Reporter& m_reporter;
  RunnerOptions m_options;
  std::string m_phase_in_progress;
};

nlohmann::json gate_json(const std::vector<CheckResult>& results);

} // namespace orchestrate
