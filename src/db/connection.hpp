#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace orchestrate {

// Where to connect: --db, else DATABASE_URL, else "" (libpq's own PG* variables).
std::string resolve_database_url(const std::string& flag);

// The connection string with any password replaced by "***", safe to print.
std::string redact_connection_string(const std::string& url);

// Opens a connection tagged with `application_name` so other sessions (and a second
// orchestrator refused a lock) can tell who holds what. Errors never include the password.
std::unique_ptr<pqxx::connection> open_connection(const std::string& url,
                                                  const std::string& application_name);

// Brings back a connection whose session was lost (a terminated backend, a server restart):
// tries again with backoff until `give_up_after` has passed, logging each failed attempt.
// Settings made with set_variable (application_name) are restored; session state such as
// advisory locks is not, and is the caller's to take again. Connections from open_connection
// never reconnect on their own, so a lost session always surfaces as pqxx::broken_connection.
bool reconnect(pqxx::connection& conn,
               std::chrono::milliseconds give_up_after,
               const std::function<void(const std::string&)>& log);

} // namespace orchestrate
