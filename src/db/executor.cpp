#include "db/executor.hpp"

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <regex>
#include <thread>

#include "core/errors.hpp"
#include "db/blockers.hpp"
#include "db/duplicates.hpp"
#include "db/sqlstate.hpp"
#include "core/text.hpp"

namespace orchestrate {

bool is_retryable_sqlstate(const std::string& sqlstate) {
  return sqlstate == "55P03" || sqlstate == "40001" || sqlstate == "40P01";
}

std::chrono::milliseconds parse_duration(const std::string& text) {
  static const std::regex k_duration(R"(\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h)?\s*)");
  std::smatch m;
  if (!std::regex_match(text, m, k_duration)) {
    throw InputError("'" + text + "' is not a duration (examples: 500ms, 10s, 2min, 1h)");
  }
  double value = std::stod(m[1].str());
  const std::string unit = m[2].str();
  double factor = 1;
  if (unit == "s" || unit == "sec") {
    factor = 1000;
  } else if (unit == "min" || unit == "m") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  }
  return std::chrono::milliseconds(static_cast<long long>(value * factor));
}

std::string format_ms(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + "ms";
}

namespace {

using clock = std::chrono::steady_clock;

// While a step runs, cancels it as soon as `stop` is set: a signal must not wait for a
// CONCURRENTLY build that may take hours, nor for a lock queue. The cancel comes from a second
// connection (pg_cancel_backend), since the step's own connection is busy. `stop` is a flag set
// from a signal handler, so it is looked at every 50 ms; the end of the step wakes the watcher at
// once, so that a step never waits for the watcher's next look.
class CancelOnStop {
public:
  CancelOnStop(const std::atomic<bool>* stop, const std::string& url, int pid) {
    if (stop == nullptr || url.empty() || pid <= 0) {
      return;
    }
    m_thread = std::thread([this, stop, url, pid] {
      std::unique_lock lock(m_mutex);
      while (!m_done) {
        if (stop->load()) {
          lock.unlock();
          try {
            pqxx::connection conn(url);
            pqxx::nontransaction tx(conn);
            tx.exec_params("SELECT pg_cancel_backend($1)", pid);
          } catch (const std::exception&) {
            // The statement then ends on its own; the caller still stops after it.
          }
          return;
        }
        m_wake.wait_for(lock, std::chrono::milliseconds(50));
      }
    });
  }
  ~CancelOnStop() {
    {
      std::lock_guard lock(m_mutex);
      m_done = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable()) {
      m_thread.join();
    }
  }
  CancelOnStop(const CancelOnStop&) = delete;
  CancelOnStop& operator=(const CancelOnStop&) = delete;

private:
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_done = false;
  std::thread m_thread;
};

bool stopping(const ExecSettings& settings) {
  return settings.stop != nullptr && settings.stop->load();
}

// Stops a step a signal interrupted, leaving nothing half-built: a cancelled CONCURRENTLY
// build leaves an invalid index, which clear_leftover drops (if it cannot, the step drops it
// before its next attempt).
[[noreturn]] void stop_step(pqxx::connection& conn,
                            const Step& step,
                            const ExecSettings& settings) {
  std::string cleanup;
  if (!step.clear_leftover.empty() && conn.is_open()) {
    try {
      pqxx::work tx(conn);
      tx.exec("SET LOCAL lock_timeout = '" + format_ms(settings.lock_timeout) + "'");
      tx.exec(step.clear_leftover);
      tx.commit();
      cleanup = " (its leftovers were cleaned up)";
    } catch (const pqxx::failure& e) {
      cleanup = " (cleaning up failed, the next run does it: " + trim_end(e.what()) + ")";
    }
  }
  throw StoppedEarly(fmt::format("interrupted by a signal during step {}{}; the phase stays marked "
                                 "and `orchestrate next` resumes it",
                                 step.id, cleanup));
}

void run_once(pqxx::connection& conn, const Step& step, const ExecSettings& settings) {
  const std::string lock_timeout =
      step.under_lock_timeout ? format_ms(settings.lock_timeout) : std::string("0");
  if (step.in_transaction) {
    pqxx::work tx(conn);
    tx.exec("SET LOCAL lock_timeout = '" + lock_timeout + "'");
    tx.exec("SET LOCAL statement_timeout = 0");
    tx.exec(step.sql);
    tx.commit();
  } else {
    pqxx::nontransaction tx(conn);
    tx.exec("SET lock_timeout = '" + lock_timeout + "'");
    tx.exec("SET statement_timeout = 0");
    tx.exec(step.sql);
    tx.exec("RESET lock_timeout");
    tx.exec("RESET statement_timeout");
  }
}

void clear_leftover_once(pqxx::connection& conn, const Step& step, const ExecSettings& settings) {
  pqxx::work tx(conn);
  tx.exec("SET LOCAL lock_timeout = '" + format_ms(settings.lock_timeout) + "'");
  tx.exec(step.clear_leftover);
  tx.commit();
}

// A terminated backend or a server shutting down reports a SQLSTATE first and then closes the
// connection: that is a lost connection, for the caller to handle as one.
bool connection_lost(pqxx::connection& conn, const std::string& sqlstate) {
  return !conn.is_open() || sqlstate.rfind("57P0", 0) == 0 || sqlstate.rfind("08", 0) == 0;
}

// After an attempt that failed for good: what the failed build refused, and the leftover
// dropped at once, because an invalid index that is ready goes on enforcing uniqueness on the
// application's writes while nobody runs the step again. Returns what to add to the message.
std::string after_failure(pqxx::connection& conn,
                          const Step& step,
                          const ExecSettings& settings,
                          const std::string& sqlstate) {
  std::string out;
  if (!step.unique_index.empty() && sqlstate == "23505") {
    try {
      const auto keys = duplicate_keys(conn, step.unique_index, 10, settings.statement_timeout);
      if (!keys.empty()) {
        out += fmt::format("; duplicate keys (at most 10): {}", fmt::join(keys, "; "));
      }
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const std::exception& e) {
      out += "; the duplicate keys could not be listed: " + trim_end(e.what());
    }
  }
  if (step.clear_leftover.empty()) {
    return out;
  }
  const auto started = clock::now();
  auto delay = std::chrono::milliseconds(100);
  for (;;) {
    try {
      clear_leftover_once(conn, step, settings);
      return out + (step.unique_index.empty()
                        ? "; its leftover was dropped"
                        : "; its leftover was dropped, so it constrains nothing");
    } catch (const pqxx::failure& e) {
      if (connection_lost(conn, sqlstate_of(e))) {
        throw pqxx::broken_connection(e.what());
      }
      if (!is_retryable_sqlstate(sqlstate_of(e)) ||
          clock::now() - started > settings.lock_retry_for) {
        return out + "; its leftover could not be dropped (" + trim_end(e.what()) +
               "); running the step again drops it";
      }
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    }
  }
}

bool effect_in_place(pqxx::connection& conn, const Step& step) {
  pqxx::read_transaction tx(conn);
  return tx.exec1(step.verify)[0].as<bool>();
}

} // namespace

bool step_effect_in_place(pqxx::connection& conn, const Step& step) {
  return step.verify.empty() || effect_in_place(conn, step);
}

void run_step(pqxx::connection& conn,
              const Step& step,
              const ExecSettings& settings,
              const WaitNotice& notice) {
  const auto started = clock::now();
  std::mt19937 rng(std::random_device{}());
  auto delay = std::chrono::milliseconds(100);
  // Only statements that queue for a table lock are watched for blockers.
  BlockerWatch watch(step.under_lock_timeout ? settings.url : std::string(),
                     settings.lock_timeout);
  for (int attempt = 1;; ++attempt) {
    std::string blockers;
    try {
      if (!step.clear_leftover.empty()) {
        clear_leftover_once(conn, step, settings);
      }
      if (stopping(settings)) {
        stop_step(conn, step, settings);
      }
      watch.start(conn.backendpid());
      {
        CancelOnStop cancel(settings.stop, settings.url, conn.backendpid());
        run_once(conn, step, settings);
      }
      watch.stop();
      if (!step.verify.empty() && !effect_in_place(conn, step)) {
        const std::string more = after_failure(conn, step, settings, "");
        throw StepError(step.id, "",
                        "the statement ran, but its effect is not in place (" + step.verify +
                            ")" + more);
      }
      return;
    } catch (const pqxx::in_doubt_error& e) {
      throw StepError(step.id, "", std::string("outcome of the commit is unknown: ") + e.what());
    } catch (const pqxx::broken_connection&) {
      watch.stop();
      throw;
    } catch (const pqxx::failure& e) {
      // sql_error, and transaction_rollback (deadlocks, serialization failures), which
      // libpqxx 6.4 does not derive from sql_error.
      blockers = watch.stop();
      const std::string sqlstate = sqlstate_of(e);
      if (stopping(settings) && conn.is_open()) {
        stop_step(conn, step, settings); // 57014: our own cancel
      }
      if (connection_lost(conn, sqlstate)) {
        throw pqxx::broken_connection(e.what());
      }
      if (!is_retryable_sqlstate(sqlstate) || clock::now() - started > settings.lock_retry_for) {
        std::string message = trim_end(e.what());
        if (!blockers.empty()) {
          message += "; blocked by " + blockers;
        }
        message += after_failure(conn, step, settings, sqlstate);
        throw StepError(step.id, sqlstate, message);
      }
      std::uniform_real_distribution<double> jitter(0.5, 1.5);
      auto wait = std::chrono::milliseconds(static_cast<long long>(delay.count() * jitter(rng)));
      if (notice) {
        notice(fmt::format("step {}: {} [{}], attempt {}, retrying in {}{}", step.id,
                           sqlstate == "55P03" ? "lock not available within lock_timeout"
                                               : "transient conflict",
                           sqlstate, attempt, format_ms(wait),
                           blockers.empty() ? std::string()
                                            : "; blocked by " + blockers));
      }
      for (const auto until = clock::now() + wait; clock::now() < until && !stopping(settings);) {
        std::this_thread::sleep_for(std::min<clock::duration>(until - clock::now(),
                                                              std::chrono::milliseconds(50)));
      }
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    }
  }
}

} // namespace orchestrate
