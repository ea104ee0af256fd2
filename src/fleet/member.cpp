#include "fleet/member.hpp"

#include "core/errors.hpp"
#include "db/connection.hpp"
#include "run/backfill_settings.hpp"

namespace orchestrate {

Member::Member(const Targets& targets,
               const Target& target,
               std::string wave,
               const FleetSettings& settings,
               Reporter& console,
               FleetProgress& progress,
               bool read_only)
    : m_target(target), m_name(target.name.value), m_wave(std::move(wave)), m_settings(settings),
      m_url(target_url(targets, target)), m_reporter(console, m_name, progress) {
  m_conn = open_connection(m_url, "orchestrate fleet " + m_name);
  m_store = std::make_unique<StateStore>(*m_conn, settings.state_schema, operator_identity(*m_conn));
  if (read_only) {
    m_has_state = m_store->schema_exists();
  }
  if (m_has_state) {
    m_store->ensure_schema();
  }
}

Member::~Member() = default;

void Member::lock(const std::string& plan) {
  if (m_locks.count(plan) == 0) {
    m_locks[plan] = std::make_unique<PlanLock>(*m_conn, m_settings.state_schema, plan);
  }
}

PlanRecord Member::record(const std::string& plan) {
  auto r = m_has_state ? m_store->find(plan) : std::nullopt;
  if (!r) {
    throw InputError("no plan named '" + plan + "' is registered on target " + m_name +
                     "; `orchestrate start PLAN --targets FILE` registers it on every target");
  }
  return *r;
}

Observers& Member::observers(const std::string& plan) {
  if (!m_observers || m_plan != plan) {
    m_runner.reset();
    m_plan = plan;
    m_observers = std::make_unique<Observers>(
        ObserverFlags{.hook_dir = m_settings.observers.hook_dir,
                      .hook_timeout = m_settings.observers.hook_timeout,
                      .target = m_name},
        record(plan), m_reporter, *m_store, m_metrics);
  }
  return *m_observers;
}

Runner& Member::runner(const std::string& plan, bool defer_copy) {
  if (!m_runner || m_runner_defers != defer_copy || m_plan != plan) {
    const PlanRecord r = record(plan);
    RunnerOptions ro;
    ro.url = m_url;
    ro.exec = m_settings.exec;
    ro.exec.url.clear();
    ro.backfill = m_settings.unthrottled
                      ? unthrottled_backfill_options()
                      : resolve_backfill_options(
                            r, overlay_backfill_settings(m_target.backfill, m_settings.backfill));
    ro.stop = m_settings.stop;
    ro.hooks = observers(plan).hooks();
    ro.defer_copy = defer_copy;
    m_runner = std::make_unique<Runner>(*m_store, observers(plan).reporter(), ro);
    m_runner_defers = defer_copy;
  }
  return *m_runner;
}

} // namespace orchestrate
