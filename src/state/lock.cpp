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
      "       to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = hashtext($1)::oid "
      "  AND l.objid = hashtext($2)::oid AND l.objsubid = 2 LIMIT 1",
      m_schema, m_plan);
  if (holder.empty()) {
    throw LockHeld(fmt::format("plan {} is locked by another orchestrate session", m_plan));
  }
  throw LockHeld(fmt::format(
      "plan {} is locked by another orchestrate session (pid {}, application_name '{}', from {}, "
      "connected since {}); wait for it to finish or stop it",
      m_plan, holder[0][0].as<std::string>(), holder[0][1].as<std::string>(),
      holder[0][2].as<std::string>(), holder[0][3].as<std::string>()));
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
