#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "cli/search_path.hpp"
#include "cli/fleet_command.hpp"
#include "cli/fleet_status_text.hpp"
#include "cli/session.hpp"
#include "cli/console.hpp"
#include "fleet/status.hpp"
#include "fleet/targets.hpp"
#include "state/backfill_control.hpp"
#include "core/ident.hpp"
#include "core/text.hpp"
#include "db/connection.hpp"
#include "db/sqlstate.hpp"
#include "state/backfill_run.hpp"

namespace orchestrate {

namespace {
struct StatusOptions {
  std::string name;
  bool watch = false;
  FleetFlags fleet;
};

// Sleeps a second in steps, so Ctrl-C leaves at once; true when asked to stop.
bool wait_a_second(const std::atomic<bool>* stop) {
  for (int i = 0; i < 10 && !stop->load(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return stop->load();
}

void clear_for_refresh() {
  const std::time_t now = std::time(nullptr);
  char at[32];
  std::strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
  std::printf("\033[H\033[2J%s  (refreshed every second; Ctrl-C to leave)\n\n", at);
}

// `status --targets FILE`: every target of the fleet, each on its own connection.
int run_fleet_status(const StatusOptions& o, const GlobalOptions& g) {
  ConsoleReporter console(g.json);
  Fleet fleet(parse_targets_file(o.fleet.targets),
              FleetSettings{.state_schema = g.state_schema, .exec = g.exec()}, console);
  const std::string plan = fleet.resolve_plan(o.name);
  const auto* stop = o.watch ? install_stop_handlers() : nullptr;
  for (;;) {
    const auto all = fleet_status(fleet, plan);
    if (g.json) {
      nlohmann::json targets = nlohmann::json::array();
      for (const auto& s : all) {
        targets.push_back(target_status_json(s));
      }
      std::printf("%s\n", nlohmann::json({{"plan", plan}, {"targets", targets}})
                              .dump(o.watch ? -1 : 2)
                              .c_str());
    } else {
      if (o.watch) {
        clear_for_refresh();
      }
      std::printf("%s", fleet_status_text(plan, all).c_str());
    }
    std::fflush(stdout);
    if (!o.watch || wait_a_second(stop)) {
      return 0;
    }
  }
}

// A gate result that no longer describes the plan: taken in another phase than the current one,
// or before a backfill that ran since (a [FAIL] "rows differ" while the copy goes on).
bool gate_is_stale(Session& s, const PlanRecord& r) {
  if (r.last_gate.empty()) {
    return false;
  }
  if (r.state.kind != PlanState::Kind::in_phase ||
      r.last_gate_phase != std::string(phase_name(r.state.phase))) {
    return true;
  }
  return s.store->started_since_last_gate(r.name);
}

nlohmann::json status_json(Session& s, const PlanRecord& r) {
  nlohmann::json backfill = {{"rows_done", 0},         {"rows_estimated", 0},
                             {"rows_per_second", 0.0}, {"eta_seconds", nullptr},
                             {"throttled_by", nullptr}, {"throttle", nullptr},
                             {"batch_size", 0},         {"heartbeat", nullptr}};
  bool paused = false;
  std::optional<BackfillProgressRow> c;
  {
    pqxx::read_transaction tx(*s.conn);
    c = read_backfill_progress(tx, s.global.state_schema, r.name);
  }
  // Before the backfill writes its control row, nothing is counted yet: zeros, not nulls.
  backfill["rows_done"] = 0;
  backfill["rows_estimated"] = 0;
  backfill["rows_per_second"] = 0.0;
  if (c) {
    paused = c->paused;
    backfill["rows_done"] = c->rows_done;
    backfill["rows_estimated"] = c->rows_estimated;
    backfill["rows_per_second"] = c->rows_per_second;
    if (c->rows_per_second > 0 && c->rows_estimated >= c->rows_done) {
      backfill["eta_seconds"] = (c->rows_estimated - c->rows_done) / c->rows_per_second;
    }
    if (c->throttled_by) {
      backfill["throttled_by"] = *c->throttled_by;
      if (c->throttle) {
        // What held it, with the figures measured: the reason's own, and the others'.
        backfill["throttle"] = nlohmann::json::parse(*c->throttle);
      }
    }
    backfill["batch_size"] = c->batch_size;
  }
  const BackfillRun run = read_backfill_run(*s.store, r.name);
  // JSON null for what is unknown or not applicable.
  const auto text_or_null = [](const std::string& v) {
    return v.empty() ? nlohmann::json() : nlohmann::json(v);
  };
  backfill["state"] = run.state;
  backfill["stop_reason"] = text_or_null(run.stop_reason);
  backfill["heartbeat"] = text_or_null(run.heartbeat);
  backfill["seconds_since_heartbeat"] = run.seconds_since_heartbeat < 0
                                            ? nlohmann::json()
                                            : nlohmann::json(run.seconds_since_heartbeat);
  backfill["running_on"] = text_or_null(run.running_on);
  backfill["lock_holder_pid"] =
      run.lock_holder_pid == 0 ? nlohmann::json() : nlohmann::json(run.lock_holder_pid);
  backfill["blind"] = run.blind;
  if (run.state != "running") {
    // Rate and ETA describe a copy under way; a stopped one has neither.
    backfill["rows_per_second"] = 0.0;
    backfill["eta_seconds"] = nullptr;
  }
  if (paused && backfill["throttled_by"].is_null()) {
    backfill["throttled_by"] = "paused";
  }
  nlohmann::json gate = nlohmann::json::array();
  const bool gate_stale = gate_is_stale(s, r);
  for (const auto& g : gate_stale ? nlohmann::json::array() : r.last_gate) {
    gate.push_back({{"id", g.value("id", "")},
                    {"passed", g.value("passed", false)},
                    {"detail", g.value("detail", "")}});
  }
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : s.store->recent_events(r.name, 8)) {
    events.push_back(e);
  }
  nlohmann::json rollback = nullptr;
  if (r.state.active()) {
    if (const auto u = s.store->unfinished_rollback(r.name)) {
      rollback = {{"steps_done", u->steps_done},
                  {"failed_step", u->failed_step ? nlohmann::json(*u->failed_step) : nullptr}};
    }
  }
  nlohmann::json search_path = nullptr;
  if (const auto path = app_search_path(r, App::new_app, ", "); !path.empty()) {
    search_path = path;
  }
  nlohmann::json options = nullptr;
  if (const auto o = app_options(r, App::new_app); !o.empty()) {
    options = o;
  }
  nlohmann::json old_search_path = nullptr;
  if (const auto path = app_search_path(r, App::old_app, ", "); !path.empty()) {
    old_search_path = path;
  }
  nlohmann::json old_options = nullptr;
  if (const auto o = app_options(r, App::old_app); !o.empty()) {
    old_options = o;
  }
  return {{"name", r.name},
          {"phase", r.state.name()},
          {"applying", r.applying ? nlohmann::json(std::string(phase_name(*r.applying)))
                                  : nlohmann::json()},
          {"paused", paused},
          {"rollback", rollback},
          {"search_path", search_path},
          {"new_app_options", options},
          {"old_search_path", old_search_path},
          {"old_app_options", old_options},
          {"version_schema", r.work.version_schema.empty() ? nlohmann::json()
                                                           : nlohmann::json(r.work.version_schema)},
          {"old_version_schema", r.work.old_version_schema.empty()
                                     ? nlohmann::json()
                                     : nlohmann::json(r.work.old_version_schema)},
          {"checksum", r.checksum},
          {"backfill", backfill},
          {"gate_phase", r.last_gate_phase},
          {"gate_stale", gate_stale},
          {"gate", gate},
          {"events", events}};
}

std::string bar(double fraction, int width) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int full = static_cast<int>(fraction * width + 0.5);
  return "[" + std::string(full, '#') + std::string(width - full, '.') + "]";
}

// The backfill's own state: running, paused, stopped (and why), died, done.
std::string backfill_line(const nlohmann::json& b) {
  const std::string state = b["state"].get<std::string>();
  if (state == "not_started") {
    return "";
  }
  const std::string heartbeat = b["heartbeat"].is_null()
                                    ? std::string("never")
                                    : b["heartbeat"].get<std::string>();
  const std::string ago =
      b["seconds_since_heartbeat"].is_null()
          ? std::string()
          : " (" + format_duration_s(b["seconds_since_heartbeat"].get<double>()) + " ago)";
  const std::string host =
      b["running_on"].is_null() ? std::string() : " on " + b["running_on"].get<std::string>();
  if (state == "running") {
    return fmt::format("  backfill state: running{}, last heartbeat {}{}\n", host, heartbeat, ago);
  }
  if (state == "stopped") {
    const std::string reason = b["stop_reason"].is_null() ? std::string("its run ended")
                                                          : b["stop_reason"].get<std::string>();
    return fmt::format("  backfill state: stopped ({}) at {}{}; `orchestrate backfill` resumes "
                       "it\n",
                       reason == "window" ? "outside its window" : reason, heartbeat, ago);
  }
  if (state == "died") {
    return fmt::format(
        "  backfill state: DIED: no heartbeat for {} (last{} at {}){}; `orchestrate backfill` "
        "resumes it\n",
        format_duration_s(b["seconds_since_heartbeat"].get<double>()), host, heartbeat,
        b["lock_holder_pid"].is_null()
            ? std::string()
            : fmt::format("; backend pid {} still holds the plan's lock",
                          b["lock_holder_pid"].get<int>()));
  }
  if (state == "paused") {
    return fmt::format("  backfill state: paused (last heartbeat {}); `orchestrate resume` lets "
                       "it go on\n",
                       heartbeat);
  }
  return "  backfill state: " + state + "\n";
}

// " (standby 'replica1' is 3.1 s and 12.0 MB behind (limit 2 s))": what the throttle measured.
std::string throttle_detail(const nlohmann::json& throttle) {
  if (!throttle.is_object() || throttle.value("detail", "").empty()) {
    return "";
  }
  return " (" + throttle["detail"].get<std::string>() + ")";
}

std::string status_text(const nlohmann::json& j) {
  std::string out = fmt::format("plan {}: {}{}{}\n", j["name"].get<std::string>(),
                                j["phase"].get<std::string>(),
                                j["applying"].is_null()
                                    ? ""
                                    : " (phase " + j["applying"].get<std::string>() +
                                          " interrupted; `next` resumes it)",
                                j["paused"].get<bool>() ? " [paused]" : "");
  if (const auto& rb = j["rollback"]; !rb.is_null()) {
    out += fmt::format("  rollback started and not finished: {} of its steps done{}; "
                       "`orchestrate rollback` finishes it\n",
                       rb["steps_done"].get<long long>(),
                       rb["failed_step"].is_null()
                           ? ""
                           : ", step " + rb["failed_step"].get<std::string>() + " failed");
  }
  out += fmt::format("  new application search_path: {}\n",
                     j["search_path"].is_null() ? "(none needed)"
                                                : "SET search_path TO " +
                                                      j["search_path"].get<std::string>());
  if (!j["new_app_options"].is_null()) {
    out += fmt::format("  new application connects with: options='{}' (`orchestrate url` prints "
                       "the whole URL)\n",
                       j["new_app_options"].get<std::string>());
    // A version schema already has the shape the tables have after contract.
    out += j["search_path"].is_null()
               ? "  prepared statements: no table changes shape under either application\n"
               : "  prepared statements: on their version schemas both applications keep one "
                 "shape; retire the old application before contract\n";
  }
  if (!j["old_app_options"].is_null()) {
    out += fmt::format("  old application connects with: options='{}' (`orchestrate url --old` "
                       "prints the whole URL)\n",
                       j["old_app_options"].get<std::string>());
  }
  const auto& b = j["backfill"];
  if (b["rows_estimated"].get<long long>() > 0 || b["rows_done"].get<long long>() > 0) {
    const long long done = b["rows_done"].get<long long>();
    const long long estimated = b["rows_estimated"].get<long long>();
    out += fmt::format("  backfill: {} {} rows processed of ~{} estimated ({:.1f}%), {:.0f} "
                       "rows/s, ETA {}{}\n",
                       bar(estimated > 0 ? static_cast<double>(done) / estimated : 0.0, 30), done,
                       estimated, estimated > 0 ? 100.0 * done / estimated : 0.0,
                       b["rows_per_second"].get<double>(),
                       b["eta_seconds"].is_null()
                           ? std::string("-")
                           : format_duration_s(b["eta_seconds"].get<double>()),
                       b["throttled_by"].is_null() || b["state"] != "running"
                           ? ""
                           : ", throttled by " + b["throttled_by"].get<std::string>() +
                                 throttle_detail(b["throttle"]));
  }
  out += backfill_line(b);
  const std::string state = b["state"].get<std::string>();
  for (const auto& blind : b["blind"]) {
    if (state != "done" && state != "not_started") {
      out += "  BLIND: " + blind.get<std::string>() + "\n";
    }
  }
  if (j["gate_stale"].get<bool>()) {
    out += fmt::format("  last gate ({}): out of date, the plan has moved since; `orchestrate "
                       "verify` checks it again\n",
                       j["gate_phase"].get<std::string>());
  }
  if (!j["gate"].empty()) {
    out += fmt::format("  last gate ({}):\n", j["gate_phase"].get<std::string>());
    for (const auto& g : j["gate"]) {
      out += fmt::format("    [{}] {}{}\n", g["passed"].get<bool>() ? "pass" : "FAIL",
                         g["id"].get<std::string>(),
                         g["detail"].get<std::string>().empty()
                             ? ""
                             : " - " + g["detail"].get<std::string>());
    }
  }
  out += "  recent events:\n";
  for (const auto& e : j["events"]) {
    out += fmt::format("    {} {:<10} {:<14} {}{}\n", e["at"].get<std::string>(),
                       e["phase"].get<std::string>(), e["outcome"].get<std::string>(),
                       e["item"].get<std::string>(),
                       e["detail"].get<std::string>().empty()
                           ? ""
                           : " (" + e["detail"].get<std::string>() + ")");
  }
  return out;
}

std::vector<std::string> active_plans(Session& s) {
  std::vector<std::string> names;
  for (const auto& r : s.plans()) {
    if (r.state.active()) {
      names.push_back(r.name);
    }
  }
  return names;
}

int run_status(const StatusOptions& o, const GlobalOptions& g) {
  if (!o.fleet.targets.empty()) {
    return run_fleet_status(o, g);
  }
  Session s(g, "status", StateUse::read);
  std::vector<std::string> names;
  if (!o.name.empty()) {
    names.push_back(s.resolve_plan(o.name));
  }
  const auto* stop = o.watch ? install_stop_handlers() : nullptr;
  for (;;) {
    nlohmann::json all = nlohmann::json::array();
    std::string text;
    try {
      if (o.name.empty()) {
        // Plans started or finished by others since the last refresh come and go.
        names = active_plans(s);
      }
      for (const auto& n : names) {
        auto r = s.store->find(n);
        auto j = status_json(s, *r);
        if (!g.json) {
          text += status_text(j);
        }
        all.push_back(std::move(j));
      }
    } catch (const pqxx::failure& e) {
      if (!o.watch) {
        throw;
      }
      // A restart or failover of the database (a lost connection, or 57P01 as the server shuts
      // down): keep watching, and say so, until it is back.
      s.reporter.warn("database unreachable (" + describe_db_error(e) + "); reconnecting");
      reconnect(*s.conn, std::chrono::seconds(1), [](const std::string&) {});
      if (stop->load()) {
        return 0;
      }
      continue;
    }
    if (names.empty()) {
      text = "no active plan\n";
    }
    if (g.json) {
      // One plan (named, or the only active one) is an object; several are an array.
      const bool one = !o.name.empty() || all.size() == 1;
      std::printf("%s\n", (one ? all[0] : all).dump(o.watch ? -1 : 2).c_str());
    } else {
      if (o.watch) {
        clear_for_refresh();
      }
      std::printf("%s", text.c_str());
    }
    std::fflush(stdout);
    if (!o.watch) {
      return 0;
    }
    if (wait_a_second(stop)) {
      return 0;
    }
  }
}
} // namespace

void setup_status(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<StatusOptions>();
  auto* sub = app.add_subcommand(
      "status", "Phase, last gate, backfill progress, the new application's search_path and "
                "recent events (every active plan when NAME is left out)");
  sub->add_option("NAME", o->name, "plan name");
  sub->add_flag("--watch", o->watch,
                "refresh every second until Ctrl-C (works while the backfill runs in another "
                "process or on another host; with --json, one JSON document per line)");
  add_fleet_flags(*sub, o->fleet, false);
  sub->callback([&action, o, &g] { action = [o, &g] { return run_status(*o, g); }; });
}

} // namespace orchestrate
