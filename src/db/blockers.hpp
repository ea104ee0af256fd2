#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace orchestrate {

// A blocker's query may be `ALTER ROLE ... PASSWORD '...'`; its text is logged, the secret not.
std::string hide_passwords(const std::string& query);

// Watches one statement while it runs: if it is still running after a while (it is most likely
// queued behind another session's lock), a second connection samples pg_blocking_pids() of the
// statement's backend until the statement ends. The blocker is gone from pg_locks once the
// statement has timed out, so it must be sampled while it waits. Statements that finish at once
// cost a thread start and nothing else: the second connection is opened only when needed, and
// then kept for later attempts of the same step.
class BlockerWatch {
public:
  // `url` may be empty: then nothing is watched.
  BlockerWatch(std::string url, std::chrono::milliseconds lock_timeout);
  ~BlockerWatch();
  BlockerWatch(const BlockerWatch&) = delete;
  BlockerWatch& operator=(const BlockerWatch&) = delete;

  // Starts watching backend `pid`; stop() ends it. One watch at a time.
  void start(int pid);
  // Stops watching and returns what was seen: "pid 123 (app 'psql', idle in transaction for
  // 2.1 s): <query>", several separated by "; ", or "" when no blocker was seen.
  std::string stop();

private:
  void run(int pid);
  std::string sample(int pid);

  std::string m_url;
  std::chrono::milliseconds m_first_look;
  std::chrono::milliseconds m_interval;
  std::unique_ptr<pqxx::connection> m_conn;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_done = false;
  std::string m_seen;
  std::thread m_thread;
};

} // namespace orchestrate
