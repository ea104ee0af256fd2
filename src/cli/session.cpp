#include "cli/session.hpp"

#include <csignal>
#include <filesystem>

#include "cli/json_lines.hpp"
#include "core/errors.hpp"
#include "db/catalog_load.hpp"
#include "db/connection.hpp"
#include "plan/parse.hpp"

namespace orchestrate {

namespace {
std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop.store(true);
}
} // namespace

const std::atomic<bool>* install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return &g_stop;
}

Session::Session(const GlobalOptions& g, const std::string& command, StateUse use)
    : global(g), url(resolve_database_url(g.db)), reporter(g.json) {
  conn = open_connection(url, "orchestrate " + command);
  store = std::make_unique<StateStore>(*conn, g.state_schema, operator_identity(*conn));
  if (use == StateUse::read) {
    has_state = store->schema_exists();
  }
  if (use == StateUse::write || (use == StateUse::read && has_state)) {
    store->ensure_schema();
  }
}

std::vector<PlanRecord> Session::plans() {
  return has_state ? store->list() : std::vector<PlanRecord>{};
}

std::string Session::resolve_plan(const std::string& name) {
  if (!name.empty()) {
    if (!has_state || !store->find(name)) {
      throw InputError("no plan named '" + name + "' is registered");
    }
    return name;
  }
  std::vector<std::string> active;
  for (const auto& r : plans()) {
    if (r.state.active()) {
      active.push_back(r.name);
    }
  }
  if (active.size() == 1) {
    return active.front();
  }
  if (active.empty()) {
    throw InputError("no plan is active; name one, or register one with `orchestrate start PLAN`");
  }
  std::string names;
  for (const auto& n : active) {
    names += (names.empty() ? "" : ", ") + n;
  }
  throw InputError("several plans are active (" + names + "); name the one you mean");
}

void Session::json_lines_for(const std::string& plan) {
  if (!global.json) {
    return;
  }
  reporter.set_plan(plan);
  json_outcome_for(plan);
  store->on_event([](const std::string& event_plan, const EventRecord& e) {
    write_json_line("event", event_plan,
                    {{"phase", e.phase},
                     {"item", e.item},
                     {"outcome", e.outcome},
                     {"detail", e.detail},
                     {"who", e.who},
                     {"recorded_at", e.at}});
  });
}

Catalog Session::catalog() {
  return load_catalog(*conn, global.state_schema);
}

Plan load_plan(const std::string& path) {
  // A plan is a few lines of YAML; a file of megabytes is a mistake (or an attack on the
  // parser), refused before anything reads it into memory.
  constexpr std::uintmax_t k_max_plan_bytes = 1024 * 1024;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > k_max_plan_bytes) {
    throw InputError(path + ": the plan file is " + std::to_string(size) +
                     " bytes, which is too large (a plan is at most 1 MiB)");
  }
  return parse_plan_file(path);
}

} // namespace orchestrate
