#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "backfill/options.hpp"
#include "db/executor.hpp"
#include "plan/model.hpp"
#include "run/observers.hpp"

namespace orchestrate {

// Flags every command accepts.
struct GlobalOptions {
  std::string db{};
  std::string state_schema = "orchestrate";
  std::string lock_timeout = "500ms";
  std::string lock_retry_for = "10min";
  std::string statement_timeout = "5min";
  bool json = false;
  bool verbose = false;

  ExecSettings exec() const;
};

// Backfill flags shared by `next` and `backfill`: the settings a plan's `backfill:` may give;
// unset ones fall back to the plan's.
using BackfillFlags = BackfillSettings;

// Gives every long flag of `app` and its subcommands, but --help and --version, the environment
// variable ORCHESTRATE_<FLAG> (`--lock-timeout` reads ORCHESTRATE_LOCK_TIMEOUT).
void bind_environment(CLI::App& app);

void add_backfill_flags(CLI::App& app, BackfillFlags& flags);
void add_hook_flag(CLI::App& sub, ObserverFlags& flags);
void add_metrics_flag(CLI::App& sub, ObserverFlags& flags);

} // namespace orchestrate
