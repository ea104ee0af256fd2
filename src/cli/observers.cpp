#include "cli/observers.hpp"

#include <filesystem>

#include "core/errors.hpp"
#include "plan/parse.hpp"

namespace orchestrate {

namespace {
constexpr auto k_progress_hook_every = std::chrono::seconds(5);

std::string hook_dir_of(const ObserverFlags& flags, const PlanRecord& record) {
  if (!flags.hook_dir.empty()) {
    return flags.hook_dir;
  }
  std::optional<std::string> from_plan;
  try {
    from_plan = parse_plan_text(record.body, record.file).hooks;
  } catch (const Error&) {
    return {}; // the stored plan was valid when registered; a newer parser's doubts are not ours
  }
  if (!from_plan || from_plan->empty()) {
    return {};
  }
  return *from_plan;
}
} // namespace

void add_hook_flag(CLI::App& sub, ObserverFlags& flags) {
  sub.add_option("--hook", flags.hook_dir,
                 "directory of event hooks: executables named before-phase, after-phase, "
                 "gate-failed, backfill-progress, backfill-done, failure (overrides the plan's "
                 "`hooks:`); a non-zero exit of before-phase stops the move with exit 3")
      ->envname("ORCHESTRATE_HOOK");
}

void add_metrics_flag(CLI::App& sub, ObserverFlags& flags) {
  sub.add_option("--metrics-port", flags.metrics_port,
                 "serve backfill metrics in Prometheus text format on 127.0.0.1:PORT while the "
                 "command runs")
      ->check(CLI::Range(0, 65535))
      ->envname("ORCHESTRATE_METRICS_PORT");
}

ObservingReporter::ObservingReporter(Reporter& inner, std::string plan, Hooks* hooks,
                                     std::shared_ptr<BackfillMetrics> metrics)
    : m_inner(inner), m_plan(std::move(plan)), m_hooks(hooks), m_metrics(std::move(metrics)) {}

void ObservingReporter::progress(const Progress& p) {
  m_inner.progress(p);
  if (m_metrics) {
    m_metrics->update(p);
  }
  const auto now = std::chrono::steady_clock::now();
  if (m_hooks != nullptr && now - m_last_hook >= k_progress_hook_every) {
    m_last_hook = now;
    m_hooks->start({"backfill-progress", m_plan, "backfill", p.throttled_by, p.rows_done,
                    p.rows_total});
  }
}

Observers::Observers(const ObserverFlags& flags, const PlanRecord& record, Reporter& console)
    : m_plan(record.name) {
  if (const std::string dir = hook_dir_of(flags, record); !dir.empty()) {
    if (!std::filesystem::is_directory(dir)) {
      throw InputError("hooks directory " + dir + " does not exist");
    }
    m_hooks = std::make_unique<Hooks>(dir);
  }
  if (flags.metrics_port) {
    m_metrics = std::make_shared<BackfillMetrics>(record.name);
    m_server = std::make_unique<MetricsServer>(static_cast<unsigned short>(*flags.metrics_port),
                                               m_metrics);
    console.info("metrics: http://127.0.0.1:" + std::to_string(m_server->port()) + "/metrics");
  }
  m_reporter = std::make_unique<ObservingReporter>(console, record.name, m_hooks.get(), m_metrics);
}

void Observers::guard(const std::string& phase, const std::function<void()>& move) {
  try {
    move();
  } catch (const GateFailed&) {
    throw;
  } catch (const StoppedEarly&) {
    throw;
  } catch (const std::exception& e) {
    if (m_hooks) {
      m_hooks->notify({"failure", m_plan, phase, e.what(), -1, -1});
    }
    throw;
  }
}

} // namespace orchestrate
