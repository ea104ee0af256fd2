#include "planner/render_sql.hpp"

#include <fmt/format.h>

#include <sstream>

#include "verify/gate.hpp"

namespace orchestrate {

namespace {
std::string commented(const std::string& sql) {
  std::istringstream in(sql);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    out += "--   " + line + "\n";
  }
  return out;
}
} // namespace

std::string render_phase_sql(const std::string& plan_name, const PlanWork& work, Phase phase) {
  const auto& w = work.at(phase);
  std::string out = fmt::format("-- plan {}: phase {} of 5, {}\n", plan_name,
                                static_cast<int>(phase) + 1, phase_name(phase));
  for (const auto& check : w.precheck) {
    out += fmt::format("\n-- before anything runs, check {}: {} (else `next` stops, exit 3)\n",
                       check.id, check.description);
    out += commented(check.sql);
  }
  if (w.steps.empty() && w.backfills.empty()) {
    out += "-- (no steps: this phase passes at once for this plan)\n";
  }
  auto render_step = [&](const Step& step) {
    out += fmt::format("\n-- step {}{}{}\n", step.id,
                       step.in_transaction ? "" : " (outside a transaction)",
                       phase == Phase::backfill ? " (after the backfill, before the gate)" : "");
    if (!step.clear_leftover.empty()) {
      out += "-- first, in its own transaction (and again right after a failed attempt):\n" +
             step.clear_leftover + ";\n";
    }
    out += step.sql + ";\n";
    if (!step.verify.empty()) {
      out += "-- done only when this holds (else it fails, and runs again when resumed):\n" +
             commented(step.verify);
    }
  };
  // The backfill phase's steps run after its copy (the indexes it would update row by row).
  if (phase != Phase::backfill) {
    for (const auto& step : w.steps) {
      render_step(step);
    }
  }
  for (const auto& b : w.backfills) {
    out += fmt::format("\n-- backfill {}: in batches along ({}), each one transaction that also "
                       "advances the range cursor:\n--   UPDATE {}.{} SET {} WHERE <key in batch> "
                       "AND ({});\n",
                       b.id, fmt::join(b.key, ", "), b.schema, b.table, b.assignments, b.differs);
    if (!b.table_triggers.empty()) {
      out += fmt::format("--   the table's own triggers ({}) do not fire for these copies when "
                         "orchestrate's role may set session_replication_role (a superuser, or "
                         "GRANT SET ON PARAMETER session_replication_role); otherwise they fire "
                         "for every copied row\n",
                         fmt::join(b.table_triggers, ", "));
    }
  }
  if (phase == Phase::backfill) {
    for (const auto& step : w.steps) {
      render_step(step);
    }
  }
  out += "\n-- gate (checked before `next` leaves this phase):\n";
  if (w.gate.empty()) {
    out += "--   (nothing to check)\n";
  }
  for (const auto& check : w.gate) {
    out += fmt::format("-- check {}: {}{}\n", check.id, check.description,
                       check.rolled_back ? " (in a rolled-back transaction)" : "");
    if (check.parity) {
      out += fmt::format("--   one scan of {}.{} (in pages along ({}) when its heap is over {} "
                         "MiB) for rows where {}\n",
                         check.parity->schema, check.parity->table,
                         fmt::join(check.parity->key, ", "),
                         ParityPaging{}.one_scan_max_bytes / (1024 * 1024),
                         check.parity->gate_predicate());
    } else {
      out += commented(check.sql);
    }
  }
  const auto& rollback = work.rollback[static_cast<int>(phase)];
  if (phase != Phase::contract) {
    out += "\n-- rollback from this phase:\n";
    const auto& refused = work.rollback_refused[static_cast<int>(phase)];
    if (!refused.empty()) {
      out += "--   refused, before anything is undone: " + refused + "\n";
    }
    for (const auto& step : rollback) {
      out += fmt::format("-- step {}\n{}", step.id, commented(step.sql + ";"));
    }
  }
  return out;
}

} // namespace orchestrate
