#pragma once

#include <pqxx/connection>

namespace orchestrate {

// Whether the connected role may set session_replication_role: a superuser, or (PostgreSQL 15
// and later) a role granted SET on it. The backfill then quiets the application's own triggers
// for its copies.
bool may_set_replication_role(pqxx::connection& conn);

} // namespace orchestrate
