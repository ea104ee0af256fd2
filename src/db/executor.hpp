#pragma once

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "core/work.hpp"

namespace orchestrate {

struct ExecSettings {
  std::chrono::milliseconds lock_timeout{500};
  std::chrono::milliseconds lock_retry_for{std::chrono::minutes(10)};
  std::chrono::milliseconds statement_timeout{std::chrono::minutes(5)};
  // Where to open a second, short-lived connection that looks up who blocks a step stuck in
  // the lock queue. Empty: blockers are not looked up.
  std::string url{};
  // Set by SIGINT/SIGTERM: a running step is cancelled (pg_cancel_backend from a connection to
  // `url`) and no step starts any more. Null: steps run to their end.
  const std::atomic<bool>* stop = nullptr;
};

// Called with a human-readable line whenever a step waits (lock timeout, deadlock) and retries.
using WaitNotice = std::function<void(const std::string&)>;

// SQLSTATEs worth retrying: lock_not_available, serialization_failure, deadlock_detected.
bool is_retryable_sqlstate(const std::string& sqlstate);

// Runs one step. Transactional steps run in one transaction with SET LOCAL lock_timeout;
// others in autocommit. Every attempt starts with the step's `clear_leftover`; a step with a
// `verify` that does not hold afterwards has failed. An attempt that fails for good runs
// `clear_leftover` once more (a failed unique build must not go on constraining the
// application) and, for a unique build refused on duplicates, lists the duplicate keys in the
// error. Lock timeouts, deadlocks and serialization failures are retried with
// exponential backoff and jitter until `lock_retry_for` has passed; each wait is reported to
// `notice` with the pid, application and query of the sessions that blocked the step (sampled
// from a second connection to `settings.url` while the step sat in the lock queue). Throws
// StepError naming the step id and SQLSTATE; a commit whose outcome is unknown is never
// retried. A lost connection surfaces as pqxx::broken_connection. When `settings.stop` is set
// the step is cancelled, the invalid leftover of a cancelled CONCURRENTLY build is dropped
// (`before_retry`), and StoppedEarly (exit 75) is thrown: the phase stays marked, resumable.
void run_step(pqxx::connection& conn,
              const Step& step,
              const ExecSettings& settings,
              const WaitNotice& notice);

// True when the step has no `verify` or it holds: the step's effect is in place.
bool step_effect_in_place(pqxx::connection& conn, const Step& step);

// Parses "500ms", "2s", "1.5min", "10m", "1h" (a bare number means milliseconds).
std::chrono::milliseconds parse_duration(const std::string& text);
std::string format_ms(std::chrono::milliseconds ms);

} // namespace orchestrate
