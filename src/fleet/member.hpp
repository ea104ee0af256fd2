#pragma once

#include <pqxx/pqxx>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "db/executor.hpp"
#include "fleet/progress.hpp"
#include "fleet/targets.hpp"
#include "plan/model.hpp"
#include "run/observers.hpp"
#include "run/runner.hpp"
#include "state/lock.hpp"
#include "state/store.hpp"

namespace orchestrate {

// What every target of one fleet command shares: the global settings and the command's flags.
struct FleetSettings {
  std::string state_schema = "orchestrate";
  ExecSettings exec{};
  BackfillSettings backfill{}; // the flags; they override each target's `backfill:`
  bool unthrottled = false;    // `up`: no rate limit, no window, large batches
  bool continue_on_error = false;
  const std::atomic<bool>* stop = nullptr;
  // --hook DIR for every target; --metrics-port / --metrics-listen: one endpoint for all
  ObserverFlags observers{};
};

// One target during one fleet command: its own connection, state store and (once `lock` was
// called) the plan's lock in its own database, as a single-database command would hold them.
class Member {
public:
  // Connects (a lost or refused connection throws); `read_only` leaves a missing state schema
  // alone, as `status` does.
  Member(const Targets& targets,
         const Target& target,
         std::string wave,
         const FleetSettings& settings,
         Reporter& console,
         FleetProgress& progress,
         bool read_only = false);
  ~Member();
  Member(const Member&) = delete;
  Member& operator=(const Member&) = delete;

  const std::string& name() const { return m_name; }
  const std::string& wave() const { return m_wave; }
  const std::string& url() const { return m_url; }
  pqxx::connection& conn() { return *m_conn; }
  StateStore& store() { return *m_store; }
  bool has_state() const { return m_has_state; }
  Reporter& reporter() { return m_reporter; }
  // Takes the plan's lock in this target's database (LockHeld, exit 4, when another session
  // holds it); held until the member goes.
  void lock(const std::string& plan);
  // The plan's record here; InputError when it is not registered on this target.
  PlanRecord record(const std::string& plan);
  // A Runner for the plan (built once: the plan's backfill settings under the target's under
  // the flags, the plan's hooks), and the observers that fire its hooks.
  Runner& runner(const std::string& plan, bool defer_copy = false);
  Observers& observers(const std::string& plan);
  // The figures this target's backfill progress feeds (the fleet serves them); none when null.
  void set_metrics(std::shared_ptr<BackfillMetrics> metrics) { m_metrics = std::move(metrics); }

private:
  const Target& m_target;
  std::string m_name;
  std::string m_wave;
  const FleetSettings& m_settings;
  std::string m_url;
  std::unique_ptr<pqxx::connection> m_conn;
  std::unique_ptr<StateStore> m_store;
  bool m_has_state = true;
  TargetReporter m_reporter;
  std::map<std::string, std::unique_ptr<PlanLock>> m_locks;
  std::string m_plan; // the plan m_observers and m_runner serve
  std::shared_ptr<BackfillMetrics> m_metrics;
  std::unique_ptr<Observers> m_observers;
  std::unique_ptr<Runner> m_runner;
  bool m_runner_defers = false;
};

} // namespace orchestrate
