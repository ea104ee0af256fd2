#include "cli/options.hpp"

#include "core/time_window.hpp"

#include "core/errors.hpp"
#include "core/units.hpp"

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
  app.add_option("--workers", flags.workers,
           "parallel workers, each with its own connection (default min(4, cores))")
      ->check(CLI::Range(1, 64));
  app.add_option("--batch-size", flags.batch_size, "rows in the first batch (then adapted)")
      ->check(CLI::Range(1LL, 10'000'000LL));
  app.add_option("--target-batch-ms", flags.target_batch_ms,
           "batch duration the batch size adapts to (default 200)")
      ->check(CLI::Range(1, 600'000));
  app.add_option("--max-rows-per-second", flags.max_rows_per_second, "rate limit")
      ->check(CLI::PositiveNumber);
  app.add_option("--window", flags.window,
           "run only inside this local time window, HH:MM-HH:MM or H:MM-H:MM (may cross midnight)")
      ->check([](const std::string& v) {
        return parse_time_window(v) ? std::string()
                                    : std::string("window must look like ") +
                                          k_time_window_example;
      });
  const auto duration = [](const std::string& v) {
    try {
      (void)parse_duration(v);
      return std::string();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
  };
  const auto bytes = [](const std::string& v) {
    try {
      (void)parse_bytes(v, "size");
      return std::string();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
  };
  app.add_option("--max-replica-lag", flags.max_replica_lag,
           "hold while a standby is further behind than this (a duration, e.g. 2s)")
      ->check(duration);
  app.add_option("--max-replica-lag-bytes", flags.max_replica_lag_bytes,
           "hold while a standby has more WAL than this left to replay (e.g. 64MB)")
      ->check(bytes);
  app.add_option("--replica", flags.replicas,
           "the standby (its application_name) the lag limits watch; repeat for several "
           "(default: every standby in pg_stat_replication)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--max-wal-rate", flags.max_wal_rate,
           "hold while the server writes WAL faster than this many bytes a second (e.g. 16MB)")
      ->check(bytes);
  app.add_option("--max-xact-age", flags.max_xact_age,
           "hold while a transaction open longer than this pins the xmin horizon (e.g. 10min)")
      ->check(duration);
}

} // namespace orchestrate
