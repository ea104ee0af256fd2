#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "backfill/options.hpp"
#include "core/reporter.hpp"
#include "core/work.hpp"
#include "db/executor.hpp"

namespace orchestrate {

class LoopSignals;

// Why a backfill stopped before it was done.
enum class StopReason { none, signal, window, paused, error };
// "signal", "window", "paused", "error" ("" for none), as events and `status` say it.
std::string_view to_string(StopReason reason);

struct BackfillOutcome {
  bool finished = false;
  StopReason stopped_because = StopReason::none; // set when not finished
  long long rows_done = 0;     // rows covered by this run
  long long rows_total = 0;    // rows covered by every run so far, this one included
};

struct BackfillJob {
  std::string url{};          // each worker opens its own connection
  std::string state_schema{};
  std::string plan{};
  std::vector<BackfillSpec> specs{};
  BackfillOptions options{};
  ExecSettings exec{};
  // The command's stop flag, set by its SIGINT/SIGTERM handler: read before the first batch
  // and between batches.
  const std::atomic<bool>* stop = nullptr;
  // The loop's signal watcher, if any: a signal then stops the backfill at once, every wait
  // cut short (run_backfill makes one; a fleet makes one for all its targets' copies).
  LoopSignals* signals = nullptr;
  // Told when a health limit starts holding the backfill (reason, detail with the measured
  // value), on the engine's thread; at most once per reason every 30 s.
  std::function<void(const std::string& reason, const std::string& detail)> on_throttle{};
};

// Copies every row that still differs, with `options.workers` workers (each its own
// connection, all driven by one Asio event loop) taking key ranges from a shared queue. Each
// batch is one short transaction that also advances its range's cursor in the state schema,
// so a crash loses nothing and repeats nothing; running it again resumes from the last
// commit. Returns when done, or early (paused, outside the window, signalled: batches in
// flight finish and are recorded first) with the reason. Throws StepError when a batch fails
// for a reason retrying cannot fix.
BackfillOutcome run_backfill(const BackfillJob& job, Reporter& reporter);

// The same backfill as a coroutine on the caller's executor, so several (a fleet's targets)
// share one event loop and one thread: its workers and monitor are spawned on that executor
// and it completes when they have all ended. Preparing (the ranges, the totals) and the final
// progress record are short blocking queries that hold the loop meanwhile.
boost::asio::awaitable<BackfillOutcome> backfill_on_loop(const BackfillJob& job,
                                                         Reporter& reporter);

} // namespace orchestrate
