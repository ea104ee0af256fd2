#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/reporter.hpp"
#include "hooks/hooks.hpp"
#include "metrics/metrics.hpp"
#include "metrics/server.hpp"
#include "state/store.hpp"

namespace orchestrate {

// What the commands that move plans were told to run and serve: `--hook DIR`, `--hook-timeout`,
// `--metrics-port N` and `--metrics-listen ADDR:PORT`.
struct ObserverFlags {
  std::string hook_dir{};
  std::string hook_timeout = "10s";
  std::optional<int> metrics_port{};
  std::optional<std::string> metrics_listen{};
  // The fleet target these observers serve, which hooks are told; empty for one database.
  std::string target{};
};


// A Reporter decorator: passes everything on to the console, and feeds backfill progress to
// the metrics and to the backfill-progress hook (at most every few seconds, without waiting for
// it), so the backfill engine knows nothing about either.
class ObservingReporter : public Reporter {
public:
  ObservingReporter(Reporter& inner, std::string plan, Hooks* hooks,
                    std::shared_ptr<BackfillMetrics> metrics);
  void info(const std::string& line) override { m_inner.info(line); }
  void warn(const std::string& line) override { m_inner.warn(line); }
  void progress(const Progress& p) override;
  void progress_done() override { m_inner.progress_done(); }
  void gate(const std::string& phase, const std::vector<CheckLine>& checks) override {
    m_inner.gate(phase, checks);
  }

private:
  Reporter& m_inner;
  std::string m_plan;
  Hooks* m_hooks;
  std::shared_ptr<BackfillMetrics> m_metrics;
  std::chrono::steady_clock::time_point m_last_hook{};
};

// The hooks and metrics of one command run on one plan; every hook a move fires is fired here
// or by the Runner, never by a command. The hooks directory is the flag's,
// else the plan's `hooks:` (a relative path is taken from the working directory). A hook that
// exits non-zero or times out is shown as a warning and recorded as an event in `store`.
// Serves `metrics` as `--metrics-port` / `--metrics-listen` ask (null when neither is given),
// and says where on `console`; InputError (exit 2) for a bad address or a port in use.
std::unique_ptr<MetricsServer> serve_metrics(const ObserverFlags& flags,
                                             std::shared_ptr<const MetricsSource> metrics,
                                             Reporter& console);

class Observers {
public:
  // `metrics`: figures to feed when the flags ask for no server of their own (a fleet's target,
  // whose metrics the fleet serves with every other target's).
  Observers(const ObserverFlags& flags,
            const PlanRecord& record,
            Reporter& console,
            StateStore& store,
            std::shared_ptr<BackfillMetrics> metrics = nullptr);

  Reporter& reporter() { return *m_reporter; }
  Hooks* hooks() { return m_hooks.get(); }
  // Runs a move; a failure other than a gate (which has gate-failed) or an early stop fires the
  // failure hook, told the phase `phase()` names at that moment, before the error goes on to
  // the caller.
  void guard(const std::function<std::string()>& phase, const std::function<void()>& move);
  void guard(const std::string& phase, const std::function<void()>& move);
  // A rollback: the before-phase hook (which may refuse it), the move guarded, the after-phase
  // hook.
  void rollback(const std::function<void()>& move);

private:
  void hook_ended(const HookEvent& e, const HookEnding& ending);

  std::string m_plan;
  Reporter& m_console;
  StateStore& m_store;
  std::unique_ptr<Hooks> m_hooks;
  std::shared_ptr<BackfillMetrics> m_metrics;
  std::unique_ptr<MetricsServer> m_server;
  std::unique_ptr<ObservingReporter> m_reporter;
};

} // namespace orchestrate
