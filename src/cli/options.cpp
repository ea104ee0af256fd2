#include "cli/options.hpp"

#include "core/time_window.hpp"

namespace orchestrate {

ExecSettings GlobalOptions::exec() const {
  ExecSettings s;
  s.lock_timeout = parse_duration(lock_timeout);
  s.lock_retry_for = parse_duration(lock_retry_for);
  s.statement_timeout = parse_duration(statement_timeout);
  return s;
}

void bind_environment(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    const auto& names = opt->get_lnames();
    if (names.empty() || names.front() == "help" || names.front() == "version" ||
        !opt->get_envname().empty()) {
      continue;
    }
    std::string env = "ORCHESTRATE_";
    for (char c : names.front()) {
      env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    opt->envname(env);
  }
  for (CLI::App* sub : app.get_subcommands({})) {
    bind_environment(*sub);
  }
}

void add_backfill_flags(CLI::App& app, BackfillFlags& flags) {
  add_flag(app, "--workers", flags.workers,
           "parallel workers, each with its own connection (default min(4, cores))")
      ->check(CLI::Range(1, 64));
  add_flag(app, "--batch-size", flags.batch_size, "rows in the first batch (then adapted)")
      ->check(CLI::Range(1LL, 10'000'000LL));
  add_flag(app, "--target-batch-ms", flags.target_batch_ms,
           "batch duration the batch size adapts to (default 200)")
      ->check(CLI::Range(1, 600'000));
  add_flag(app, "--max-rows-per-second", flags.max_rows_per_second, "rate limit")
      ->check(CLI::PositiveNumber);
  add_flag(app, "--window", flags.window,
           "run only inside this local time window, HH:MM-HH:MM or H:MM-H:MM (may cross midnight)")
      ->check([](const std::string& v) {
        return parse_time_window(v) ? std::string()
                                    : std::string("window must look like ") +
                                          k_time_window_example;
      });
  add_flag(app, "--max-replica-lag", flags.max_replica_lag,
           "pause while any replica's replay lag exceeds this duration");
}

} // namespace orchestrate
