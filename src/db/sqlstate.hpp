#pragma once

#include <pqxx/pqxx>

#include <string>

namespace orchestrate {

// The SQLSTATE of a database error, or "" when the error has none (a lost connection, a commit
// of unknown outcome). libpqxx 6.4 leaves sqlstate() empty for insufficient_privilege and throws
// serialization failures and deadlocks as transaction_rollback, which is no sql_error and carries
// no SQLSTATE at all; the exception's type says which one it was.
std::string sqlstate_of(const pqxx::failure& e);

// "[SQLSTATE] message" (just the message when there is no SQLSTATE), trimmed.
std::string describe_db_error(const pqxx::failure& e);

} // namespace orchestrate
