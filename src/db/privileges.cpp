#include "db/privileges.hpp"

#include <pqxx/pqxx>

namespace orchestrate {

bool may_set_replication_role(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  const bool v15 =
      tx.exec("SELECT current_setting('server_version_num')::int >= 150000")[0][0].as<bool>();
  // has_parameter_privilege() exists from PostgreSQL 15 on; before, only a superuser may.
  auto r = tx.exec(v15 ? "SELECT rolsuper OR has_parameter_privilege('session_replication_role', "
                         "'SET') FROM pg_roles WHERE rolname = current_user"
                       : "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
  return !r.empty() && r[0][0].as<bool>();
}

} // namespace orchestrate
