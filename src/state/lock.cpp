#include "state/lock.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"

namespace orchestrate {

PlanLock::PlanLock(pqxx::connection& conn, const std::string& state_schema, const std::string& plan)
    : m_conn(conn), m_schema(state_schema), m_plan(plan) {
  acquire();
}

void PlanLock::acquire() {
  pqxx::nontransaction tx(m_conn);
  auto got = tx.exec_params("SELECT pg_try_advisory_lock(hashtext($1), hashtext($2))", m_schema,
                            m_plan)[0][0]
                 .as<bool>();
  if (got) {
    return;
  }
  auto holder = tx.exec_params(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.client_addr::text, 'local'), "
      "       to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS'), coalesce(a.state, ''), "
      "       coalesce(round(extract(epoch FROM now() - a.state_change))::text, '?') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = hashtext($1)::oid "
      "  AND l.objid = hashtext($2)::oid AND l.objsubid = 2 LIMIT 1",
      m_schema, m_plan);
  if (holder.empty()) {
    throw LockHeld(fmt::format("plan {} is locked by another orchestrate session", m_plan));
  }
  const std::string pid = holder[0][0].as<std::string>();
  const std::string state = holder[0][4].as<std::string>();
  // An orchestrate killed with -9 leaves its server backend behind, idle and still holding the
  // lock until the server notices the dead client; say how to end it.
  throw LockHeld(fmt::format(
      "plan {} is locked by another orchestrate session (pid {}, application_name '{}', from {}, "
      "connected since {}{}); wait for it to finish or stop it. If that orchestrate is gone "
      "(killed, its session left behind), end the session with: SELECT "
      "pg_terminate_backend({});",
      m_plan, pid, holder[0][1].as<std::string>(), holder[0][2].as<std::string>(),
      holder[0][3].as<std::string>(),
      state.empty() ? std::string()
                    : fmt::format(", {} for {} s", state, holder[0][5].as<std::string>()),
      pid));
}

PlanLock::~PlanLock() {
  try {
    if (m_conn.is_open()) {
      pqxx::nontransaction tx(m_conn);
      tx.exec_params("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", m_schema, m_plan);
    }
  } catch (...) {
    // The session ends with the process, which releases the lock anyway.
  }
}

} // namespace orchestrate
