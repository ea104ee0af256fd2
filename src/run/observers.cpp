#include "run/observers.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "core/errors.hpp"
#include "db/executor.hpp"
#include "run/stored_plan.hpp"

namespace orchestrate {

namespace {
constexpr auto k_progress_hook_every = std::chrono::seconds(5);

std::string hook_dir_of(const ObserverFlags& flags, const PlanRecord& record) {
  if (!flags.hook_dir.empty()) {
    return flags.hook_dir;
  }
  // A stored plan this version cannot read any more names no hooks directory we can trust.
  const auto plan = stored_plan(record);
  return plan && plan->hooks ? *plan->hooks : std::string();
}
} // namespace

namespace {
// "0.0.0.0:9187", "[::]:9187" -> address and port; InputError otherwise.
std::pair<std::string, unsigned short> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
  const std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const bool digits = !port.empty() && port.size() <= 5 &&
                      port.find_first_not_of("0123456789") == std::string::npos;
  if (host.empty() || !digits || std::stoi(port) > 65535) {
    throw InputError("--metrics-listen '" + text + "' must be ADDRESS:PORT, e.g. 0.0.0.0:9187");
  }
  return {host, static_cast<unsigned short>(std::stoi(port))};
}
} // namespace

std::unique_ptr<MetricsServer> serve_metrics(const ObserverFlags& flags,
                                             std::shared_ptr<const MetricsSource> metrics,
                                             Reporter& console) {
  if (!flags.metrics_port && !flags.metrics_listen) {
    return nullptr;
  }
  const auto [address, port] =
      flags.metrics_listen
          ? parse_listen(*flags.metrics_listen)
          : std::pair<std::string, unsigned short>{
                "127.0.0.1", static_cast<unsigned short>(*flags.metrics_port)};
  std::unique_ptr<MetricsServer> server;
  try {
    server = std::make_unique<MetricsServer>(address, port, std::move(metrics));
  } catch (const InputError& e) {
    throw InputError(std::string(flags.metrics_listen ? "--metrics-listen " : "--metrics-port ") +
                     e.what());
  }
  console.info("metrics: http://" + server->endpoint() + "/metrics");
  return server;
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
    // The total is not known before the end: the estimate goes by its own name.
    m_hooks->start({.event = "backfill-progress",
                    .plan = m_plan,
                    .phase = "backfill",
                    .reason = p.throttled_by,
                    .rows_done = p.rows_done,
                    .rows_estimated = p.rows_estimated});
  }
}

Observers::Observers(const ObserverFlags& flags,
                     const PlanRecord& record,
                     Reporter& console,
                     StateStore& store,
                     std::shared_ptr<BackfillMetrics> metrics)
    : m_plan(record.name), m_console(console), m_store(store), m_metrics(std::move(metrics)) {
  const auto timeout = parse_duration(flags.hook_timeout);
  if (timeout.count() <= 0) {
    throw InputError("--hook-timeout must be longer than 0");
  }
  if (const std::string dir = hook_dir_of(flags, record); !dir.empty()) {
    if (!std::filesystem::is_directory(dir)) {
      throw InputError("hooks directory " + dir + " does not exist");
    }
    m_hooks = std::make_unique<Hooks>(
        dir, timeout,
        [this](const HookEvent& e, const HookEnding& ending) { hook_ended(e, ending); },
        flags.target);
  }
  if (flags.metrics_port || flags.metrics_listen) {
    m_metrics = std::make_shared<BackfillMetrics>(record.name);
    m_server = serve_metrics(flags, m_metrics, console);
  }
  m_reporter = std::make_unique<ObservingReporter>(console, record.name, m_hooks.get(), m_metrics);
}

void Observers::hook_ended(const HookEvent& e, const HookEnding& ending) {
  const std::string what =
      ending.timed_out
          ? fmt::format("hook {} ran past its timeout and was killed", ending.path)
          : fmt::format("hook {} exited with status {}", ending.path, ending.status);
  m_console.warn(what);
  try {
    m_store.event(m_plan, e.phase, e.event, ending.timed_out ? "hook_timed_out" : "hook_failed",
                  what);
  } catch (const std::exception& error) {
    // The session may be the very thing that failed; the warning above still tells.
    m_console.warn("  (not recorded: " + std::string(error.what()) + ")");
  }
}

void Observers::guard(const std::function<std::string()>& phase,
                      const std::function<void()>& move) {
  try {
    move();
  } catch (const GateFailed&) {
    throw;
  } catch (const StoppedEarly&) {
    throw;
  } catch (const std::exception& e) {
    if (m_hooks) {
      m_hooks->notify({.event = "failure", .plan = m_plan, .phase = phase(), .reason = e.what()});
    }
    throw;
  }
}

void Observers::guard(const std::string& phase, const std::function<void()>& move) {
  guard([&phase] { return phase; }, move);
}

void Observers::rollback(const std::function<void()>& move) {
  if (m_hooks) {
    m_hooks->before_phase(m_plan, "rollback");
  }
  guard("rollback", move);
  if (m_hooks) {
    m_hooks->notify(
        {.event = "after-phase", .plan = m_plan, .phase = "rollback", .reason = "rolled back"});
  }
}

} // namespace orchestrate
