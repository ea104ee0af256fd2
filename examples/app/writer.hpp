#pragma once

#include <pqxx/connection>
#include <pqxx/transaction>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace example {

struct WriterOptions {
  std::string url;
  std::string table = "users";
  std::string key = "id";
  std::string old_column = "phone_number";
  std::string new_column = "phone";
  int threads = 1;
  // When set, applied with SET search_path on every connection: the new application puts a
  // plan's version schema first (orchestrate status prints the setting).
  std::string search_path;
  // When set, every transaction of the new version marks itself as the new application of this
  // plan (`orchestrate url` puts the same marker in the connection's options), so the
  // dual-write trigger knows which side it wrote.
  std::string new_app_plan;
  // Inserts also set this column to a readable label; empty: they set only what they write.
  std::string label_column = "name";
  // When not empty, what a version writes instead of `<its column> = value`: each column with
  // an SQL expression over $1, the value (e.g. {"first_name", "split_part($1, ' ', 1)"}), for
  // changes that spread one value over several columns.
  std::vector<std::pair<std::string, std::string>> old_writes;
  std::vector<std::pair<std::string, std::string>> new_writes;
};

// Which column the application writes: the old one, or the new one a plan introduces.
enum class Version { old_app, new_app };

// "old" or "new", as on the command line.
std::string to_string(Version version);

// A steady stream of small writes, as a real application would send while a schema change
// runs: each thread inserts a row or updates a random existing one every few milliseconds,
// and remembers the last value it committed to every row it touched, so that afterwards
// nothing lost or mangled by the change can go unnoticed.
class Writer {
public:
  explicit Writer(WriterOptions options);
  Writer(const Writer &) = delete;
  Writer &operator=(const Writer &) = delete;
  ~Writer();

  // Throws when the table cannot be read (wrong URL, no such table).
  void start(Version version);
  // Writes that begin after this call use the other column.
  void set_version(Version version);
  // Asks every thread to finish its current write and waits for them.
  void stop();

  // For every row written, the value of its last committed write, by key.
  std::map<long long, std::string> committed() const;
  long long commits() const { return m_commits.load(); }
  long long errors() const { return m_errors.load(); }
  // The first few error messages, in the order they happened.
  std::vector<std::string> error_messages() const;

private:
  void run(std::stop_token stop, int thread_index);
  void
  write_once(pqxx::connection &conn, int thread_index, long long counter, std::mt19937_64 &rng);
  void write_shaped(pqxx::connection &conn,
                    int thread_index,
                    long long counter,
                    std::mt19937_64 &rng,
                    Version version,
                    const std::string &value);
  void record_error(int thread_index, const std::string &message);
  void mark(pqxx::work &tx, Version version) const;
  void note_id(long long id);

  WriterOptions m_options;
  // Makes values unique across runs, so a value in the table names the run that wrote it.
  std::string m_run_tag;
  std::atomic<Version> m_version{Version::old_app};
  std::atomic<long long> m_max_id{0};
  std::atomic<long long> m_commits{0};
  std::atomic<long long> m_errors{0};
  // Held from just before COMMIT until the value is recorded, so that the recorded order
  // of two writes to one row is their commit order (see write_once).
  std::mutex m_commit_order;
  mutable std::mutex m_mutex;
  std::map<long long, std::string> m_committed;
  std::vector<std::string> m_error_messages;
  std::vector<std::jthread> m_threads;
};

} // namespace example
