#pragma once

#include <pqxx/pqxx>

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

// Runs `sql` in its own transaction and returns the first column of the first row.
std::string query_value(pqxx::connection& conn, const std::string& sql);

} // namespace orchestrate
