#include "fleet/status.hpp"

#include "state/backfill_control.hpp"
#include "state/backfill_run.hpp"

namespace orchestrate {

namespace {
void read_one(Member& m, const std::string& plan, TargetStatus& s) {
  const auto record = m.has_state() ? m.store().find(plan) : std::nullopt;
  if (!record) {
    s.phase = "not registered";
    return;
  }
  s.phase = record->state.name();
  s.applying = record->applying ? std::string(phase_name(*record->applying)) : "";
  s.gate_phase = record->last_gate_phase;
  if (!record->last_gate.empty()) {
    const bool current = record->state.kind == PlanState::Kind::in_phase &&
                         record->last_gate_phase == phase_name(record->state.phase) &&
                         !m.store().started_since_last_gate(plan);
    bool passed = true;
    for (const auto& g : record->last_gate) {
      if (!g.value("passed", false)) {
        passed = false;
        const std::string detail = g.value("detail", "");
        s.failed_checks.push_back(g.value("id", "") + (detail.empty() ? "" : ": " + detail));
      }
    }
    s.gate = !current ? "stale" : passed ? "passed" : "failed";
    if (!current) {
      s.failed_checks.clear();
    }
  }
  {
    pqxx::read_transaction tx(m.conn());
    if (const auto c = read_backfill_progress(tx, m.store().schema(), plan)) {
      s.paused = c->paused;
      s.rows_done = c->rows_done;
      s.rows_estimated = c->rows_estimated;
      s.rows_per_second = c->rows_per_second;
      s.throttled_by = c->throttled_by.value_or("");
      if (c->throttle) {
        s.throttle_detail = nlohmann::json::parse(*c->throttle).value("detail", "");
      }
    }
  }
  const BackfillRun run = read_backfill_run(m.store(), plan);
  s.backfill = run.state;
  if (run.state != "running") {
    s.rows_per_second = 0;
    s.throttled_by = s.paused ? "paused" : "";
    s.throttle_detail.clear();
  }
}
} // namespace

std::vector<TargetStatus> fleet_status(Fleet& fleet, const std::string& plan) {
  std::vector<TargetStatus> out;
  for (Member* m : fleet.members(true)) {
    TargetStatus s{.target = m->name(), .wave = m->wave()};
    try {
      read_one(*m, plan, s);
    } catch (const std::exception& e) {
      s.error = e.what();
    }
    out.push_back(std::move(s));
  }
  return out;
}

nlohmann::json target_status_json(const TargetStatus& s) {
  const auto text_or_null = [](const std::string& v) {
    return v.empty() ? nlohmann::json() : nlohmann::json(v);
  };
  return {{"target", s.target},
          {"wave", s.wave},
          {"error", text_or_null(s.error)},
          {"phase", s.phase},
          {"applying", text_or_null(s.applying)},
          {"gate_phase", text_or_null(s.gate_phase)},
          {"gate", text_or_null(s.gate)},
          {"failed_checks", s.failed_checks},
          {"backfill",
           {{"state", text_or_null(s.backfill)},
            {"rows_done", s.rows_done},
            {"rows_estimated", s.rows_estimated},
            {"rows_per_second", s.rows_per_second},
            {"throttled_by", text_or_null(s.throttled_by)},
            {"throttle_detail", text_or_null(s.throttle_detail)}}},
          {"paused", s.paused}};
}

} // namespace orchestrate
