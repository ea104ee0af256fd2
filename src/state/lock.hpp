#pragma once

#include <pqxx/pqxx>

#include <string>

namespace orchestrate {

// A session-level advisory lock on one plan, held for the life of the object on `conn`.
// The constructor throws LockHeld (exit 4), naming the holder's pid and application_name,
// when another session holds it.
class PlanLock {
public:
  PlanLock(pqxx::connection& conn, const std::string& state_schema, const std::string& plan);
  ~PlanLock();
  PlanLock(const PlanLock&) = delete;
  PlanLock& operator=(const PlanLock&) = delete;

  // Takes the lock (the constructor does); again after the session was lost and reconnected,
  // since the lock went with the old session. Throws LockHeld when another session holds it.
  void acquire();

private:

  pqxx::connection& m_conn;
  std::string m_schema;
  std::string m_plan;
};

} // namespace orchestrate
