#pragma once

#include <libpq-fe.h>

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace orchestrate {

// A database error seen by an AsyncConnection. `connection_lost` means the session is gone
// (server restart, network, pg_terminate_backend); the outcome of a statement in flight at
// that moment is unknown, and the caller reconnects.
class PgError : public std::runtime_error {
public:
  PgError(std::string sqlstate, const std::string& message, bool connection_lost)
      : std::runtime_error(message), m_sqlstate(std::move(sqlstate)),
        m_connection_lost(connection_lost) {}
  const std::string& sqlstate() const { return m_sqlstate; }
  bool connection_lost() const { return m_connection_lost; }

private:
  std::string m_sqlstate;
  bool m_connection_lost;
};

// The result of one statement; rows and columns as text (NULL as nullopt).
class PgResult {
public:
  explicit PgResult(PGresult* result) : m_result(result, &PQclear) {}
  int rows() const { return PQntuples(m_result.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(m_result.get(), row, column) != 0; }
  std::string text(int row, int column) const { return PQgetvalue(m_result.get(), row, column); }
  long long number(int row, int column) const { return std::stoll(text(row, column)); }

private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> m_result;
};

using PgParams = std::vector<std::optional<std::string>>;

// One libpq connection driven without blocking: every wait is an async_wait on the
// connection's socket, so many connections share one thread and one io_context. Not copyable;
// closing happens in the destructor. One statement at a time per connection.
class AsyncConnection {
public:
  // Connects (PQconnectStartParams + PQconnectPoll). Throws PgError when it cannot.
  static boost::asio::awaitable<std::unique_ptr<AsyncConnection>>
  connect(std::string url, std::string application_name);

  ~AsyncConnection();
  AsyncConnection(const AsyncConnection&) = delete;
  AsyncConnection& operator=(const AsyncConnection&) = delete;

  // Sends one statement (text parameters, $1...) and returns its result. A statement with
  // several commands returns the last one's result. Throws PgError on any error.
  boost::asio::awaitable<PgResult> query(std::string sql, PgParams params = {});

  int backend_pid() const { return PQbackendPID(m_conn); }

private:
  AsyncConnection(PGconn* conn, boost::asio::any_io_executor executor);
  void attach_socket();
  PgError error(const std::string& sqlstate, const std::string& message) const;

  PGconn* m_conn;
  boost::asio::posix::stream_descriptor m_socket;
};

} // namespace orchestrate
