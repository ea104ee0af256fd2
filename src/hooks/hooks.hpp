#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace orchestrate {

// What a hook is told, through ORCHESTRATE_* environment variables.
struct HookEvent {
  std::string event; // before-phase, after-phase, gate-failed, backfill-progress, backfill-done, failure
  std::string plan;
  std::string phase;
  std::string reason;
  long long rows_done = -1; // unset when negative
  long long rows_total = -1;
};

// Runs the executable named for an event in a hooks directory (`--hook DIR` or the plan's
// `hooks:`), so on-call can page, post to chat or block a move without changing orchestrate.
// A missing or non-executable file means "no hook for this event".
class Hooks {
public:
  explicit Hooks(std::string dir);
  ~Hooks();
  Hooks(const Hooks&) = delete;
  Hooks& operator=(const Hooks&) = delete;

  // Runs the hook and waits for it; returns its exit status (0 when there is no hook, 128+N
  // when killed by signal N).
  int run(const HookEvent& e);
  // Starts the hook without waiting, for events fired from the backfill's progress callback,
  // which must not stall the engine. At most one such hook runs at a time; a call while the
  // previous one still runs is skipped.
  void start(const HookEvent& e);
  // Runs before-phase and throws GateFailed (exit 3) when it exits non-zero.
  void before_phase(const std::string& plan, const std::string& phase);
  // Fire-and-report events: the hook's status is ignored (a broken pager must not break a move).
  void notify(const HookEvent& e);

  const std::string& dir() const { return m_dir; }

private:
  std::string path_of(const std::string& event) const;
  pid_t spawn(const HookEvent& e);
  void reap_background(bool wait);

  std::string m_dir;
  pid_t m_background = -1;
};

} // namespace orchestrate
