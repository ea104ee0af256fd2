#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/phase.hpp"
#include "core/work.hpp"

namespace orchestrate {

// A registered plan as the state schema holds it.
struct PlanRecord {
  std::string name{};
  std::string checksum{};
  std::string body{};
  std::string file{};
  std::string description{};
  PlanWork work{};
  PlanState state{};
  std::optional<Phase> applying{}; // a phase whose steps started but did not all finish
  nlohmann::json last_gate = nlohmann::json::array(); // [{id, passed, detail}]
  std::string last_gate_phase{};
  std::string created_at{};
  std::string updated_at{};
  std::string created_by{}; // who registered it: "role (user@host)"
};

struct EventRecord {
  std::string at{};
  std::string phase{};
  std::string item{};
  std::string outcome{};
  std::string detail{};
  std::string who{};
};
// {at, phase, item, outcome, detail, who}, as `status --json` and `history --json` show it.
void to_json(nlohmann::json& j, const EventRecord& e);

struct PhaseRecord {
  std::string phase{};
  std::string started_at{};
  std::string finished_at{};
  std::string who{};
};

// Reads and writes the state schema (default "orchestrate"). Every call runs in its own short
// transaction on the given connection. ensure_schema() creates or upgrades it first.
class StateStore {
public:
  StateStore(pqxx::connection& conn, std::string schema, std::string who);
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Creates the schema on first use and applies missing migrations, under a lock.
  void ensure_schema();
  bool schema_exists();

  std::optional<PlanRecord> find(const std::string& name);
  std::vector<PlanRecord> list();
  void insert(const PlanRecord& record);
  void set_state(const std::string& name, const PlanState& state, std::optional<Phase> applying);
  void set_gate(const std::string& name, Phase phase, const nlohmann::json& results);

  void event(const std::string& plan,
             const std::string& phase,
             const std::string& item,
             const std::string& outcome,
             const std::string& detail = "");
  std::vector<EventRecord> recent_events(const std::string& plan, int limit);
  std::vector<EventRecord> events(const std::string& plan); // all of them, oldest first
  void phase_started(const std::string& plan, Phase phase);
  void phase_finished(const std::string& plan, Phase phase);
  std::vector<PhaseRecord> phases(const std::string& plan);

  // The ids of the steps of `phase` recorded done since the phase was first started for this
  // registration of the plan (a plan registered again after a rollback starts afresh).
  std::set<std::string> steps_done(const std::string& plan, Phase phase);
  // Whether the plan's backfill has ranges left to copy (or has not planned its ranges yet).
  bool backfill_pending(const std::string& plan);
  // Drops the plan's backfill ranges (after a rollback: a new run plans them again).
  void clear_backfill_ranges(const std::string& plan);
  // A rollback that started and has not finished (some of its steps may have run): how many
  // steps it recorded done, and the step that failed last, if one did. Empty when none is under
  // way.
  struct UnfinishedRollback {
    long long steps_done = 0;
    std::optional<std::string> failed_step{};
  };
  std::optional<UnfinishedRollback> unfinished_rollback(const std::string& plan);
  // Whether a phase or a backfill started after the plan's last recorded gate.
  bool started_since_last_gate(const std::string& plan);
  // Forgets a rolled-back plan's registration, phases, control row and ranges, so the same plan
  // can be registered again; its events stay as history.
  void forget(const std::string& plan);

  void set_paused(const std::string& plan, bool paused);
  // What the running backfill cannot see (a throttle without the privilege it needs, with the
  // grant that fixes it), for `status` to show; empty when it sees everything.
  void set_blind(const std::string& plan, const std::vector<std::string>& blind);

  // Told about every event once event() committed it (with `at` as ISO 8601), so a caller can
  // mirror the event log, as `--json` does on stdout. Set by the CLI; none by default.
  void on_event(std::function<void(const std::string& plan, const EventRecord&)> listener) {
    m_on_event = std::move(listener);
  }

  const std::string& schema() const { return m_schema; }
  std::string table(const std::string& name) const;
  pqxx::connection& connection() { return m_conn; }

private:
  std::vector<EventRecord> read_events(const std::string& plan, std::optional<int> limit);

  pqxx::connection& m_conn;
  std::string m_schema;
  std::string m_who;
  std::function<void(const std::string& plan, const EventRecord&)> m_on_event;
};

// "user@host" of this process: $USER, else $LOGNAME, else the effective uid's name (or number).
std::string current_operator();
// Who runs a command, as recorded with every event and phase: the database role the session
// logged in as, then current_operator() in parentheses: "app_owner (deploy@ci-7)".
std::string operator_identity(pqxx::connection& conn);

} // namespace orchestrate
