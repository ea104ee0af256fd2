#include "state/backfill_run.hpp"

#include <nlohmann/json.hpp>

namespace orchestrate {

BackfillRun read_backfill_run(StateStore& store, const std::string& plan) {
  pqxx::read_transaction tx(store.connection());
  auto r = tx.exec_params(
      "SELECT c.paused, coalesce(c.throttled_by, ''), coalesce(c.running_on, ''), "
      "       coalesce(to_char(c.heartbeat, 'YYYY-MM-DD\"T\"HH24:MI:SS.MSTZH:TZM'), ''), "
      "       coalesce(extract(epoch FROM now() - c.heartbeat)::float8, -1), "
      "       coalesce((SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted "
      "                 AND l.classid = hashtext($2)::oid AND l.objid = hashtext($1)::oid "
      "                 AND l.objsubid = 2 LIMIT 1), 0), "
      "       (SELECT count(*) FROM " + store.table("backfill_ranges") + " WHERE plan = $1), "
      "       (SELECT count(*) FROM " + store.table("backfill_ranges") +
          " WHERE plan = $1 AND NOT done), "
      "       coalesce(c.settings->'blind', '[]')::text "
      "FROM " + store.table("control") + " c WHERE c.plan = $1",
      plan, store.schema());
  BackfillRun out;
  out.state = "not_started";
  if (r.empty()) {
    return out;
  }
  const auto& row = r[0];
  const bool paused = row[0].as<bool>();
  out.throttled_by = row[1].as<std::string>();
  out.running_on = row[2].as<std::string>();
  out.heartbeat = row[3].as<std::string>();
  out.seconds_since_heartbeat = row[4].as<double>();
  out.lock_holder_pid = row[5].as<int>();
  const long long ranges = row[6].as<long long>();
  const long long unfinished = row[7].as<long long>();
  out.blind = nlohmann::json::parse(row[8].as<std::string>()).get<std::vector<std::string>>();

  const bool fresh = !out.heartbeat.empty() && out.seconds_since_heartbeat >= 0 &&
                     out.seconds_since_heartbeat <= k_heartbeat_stale_seconds;
  const bool stop_reported = out.throttled_by == "window" || out.throttled_by == "signal" ||
                             out.throttled_by == "paused" || out.throttled_by == "error";
  if (ranges > 0 && unfinished == 0) {
    out.state = "done";
  } else if (paused) {
    out.state = "paused";
  } else if (out.heartbeat.empty()) {
    out.state = "not_started";
  } else if (fresh && out.lock_holder_pid != 0 && !stop_reported) {
    out.state = "running";
  } else if (stop_reported || fresh) {
    // The engine wrote why it stopped with its last report (a fresh report without the lock
    // is a run that has just ended).
    out.state = "stopped";
    out.stop_reason = out.throttled_by;
  } else {
    out.state = "died";
  }
  return out;
}

} // namespace orchestrate
