#include "backfill/pg_async.hpp"
#include "core/text.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace orchestrate {

namespace asio = boost::asio;
using asio::use_awaitable;
using Wait = asio::posix::stream_descriptor::wait_type;

namespace {

std::string first_line(const char* text) {
  return trim_end(text == nullptr ? "" : text);
}

} // namespace

AsyncConnection::AsyncConnection(PGconn* conn, asio::any_io_executor executor)
    : m_conn(conn), m_socket(std::move(executor)) {}

AsyncConnection::~AsyncConnection() {
  if (m_socket.is_open()) {
    // The descriptor belongs to libpq, which closes it in PQfinish.
    m_socket.release();
  }
  PQfinish(m_conn);
}

void AsyncConnection::attach_socket() {
  if (m_socket.is_open()) {
    m_socket.release();
  }
  const int fd = PQsocket(m_conn);
  if (fd < 0) {
    throw error("08006", "no socket for the connection");
  }
  m_socket.assign(fd);
}

PgError AsyncConnection::error(const std::string& sqlstate, const std::string& message) const {
  const bool lost = PQstatus(m_conn) == CONNECTION_BAD;
  return PgError(lost && sqlstate.empty() ? "08006" : sqlstate, message, lost);
}

asio::awaitable<std::unique_ptr<AsyncConnection>>
AsyncConnection::connect(std::string url, std::string application_name) {
  const char* keys[] = {"dbname", "application_name", nullptr};
  const char* values[] = {url.c_str(), application_name.c_str(), nullptr};
  PGconn* raw = PQconnectStartParams(keys, values, 1);
  if (raw == nullptr) {
    throw PgError("08001", "out of memory opening a connection", true);
  }
  std::unique_ptr<AsyncConnection> conn(
      new AsyncConnection(raw, co_await asio::this_coro::executor));
  if (PQstatus(raw) == CONNECTION_BAD) {
    // libpq's message never contains the password.
    throw PgError("08001", first_line(PQerrorMessage(raw)), true);
  }
  // PQconnectPoll may switch sockets (several hosts, SSL retry): attach before every wait.
  for (PostgresPollingStatusType status = PGRES_POLLING_WRITING;;) {
    if (status == PGRES_POLLING_OK) {
      break;
    }
    if (status == PGRES_POLLING_FAILED) {
      throw PgError("08001", first_line(PQerrorMessage(raw)), true);
    }
    conn->attach_socket();
    co_await conn->m_socket.async_wait(
        status == PGRES_POLLING_READING ? Wait::wait_read : Wait::wait_write, use_awaitable);
    status = PQconnectPoll(raw);
  }
  conn->attach_socket();
  if (PQsetnonblocking(raw, 1) != 0) {
    throw PgError("08001", first_line(PQerrorMessage(raw)), true);
  }
  co_return conn;
}

asio::awaitable<PgResult> AsyncConnection::query(std::string sql, PgParams params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
  }
  if (PQsendQueryParams(m_conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                        values.data(), nullptr, nullptr, 0) == 0) {
    throw error("", first_line(PQerrorMessage(m_conn)));
  }
  // Non-blocking mode: the query may sit in libpq's buffer until the socket takes it.
  for (;;) {
    const int flushed = PQflush(m_conn);
    if (flushed == 0) {
      break;
    }
    if (flushed < 0) {
      throw error("", first_line(PQerrorMessage(m_conn)));
    }
    co_await m_socket.async_wait(Wait::wait_write, use_awaitable);
    if (PQconsumeInput(m_conn) == 0) {
      throw error("", first_line(PQerrorMessage(m_conn)));
    }
  }
  PGresult* last = nullptr;
  std::string sqlstate;
  std::string message;
  for (;;) {
    while (PQisBusy(m_conn) != 0) {
      co_await m_socket.async_wait(Wait::wait_read, use_awaitable);
      if (PQconsumeInput(m_conn) == 0) {
        if (last != nullptr) {
          PQclear(last);
        }
        throw error("", first_line(PQerrorMessage(m_conn)));
      }
    }
    PGresult* r = PQgetResult(m_conn);
    if (r == nullptr) {
      break;
    }
    const auto status = PQresultStatus(r);
    if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR) {
      if (message.empty()) {
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        sqlstate = state == nullptr ? "" : state;
        message = first_line(PQresultErrorMessage(r));
      }
    }
    if (last != nullptr) {
      PQclear(last);
    }
    last = r;
  }
  if (!message.empty() || last == nullptr) {
    if (last != nullptr) {
      PQclear(last);
    }
    throw error(sqlstate, message.empty() ? first_line(PQerrorMessage(m_conn)) : message);
  }
  co_return PgResult(last);
}

} // namespace orchestrate
