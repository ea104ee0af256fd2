#include "state/store.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

std::string current_operator() {
  std::string user;
  for (const char* name : {"USER", "LOGNAME"}) {
    if (const char* v = std::getenv(name); user.empty() && v != nullptr) {
      user = v;
    }
  }
  if (user.empty()) {
    // cron, systemd and container runtimes often set neither; the password database knows.
    if (const passwd* entry = ::getpwuid(::geteuid()); entry != nullptr) {
      user = entry->pw_name;
    } else {
      user = "uid " + std::to_string(::geteuid());
    }
  }
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) {
    host[0] = '\0';
  }
  return user + "@" + (host[0] != '\0' ? host : "localhost");
}

std::string operator_identity(pqxx::connection& conn) {
  const char* role = conn.username();
  return std::string(role != nullptr && *role != '\0' ? role : "?") + " (" + current_operator() +
         ")";
}

StateStore::StateStore(pqxx::connection& conn, std::string schema, std::string who)
    : m_conn(conn), m_schema(std::move(schema)), m_who(std::move(who)) {}

std::string StateStore::table(const std::string& name) const {
  return quote_qualified(m_schema, name);
}

namespace {

const char* const k_plan_columns =
    "name, checksum, body, file, description, work::text, state, applying, last_gate::text, "
    "last_gate_phase, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS'), "
    "to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS'), created_by";

PlanRecord to_record(const pqxx::row& row) {
  PlanRecord r;
  r.name = row[0].as<std::string>();
  r.checksum = row[1].as<std::string>();
  r.body = row[2].as<std::string>();
  r.file = row[3].as<std::string>();
  r.description = row[4].as<std::string>();
  r.work = nlohmann::json::parse(row[5].as<std::string>()).get<PlanWork>();
  auto state = PlanState::parse(row[6].as<std::string>());
  if (!state) {
    throw Error(k_exit_runtime, "plan " + r.name + " has an unknown state " + row[6].c_str());
  }
  r.state = *state;
  if (!row[7].is_null()) {
    r.applying = parse_phase(row[7].as<std::string>());
  }
  r.last_gate = nlohmann::json::parse(row[8].as<std::string>());
  r.last_gate_phase = row[9].as<std::string>();
  r.created_at = row[10].as<std::string>();
  r.updated_at = row[11].as<std::string>();
  r.created_by = row[12].as<std::string>();
  return r;
}

} // namespace

std::optional<PlanRecord> StateStore::find(const std::string& name) {
  pqxx::read_transaction tx(m_conn);
  auto r = tx.exec_params(std::string("SELECT ") + k_plan_columns + " FROM " + table("plans") +
                              " WHERE name = $1",
                          name);
  if (r.empty()) {
    return std::nullopt;
  }
  return to_record(r[0]);
}

std::vector<PlanRecord> StateStore::list() {
  pqxx::read_transaction tx(m_conn);
  std::vector<PlanRecord> out;
  for (const auto& row : tx.exec(std::string("SELECT ") + k_plan_columns + " FROM " +
                                 table("plans") + " ORDER BY created_at, name")) {
    out.push_back(to_record(row));
  }
  return out;
}

void StateStore::insert(const PlanRecord& record) {
  pqxx::work tx(m_conn);
  tx.exec_params("INSERT INTO " + table("plans") +
                     " (name, checksum, body, file, description, work, state, created_by) "
                     "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
                 record.name, record.checksum, record.body, record.file, record.description,
                 nlohmann::json(record.work).dump(), record.state.name(), m_who);
  tx.exec_params("INSERT INTO " + table("control") + " (plan) VALUES ($1) ON CONFLICT DO NOTHING",
                 record.name);
  tx.exec_params("INSERT INTO " + table("events") +
                     " (plan, outcome, detail, who) VALUES ($1, 'registered', $2, $3)",
                 record.name, "checksum " + record.checksum, m_who);
  tx.commit();
}

void StateStore::set_state(const std::string& name,
                           const PlanState& state,
                           std::optional<Phase> applying) {
  pqxx::work tx(m_conn);
  std::optional<std::string> applying_text;
  if (applying) {
    applying_text = std::string(phase_name(*applying));
  }
  tx.exec_params("UPDATE " + table("plans") +
                     " SET state = $2, applying = $3, updated_at = now() WHERE name = $1",
                 name, state.name(), applying_text);
  tx.commit();
}

void StateStore::set_gate(const std::string& name, Phase phase, const nlohmann::json& results) {
  pqxx::work tx(m_conn);
  tx.exec_params("UPDATE " + table("plans") +
                     " SET last_gate = $2::jsonb, last_gate_phase = $3 WHERE name = $1",
                 name, results.dump(), std::string(phase_name(phase)));
  tx.commit();
}

void StateStore::event(const std::string& plan,
                       const std::string& phase,
                       const std::string& item,
                       const std::string& outcome,
                       const std::string& detail) {
  pqxx::work tx(m_conn);
  auto r = tx.exec_params(
      "INSERT INTO " + table("events") +
          " (plan, phase, item, outcome, detail, who) VALUES ($1, $2, $3, $4, $5, $6) "
          "RETURNING to_char(at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MSTZH:TZM')",
      plan, phase, item, outcome, detail, m_who);
  tx.commit();
  if (m_on_event) {
    m_on_event(plan, {.at = r[0][0].as<std::string>(),
                      .phase = phase,
                      .item = item,
                      .outcome = outcome,
                      .detail = detail,
                      .who = m_who});
  }
}

void to_json(nlohmann::json& j, const EventRecord& e) {
  j = {{"at", e.at},           {"phase", e.phase},   {"item", e.item},
       {"outcome", e.outcome}, {"detail", e.detail}, {"who", e.who}};
}

std::vector<EventRecord> StateStore::recent_events(const std::string& plan, int limit) {
  return read_events(plan, limit);
}

std::vector<EventRecord> StateStore::events(const std::string& plan) {
  return read_events(plan, std::nullopt);
}

std::vector<EventRecord> StateStore::read_events(const std::string& plan,
                                                 std::optional<int> limit) {
  pqxx::read_transaction tx(m_conn);
  std::vector<EventRecord> out;
  // The newest `limit` (all without one), returned oldest first.
  auto rows = tx.exec_params(
      "SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS'), phase, item, outcome, detail, who FROM " +
          table("events") + " WHERE plan = $1 ORDER BY id DESC" +
          (limit ? " LIMIT " + std::to_string(*limit) : std::string()),
      plan);
  for (const auto& row : rows) {
    out.push_back({.at = row[0].as<std::string>(),
                   .phase = row[1].as<std::string>(),
                   .item = row[2].as<std::string>(),
                   .outcome = row[3].as<std::string>(),
                   .detail = row[4].as<std::string>(),
                   .who = row[5].as<std::string>()});
  }
  return {out.rbegin(), out.rend()};
}

void StateStore::phase_started(const std::string& plan, Phase phase) {
  pqxx::work tx(m_conn);
  tx.exec_params("INSERT INTO " + table("phases") +
                     " (plan, phase, started_at, who) VALUES ($1, $2, now(), $3) "
                     "ON CONFLICT (plan, phase) DO UPDATE SET who = EXCLUDED.who",
                 plan, std::string(phase_name(phase)), m_who);
  tx.commit();
}

void StateStore::phase_finished(const std::string& plan, Phase phase) {
  pqxx::work tx(m_conn);
  tx.exec_params("UPDATE " + table("phases") +
                     " SET finished_at = now() WHERE plan = $1 AND phase = $2",
                 plan, std::string(phase_name(phase)));
  tx.commit();
}

std::vector<PhaseRecord> StateStore::phases(const std::string& plan) {
  pqxx::read_transaction tx(m_conn);
  std::vector<PhaseRecord> out;
  auto rows = tx.exec_params(
      "SELECT phase, coalesce(to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'), ''), "
      "coalesce(to_char(finished_at, 'YYYY-MM-DD HH24:MI:SS'), ''), who FROM " +
          table("phases") + " WHERE plan = $1 ORDER BY started_at",
      plan);
  for (const auto& row : rows) {
    out.push_back({.phase = row[0].as<std::string>(),
                   .started_at = row[1].as<std::string>(),
                   .finished_at = row[2].as<std::string>(),
                   .who = row[3].as<std::string>()});
  }
  return out;
}

std::set<std::string> StateStore::steps_done(const std::string& plan, Phase phase) {
  pqxx::read_transaction tx(m_conn);
  auto rows = tx.exec_params(
      "SELECT e.item FROM " + table("events") + " e JOIN " + table("phases") +
          " p ON p.plan = e.plan AND p.phase = e.phase "
          "WHERE e.plan = $1 AND e.phase = $2 AND e.outcome = 'done' AND e.item <> '' "
          "  AND e.at >= p.started_at",
      plan, std::string(phase_name(phase)));
  std::set<std::string> out;
  for (const auto& row : rows) {
    out.insert(row[0].as<std::string>());
  }
  return out;
}

bool StateStore::backfill_pending(const std::string& plan) {
  pqxx::read_transaction tx(m_conn);
  return tx
      .exec_params1("SELECT count(*) FILTER (WHERE NOT done) > 0 OR count(*) = 0 FROM " +
                        table("backfill_ranges") + " WHERE plan = $1",
                    plan)[0]
      .as<bool>();
}

void StateStore::clear_backfill_ranges(const std::string& plan) {
  pqxx::work tx(m_conn);
  tx.exec_params("DELETE FROM " + table("backfill_ranges") + " WHERE plan = $1", plan);
  tx.commit();
}

std::optional<StateStore::UnfinishedRollback> StateStore::unfinished_rollback(
    const std::string& plan) {
  pqxx::read_transaction tx(m_conn);
  const std::string events = table("events");
  // The events from the latest rollback_started on (none, and a NULL bool_or, when no
  // rollback ever started).
  auto r = tx.exec_params1(
      "SELECT count(*) FILTER (WHERE phase = 'rollback' AND outcome = 'done'), "
      "(array_agg(item ORDER BY id DESC) FILTER (WHERE phase = 'rollback' AND outcome = "
      "'failed'))[1], bool_or(outcome = 'rolled_back') FROM " +
          events + " WHERE plan = $1 AND id >= (SELECT max(id) FROM " + events +
          " WHERE plan = $1 AND outcome = 'rollback_started')",
      plan);
  if (r[2].is_null() || r[2].as<bool>()) {
    return std::nullopt;
  }
  UnfinishedRollback out{.steps_done = r[0].as<long long>()};
  if (!r[1].is_null()) {
    out.failed_step = r[1].as<std::string>();
  }
  return out;
}

bool StateStore::started_since_last_gate(const std::string& plan) {
  pqxx::read_transaction tx(m_conn);
  return tx
      .exec_params1("SELECT coalesce(max(at) FILTER (WHERE item = 'gate') < max(at) FILTER "
                    "(WHERE outcome IN ('backfill_started', 'phase_started')), false) FROM " +
                        table("events") + " WHERE plan = $1",
                    plan)[0]
      .as<bool>();
}

void StateStore::forget(const std::string& plan) {
  pqxx::work tx(m_conn);
  tx.exec_params("DELETE FROM " + table("plans") + " WHERE name = $1", plan);
  for (const char* t : {"control", "backfill_ranges", "phases"}) {
    tx.exec_params("DELETE FROM " + table(t) + " WHERE plan = $1", plan);
  }
  tx.commit();
}

void StateStore::set_paused(const std::string& plan, bool paused) {
  pqxx::work tx(m_conn);
  tx.exec_params("INSERT INTO " + table("control") +
                     " (plan, paused) VALUES ($1, $2) ON CONFLICT (plan) DO UPDATE SET paused = $2",
                 plan, paused);
  tx.exec_params("INSERT INTO " + table("events") +
                     " (plan, outcome, who) VALUES ($1, $2, $3)",
                 plan, std::string(paused ? "paused" : "resumed"), m_who);
  tx.commit();
}

void StateStore::set_blind(const std::string& plan, const std::vector<std::string>& blind) {
  pqxx::work tx(m_conn);
  tx.exec_params("UPDATE " + table("control") +
                     " SET settings = jsonb_set(settings, '{blind}', $2::jsonb) WHERE plan = $1",
                 plan, nlohmann::json(blind).dump());
  tx.commit();
}

} // namespace orchestrate
