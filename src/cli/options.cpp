#include "cli/options.hpp"

#include <regex>

namespace orchestrate {

ExecSettings GlobalOptions::exec() const {
  ExecSettings s;
  s.lock_timeout = parse_duration(lock_timeout);
  s.lock_retry_for = parse_duration(lock_retry_for);
  s.statement_timeout = parse_duration(statement_timeout);
  return s;
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
        static const std::regex k_window(R"(([01]?\d|2[0-3]):[0-5]\d-([01]?\d|2[0-3]):[0-5]\d)");
        return std::regex_match(v, k_window) ? std::string() : "window must look like 22:00-06:00";
      });
  add_flag(app, "--max-replica-lag", flags.max_replica_lag,
           "pause while any replica's replay lag exceeds this duration");
}

} // namespace orchestrate
