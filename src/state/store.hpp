#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

#include "core/phase.hpp"
#include "core/work.hpp"

namespace orchestrate {

// A registered plan as the state schema holds it.
struct PlanRecord {
  std::string name;
  std::string checksum;
  std::string body;
  std::string file;
  std::string description;
  PlanWork work;
  PlanState state;
  std::optional<Phase> applying; // a phase whose steps started but did not all finish
  nlohmann::json last_gate = nlohmann::json::array(); // [{id, passed, detail}]
  std::string last_gate_phase;
  std::string created_at;
  std::string updated_at;
};

struct EventRecord {
  std::string at;
  std::string phase;
  std::string item;
  std::string outcome;
  std::string detail;
  std::string who;
};

struct PhaseRecord {
  std::string phase;
  std::string started_at;
  std::string finished_at;
  std::string who;
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
  void phase_started(const std::string& plan, Phase phase);
  void phase_finished(const std::string& plan, Phase phase);
  std::vector<PhaseRecord> phases(const std::string& plan);

  void set_paused(const std::string& plan, bool paused);
  bool paused(const std::string& plan);

  const std::string& schema() const { return m_schema; }
  const std::string& who() const { return m_who; }
  std::string table(const std::string& name) const;
  pqxx::connection& connection() { return m_conn; }

private:
  pqxx::connection& m_conn;
  std::string m_schema;
  std::string m_who;
};

// "user@host" of this process, recorded with every event.
std::string current_operator();

} // namespace orchestrate
