#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <memory>
#include <string>

#include "cli/console.hpp"
#include "cli/options.hpp"
#include "core/catalog.hpp"
#include "plan/model.hpp"
#include "state/store.hpp"

namespace orchestrate {

// What a command runs once its flags are parsed; returns the exit code.
using Action = std::function<int()>;

// How a command uses the state schema.
enum class StateUse {
  write, // creates it on first use, or upgrades it
  read,  // upgrades an existing one, never creates one (status, history, verify, url)
  none,  // leaves it alone (validate, plan, lint, preflight; start creates it after preflight)
};

// A command's connection, state store and reporter.
struct Session {
  Session(const GlobalOptions& global, const std::string& command, StateUse use = StateUse::write);

  const GlobalOptions& global;
  std::string url{};
  std::unique_ptr<pqxx::connection> conn{};
  std::unique_ptr<StateStore> store{};
  ConsoleReporter reporter;
  // False when a StateUse::read command found no state schema: no plan was ever registered.
  bool has_state = true;

  // Every registered plan (none without a state schema).
  std::vector<PlanRecord> plans();
  // The named plan, or the only active one when `name` is empty (exit 2 otherwise).
  std::string resolve_plan(const std::string& name);
  // With --json: label JSON lines with `plan`, mirror every event recorded on stdout, and end
  // with an outcome line (cli/json_lines.hpp). Nothing without --json.
  void json_lines_for(const std::string& plan);
  Catalog catalog();
};

// Parses a plan file and, unless offline, checks it against the live schema.
Plan load_plan(const std::string& path);

// Set by SIGINT/SIGTERM while a command that can stop early runs.
const std::atomic<bool>* install_stop_handlers();

void setup_validate(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_plan(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_start(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_next(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_backfill(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_pause(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_status(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_verify(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_rollback(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_history(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_up(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_lint(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_schema(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_url(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_import(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_preflight(CLI::App& app, const GlobalOptions& global, Action& action);

} // namespace orchestrate
