#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "backfill/options.hpp"
#include "core/reporter.hpp"
#include "core/work.hpp"
#include "db/executor.hpp"

namespace orchestrate {

struct BackfillOutcome {
  bool finished = false;
  std::string stopped_because; // "paused", "window", "signal", ... when not finished
  long long rows_done = 0;
};

struct BackfillJob {
  std::string url;          // each worker opens its own connection
  std::string state_schema;
  std::string plan;
  std::vector<BackfillSpec> specs;
  BackfillOptions options;
  ExecSettings exec;
  const std::atomic<bool>* stop = nullptr; // set by SIGINT/SIGTERM
};

// Copies every row that still differs, batch by batch along each table's key. Each batch is
// one short transaction that also advances the range's cursor in the state schema, so a crash
// loses nothing and repeats nothing; running it again resumes from the last commit. Returns
// when done, or early (paused, outside the window, signalled) with the reason.
BackfillOutcome run_backfill(const BackfillJob& job, Reporter& reporter);

} // namespace orchestrate
