#include "cli/options.hpp"

namespace orchestrate {

void add_hook_flag(CLI::App& sub, ObserverFlags& flags) {
  sub.add_option("--hook", flags.hook_dir,
                 "directory of event hooks: executables named before-phase, after-phase, "
                 "gate-failed, backfill-progress, backfill-done, failure (overrides the plan's "
                 "`hooks:`); a non-zero exit of before-phase stops the move with exit 3");
  sub.add_option("--hook-timeout", flags.hook_timeout,
                 "how long a hook may run before it is killed (an event records it; a "
                 "before-phase hook that times out refuses the move)")
      ->capture_default_str();
}

void add_metrics_flag(CLI::App& sub, ObserverFlags& flags) {
  auto* port = sub.add_option("--metrics-port", flags.metrics_port,
                              "serve backfill metrics in Prometheus text format on "
                              "127.0.0.1:PORT while the command runs")
                   ->check(CLI::Range(0, 65535));
  sub.add_option("--metrics-listen", flags.metrics_listen,
                 "the same on ADDRESS:PORT, e.g. 0.0.0.0:9187 for a Prometheus on another host "
                 "([::]:9187 for IPv6)")
      ->excludes(port);
}

} // namespace orchestrate
