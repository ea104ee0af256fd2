#include "db/blockers.hpp"

#include "db/privileges.hpp"

#include <fmt/format.h>

#include <regex>

namespace orchestrate {

std::string hide_passwords(const std::string& query) {
  static const std::regex k_password(R"((password\s*=?\s*)('([^']|'')*'|\S+))", std::regex::icase);
  return std::regex_replace(query, k_password, "$1'***'");
}

BlockerWatch::BlockerWatch(std::string url, std::chrono::milliseconds lock_timeout)
    : m_url(std::move(url)),
      m_first_look(std::max(std::chrono::milliseconds(20), lock_timeout * 2 / 5)),
      m_interval(std::max(std::chrono::milliseconds(20), lock_timeout / 5)) {}

BlockerWatch::~BlockerWatch() {
  stop();
}

void BlockerWatch::start(int pid) {
  stop();
  if (m_url.empty() || pid <= 0) {
    return;
  }
  {
    std::lock_guard lock(m_mutex);
    m_done = false;
    m_seen.clear();
  }
  m_thread = std::thread([this, pid] { run(pid); });
}

std::string BlockerWatch::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_done = true;
  }
  m_cv.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
  std::lock_guard lock(m_mutex);
  return m_seen;
}

void BlockerWatch::run(int pid) {
  auto wait = m_first_look;
  for (;;) {
    {
      std::unique_lock lock(m_mutex);
      if (m_cv.wait_for(lock, wait, [this] { return m_done; })) {
        return;
      }
    }
    std::string seen;
    try {
      seen = sample(pid);
    } catch (const std::exception&) {
      // Diagnostics only: a failed look-up must never fail the step. Try a fresh connection.
      m_conn.reset();
    }
    if (!seen.empty()) {
      std::lock_guard lock(m_mutex);
      m_seen = seen;
    }
    wait = m_interval;
  }
}

std::string BlockerWatch::sample(int pid) {
  if (!m_conn) {
    m_conn = std::make_unique<pqxx::connection>(m_url);
    pqxx::nontransaction setup(*m_conn);
    setup.exec("SET application_name = 'orchestrate lock-watch'");
    setup.exec("SET statement_timeout = '2s'");
  }
  pqxx::nontransaction tx(*m_conn);
  auto rows = tx.exec_params(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''), "
      "       round(extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::numeric, "
      "             1)::text, "
      "       left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 200) "
      "FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids($1)) ORDER BY a.pid",
      pid);
  std::string out;
  bool hidden = false;
  for (const auto& row : rows) {
    const std::string state = row[2].as<std::string>();
    const std::string query = row[4].as<std::string>();
    // Another role's session shows no query, state or times without pg_read_all_stats.
    hidden = hidden || query == "<insufficient privilege>";
    out += fmt::format("{}pid {} (application '{}', {} for {} s): {}", out.empty() ? "" : "; ",
                       row[0].as<std::string>(), row[1].as<std::string>(),
                       state.empty() ? "state unknown" : state,
                       row[3].is_null() ? "?" : row[3].as<std::string>(), hide_passwords(query));
  }
  if (hidden) {
    out += fmt::format(" (this role may not see other roles' sessions: GRANT pg_read_all_stats "
                       "TO {})",
                       readable_ident(m_conn->username()));
  }
  return out;
}

} // namespace orchestrate
