#include "writer.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <iostream>
#include <stdexcept>

namespace example {
namespace {

constexpr std::size_t max_kept_errors = 20;
// At most about a hundred writes a second a thread, so a test with a dozen writers on a small
// machine leaves the CPU to what it tests; tests wait for the writes they need
// (itest::wait_for_writes) rather than for time to pass.
constexpr auto pause_between_writes = std::chrono::milliseconds(10);
// After a failed connection attempt, so a database that is down is not hammered.
constexpr auto pause_after_connection_error = std::chrono::milliseconds(200);

std::string make_run_tag() {
  std::mt19937 rng(std::random_device{}());
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(digits) - 2);
  std::string tag;
  for (int i = 0; i < 4; ++i) {
    tag += digits[pick(rng)];
  }
  return tag;
}

std::string first_line(const std::string &text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

} // namespace

std::string to_string(Version version) {
  return version == Version::old_app ? "old" : "new";
}

Writer::Writer(WriterOptions options) : m_options(std::move(options)), m_run_tag(make_run_tag()) {
  if (m_options.threads < 1) {
    throw std::invalid_argument("the writer needs at least one thread");
  }
}

Writer::~Writer() {
  stop();
}

void Writer::start(Version version) {
  if (!m_threads.empty()) {
    throw std::logic_error("the writer is already running");
  }
  m_version.store(version);
  {
    // Updates pick ids up to the largest one that exists now or that we inserted since.
    pqxx::connection conn(m_options.url);
    pqxx::read_transaction tx(conn);
    const auto row = tx.exec1("SELECT coalesce(max(" + tx.quote_name(m_options.key) +
                              "), 0)::bigint FROM " + tx.quote_name(m_options.table));
    m_max_id.store(row[0].as<long long>());
  }
  for (int i = 0; i < m_options.threads; ++i) {
    m_threads.emplace_back([this, i](std::stop_token stop) { run(stop, i); });
  }
}

void Writer::set_version(Version version) {
  m_version.store(version);
}

void Writer::stop() {
  for (auto &thread : m_threads) {
    thread.request_stop();
  }
  m_threads.clear();
}

std::map<long long, std::string> Writer::committed() const {
  std::lock_guard lock(m_mutex);
  return m_committed;
}

std::vector<std::string> Writer::error_messages() const {
  std::lock_guard lock(m_mutex);
  return m_error_messages;
}

void Writer::mark(pqxx::work &tx, Version version) const {
  if (version == Version::new_app && !m_options.new_app_plan.empty()) {
    tx.exec("SELECT set_config('orchestrate.new_app', " + tx.quote(m_options.new_app_plan) +
            ", true)");
  }
}

void Writer::run(std::stop_token stop, int thread_index) {
  std::mt19937_64 rng(std::random_device{}() + static_cast<unsigned>(thread_index));
  std::unique_ptr<pqxx::connection> conn;
  long long counter = 0;
  while (!stop.stop_requested()) {
    try {
      if (!conn) {
        conn = std::make_unique<pqxx::connection>(m_options.url);
        // Lets an operator (and orchestrate's lock diagnostics) see who is writing.
        conn->set_variable("application_name", "'example-app'");
        if (!m_options.search_path.empty()) {
          conn->set_variable("search_path", m_options.search_path);
        }
      }
      write_once(*conn, thread_index, ++counter, rng);
    } catch (const pqxx::broken_connection &e) {
      record_error(thread_index, e.what());
      conn.reset();
      std::this_thread::sleep_for(pause_after_connection_error);
    } catch (const std::exception &e) {
      record_error(thread_index, e.what());
    }
    std::this_thread::sleep_for(pause_between_writes);
  }
}

void Writer::write_once(pqxx::connection &conn,
                        int thread_index,
                        long long counter,
                        std::mt19937_64 &rng) {
  const Version version = m_version.load();
  const auto &column = version == Version::old_app ? m_options.old_column : m_options.new_column;
  const std::string value =
      "+1-555-" + m_run_tag + "-w" + std::to_string(thread_index) + "-" + std::to_string(counter);

  const auto &writes = version == Version::old_app ? m_options.old_writes : m_options.new_writes;
  if (!writes.empty() || m_options.label_column != "name") {
    write_shaped(conn, thread_index, counter, rng, version, value);
    return;
  }
  pqxx::work tx(conn);
  mark(tx, version);
  const auto table = tx.quote_name(m_options.table);
  const auto key = tx.quote_name(m_options.key);
  const auto target = tx.quote_name(column);
  const long long max_id = m_max_id.load();
  const bool insert = max_id < 1 || std::bernoulli_distribution(0.5)(rng);
  long long id = 0;
  if (insert) {
    const auto name = "example-app " + to_string(version) + " w" + std::to_string(thread_index) +
                      " #" + std::to_string(counter);
    const auto row = tx.exec_params1("INSERT INTO " + table + " (name, " + target +
                                         ") VALUES ($1, $2) RETURNING " + key,
                                     name,
                                     value);
    id = row[0].as<long long>();
  } else {
    id = std::uniform_int_distribution<long long>(1, max_id)(rng);
    const auto result = tx.exec_params("UPDATE " + table + " SET " + target + " = $1 WHERE " + key +
                                           " = $2 RETURNING " + key,
                                       value,
                                       id);
    if (result.empty()) {
      // A gap in the ids (a rolled-back insert used it up): nothing was written.
      tx.abort();
      return;
    }
  }

  // Two threads may update the same row. The second one's UPDATE waits for the first
  // one's row lock, so their commits are ordered; holding this mutex from COMMIT until the
  // value is recorded keeps the recorded order the same. COMMIT never waits for another
  // transaction's locks, so holding a mutex across it cannot deadlock.
  std::lock_guard order(m_commit_order);
  tx.commit();
  {
    std::lock_guard lock(m_mutex);
    m_committed[id] = value;
  }
  m_commits.fetch_add(1);
  if (insert) {
    note_id(id);
  }
}

// The same write as write_once, with the columns and expressions of old_writes/new_writes and
// an optional label column.
void Writer::write_shaped(pqxx::connection &conn,
                          int thread_index,
                          long long counter,
                          std::mt19937_64 &rng,
                          Version version,
                          const std::string &value) {
  pqxx::work tx(conn);
  mark(tx, version);
  auto writes = version == Version::old_app ? m_options.old_writes : m_options.new_writes;
  if (writes.empty()) {
    writes.emplace_back(version == Version::old_app ? m_options.old_column : m_options.new_column,
                        "$1");
  }
  const auto table = tx.quote_name(m_options.table);
  const auto key = tx.quote_name(m_options.key);
  const long long max_id = m_max_id.load();
  const bool insert = max_id < 1 || std::bernoulli_distribution(0.5)(rng);
  long long id = 0;
  if (insert) {
    std::string columns;
    std::string values;
    for (const auto &[column, expr] : writes) {
      columns += (columns.empty() ? "" : ", ") + tx.quote_name(column);
      values += (values.empty() ? "" : ", ") + expr;
    }
    std::string sql;
    if (m_options.label_column.empty()) {
      sql = "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") RETURNING " + key;
      id = tx.exec_params1(sql, value)[0].as<long long>();
    } else {
      const auto label = "example-app " + to_string(version) + " w" +
                         std::to_string(thread_index) + " #" + std::to_string(counter);
      sql = "INSERT INTO " + table + " (" + columns + ", " +
            tx.quote_name(m_options.label_column) + ") VALUES (" + values +
            ", $2::text) RETURNING " + key;
      id = tx.exec_params1(sql, value, label)[0].as<long long>();
    }
  } else {
    id = std::uniform_int_distribution<long long>(1, max_id)(rng);
    std::string assignments;
    for (const auto &[column, expr] : writes) {
      assignments += (assignments.empty() ? "" : ", ") + tx.quote_name(column) + " = " + expr;
    }
    const auto result = tx.exec_params("UPDATE " + table + " SET " + assignments + " WHERE " +
                                           key + " = $2 RETURNING " + key,
                                       value,
                                       id);
    if (result.empty()) {
      tx.abort();
      return;
    }
  }
  // Commit order is recorded order, as in write_once.
  std::lock_guard order(m_commit_order);
  tx.commit();
  {
    std::lock_guard lock(m_mutex);
    m_committed[id] = value;
  }
  m_commits.fetch_add(1);
  if (insert) {
    note_id(id);
  }
}

void Writer::note_id(long long id) {
  long long seen = m_max_id.load();
  while (id > seen && !m_max_id.compare_exchange_weak(seen, id)) {
  }
}

void Writer::record_error(int thread_index, const std::string &message) {
  m_errors.fetch_add(1);
  std::lock_guard lock(m_mutex);
  if (m_error_messages.size() < max_kept_errors) {
    auto text = "thread " + std::to_string(thread_index) + ": " + first_line(message);
    // Printed as it happens, so a failure lines up with the phase that caused it.
    std::cerr << "example-app: " << text << std::endl;
    m_error_messages.push_back(std::move(text));
  }
}

} // namespace example
