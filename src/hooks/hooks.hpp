#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace orchestrate {

// What a hook is told, through ORCHESTRATE_* environment variables and a JSON payload file.
struct HookEvent {
  std::string event{}; // before-phase, after-phase, gate-failed, backfill-progress, backfill-done, failure
  std::string plan{};
  std::string phase{};
  std::string reason{};
  long long rows_done = -1; // unset when negative
  long long rows_total = -1;
  long long rows_estimated = -1; // backfill-progress: the rows expected in all, an estimate
};

// How a hook ended, for the ones that did not simply exit 0.
struct HookEnding {
  std::string path{};
  int status = 0;         // exit status; 128+N when ended by signal N
  bool timed_out = false; // killed by orchestrate after the timeout
};

// Told about every hook that exited non-zero or ran past its timeout, so the caller can record
// and show it. Called on the thread that runs or reaps the hook.
using HookListener = std::function<void(const HookEvent&, const HookEnding&)>;

inline constexpr std::chrono::milliseconds k_default_hook_timeout{std::chrono::seconds(10)};

// Runs the executable named for an event in a hooks directory (`--hook DIR` or the plan's
// `hooks:`), so on-call can page, post to chat or block a move without changing orchestrate.
// A missing or non-executable file means "no hook for this event". Each hook runs in a process
// group of its own, with its stdout sent to orchestrate's stderr (stdout may carry JSON lines),
// and is killed, group and all, once it runs past `timeout`: a hung hook never holds the plan's
// lock or the process for longer than that.
class Hooks {
public:
  // `target`: the fleet target whose move fires the hooks (ORCHESTRATE_TARGET and the payload's
  // `target`); empty when orchestrate moves one database.
  Hooks(std::string dir,
        std::chrono::milliseconds timeout,
        HookListener listener = {},
        std::string target = {});
  // Waits for a hook still running in the background, at most until its timeout.
  ~Hooks();
  Hooks(const Hooks&) = delete;
  Hooks& operator=(const Hooks&) = delete;

  // Runs the hook and waits for it, at most `timeout`; returns its exit status (0 when there
  // is no hook, 128+N when ended by signal N, 128+SIGKILL when killed for its timeout).
  int run(const HookEvent& e);
  // Starts the hook without waiting, for events fired from the backfill's progress callback,
  // which must not stall the engine. At most one such hook runs at a time; a call while the
  // previous one still runs is skipped (and kills it, when it is past its timeout).
  void start(const HookEvent& e);
  // Runs before-phase and throws GateFailed (exit 3) when it exits non-zero or times out.
  void before_phase(const std::string& plan, const std::string& phase);
  // Fire-and-report events: a non-zero status goes to the listener and stops nothing (a broken
  // pager must not break a move).
  void notify(const HookEvent& e);

  const std::string& dir() const { return m_dir; }

private:
  struct Running {
    pid_t pid = -1;
    HookEvent event{};
    std::string path{};
    std::string payload{}; // the payload file, removed once the hook ended
    std::chrono::steady_clock::time_point deadline{};
  };

  std::string path_of(const std::string& event) const;
  Running spawn(const HookEvent& e);
  // Waits until the hook ends or its deadline passes (then kills it); `block` false only looks.
  // Returns how it ended once it is over (reaped), after telling the listener; nullopt while
  // it still runs.
  std::optional<HookEnding> finish(Running& r, bool block);

  std::string m_dir;
  std::chrono::milliseconds m_timeout;
  HookListener m_listener;
  std::string m_target;
  Running m_background;
};

// `text` as a JSON string literal, quotes included: ORCHESTRATE_REASON_JSON, which a shell
// script can paste into a JSON document whatever quotes or newlines the reason holds.
std::string json_string(const std::string& text);

} // namespace orchestrate
