#include "run/backfill_settings.hpp"

#include "core/units.hpp"
#include "db/executor.hpp"
#include "run/stored_plan.hpp"

namespace orchestrate {

BackfillOptions resolve_backfill_options(const PlanRecord& record, const BackfillSettings& flags) {
  BackfillOptions o;
  const auto stored = stored_plan(record);
  const BackfillSettings plan = stored ? stored->backfill : BackfillSettings{};
  o.workers = flags.workers.value_or(plan.workers.value_or(o.workers));
  o.batch_size = flags.batch_size.value_or(plan.batch_size.value_or(o.batch_size));
  o.target_batch_ms = flags.target_batch_ms.value_or(plan.target_batch_ms.value_or(o.target_batch_ms));
  o.max_rows_per_second = flags.max_rows_per_second ? flags.max_rows_per_second
                                                    : plan.max_rows_per_second;
  o.window = flags.window ? flags.window : plan.window;
  if (auto lag = flags.max_replica_lag ? flags.max_replica_lag : plan.max_replica_lag) {
    o.max_replica_lag = parse_duration(*lag);
  }
  if (auto bytes = flags.max_replica_lag_bytes ? flags.max_replica_lag_bytes
                                               : plan.max_replica_lag_bytes) {
    o.max_replica_lag_bytes = parse_bytes(*bytes, "max_replica_lag_bytes");
  }
  o.replicas = flags.replicas.empty() ? plan.replicas : flags.replicas;
  if (auto rate = flags.max_wal_rate ? flags.max_wal_rate : plan.max_wal_rate) {
    o.max_wal_rate = parse_bytes(*rate, "max_wal_rate");
  }
  if (auto age = flags.max_xact_age ? flags.max_xact_age : plan.max_xact_age) {
    o.max_xact_age = parse_duration(*age);
  }
  o.min_batch = std::min(o.min_batch, o.batch_size);
  o.max_batch = std::max(o.max_batch, o.batch_size);
  return o;
}

BackfillSettings overlay_backfill_settings(const BackfillSettings& under,
                                           const BackfillSettings& over) {
  const auto pick = [](const auto& a, const auto& b) { return a ? a : b; };
  return {.batch_size = pick(over.batch_size, under.batch_size),
          .max_rows_per_second = pick(over.max_rows_per_second, under.max_rows_per_second),
          .window = pick(over.window, under.window),
          .workers = pick(over.workers, under.workers),
          .target_batch_ms = pick(over.target_batch_ms, under.target_batch_ms),
          .max_replica_lag = pick(over.max_replica_lag, under.max_replica_lag),
          .max_replica_lag_bytes = pick(over.max_replica_lag_bytes, under.max_replica_lag_bytes),
          .replicas = over.replicas.empty() ? under.replicas : over.replicas,
          .max_wal_rate = pick(over.max_wal_rate, under.max_wal_rate),
          .max_xact_age = pick(over.max_xact_age, under.max_xact_age)};
}

} // namespace orchestrate
