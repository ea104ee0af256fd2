#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/reporter.hpp"
#include "fleet/member.hpp"
#include "fleet/progress.hpp"
#include "fleet/targets.hpp"
#include "metrics/metrics.hpp"
#include "metrics/server.hpp"

namespace orchestrate {

// What one fleet command did on one target.
struct TargetResult {
  std::string target{};
  std::string wave{};
  int exit_code = 0;               // 0: done (or nothing to do); else as the single command's
  std::string message{};           // the error, when exit_code is not 0
  std::vector<std::string> failed_checks{}; // "check: detail" of a gate that did not pass
  std::string state{};             // the plan's state on the target afterwards ("" unknown)
};

struct FleetResult {
  std::vector<TargetResult> targets{};
  // Why the fleet stopped before the end of its move ("" when every target finished it).
  std::string stopped{};
  // 3 when a gate failed on some target, else the first failure's code, else 0.
  int exit_code() const;
};

// Runs one operation on every target of a targets file, wave by wave in the file's order,
// each target with its own connection, state and lock in its own database (so a killed command
// run again resumes each target where it was). A failure on a target stops the fleet before
// the next wave (or, with `continue_on_error`, after the rest of its wave); the result names
// every target's outcome. Lines go to `console`, each prefixed with its target's name.
class Fleet {
public:
  Fleet(Targets targets, FleetSettings settings, Reporter& console);
  ~Fleet();

  // Registers the plan on every target (as `start`, without the preflight report).
  FleetResult start(const Plan& plan, const std::string& path);
  // Moves every target to the same next phase: first finishes any copy a target left
  // unfinished, then gates the current phase on every target (no target moves unless all
  // pass, so the fleet enters transition only when every backfill gate passed), then moves the
  // targets wave by wave; the backfill's copies of a wave run side by side (`parallel`). A
  // target an interrupted run left behind is brought up to the others first.
  FleetResult next(const std::string& plan);
  // Runs or resumes the copy on every target in its backfill phase, wave by wave, then gates it.
  FleetResult backfill(const std::string& plan);
  // Gates the current phase on every target; changes nothing.
  FleetResult verify(const std::string& plan);
  // Rolls the plan back on every target, the last wave first.
  FleetResult rollback(const std::string& plan);
  FleetResult set_paused(const std::string& plan, bool paused);
  // `up`: registers each plan and moves the fleet with `next` until every target is done.
  FleetResult up(const std::vector<Plan>& plans, const std::vector<std::string>& paths);
  // The plan to act on: `name`, or the one plan active on the first target.
  std::string resolve_plan(const std::string& name);
  // Every target as a member (connected), in wave order.
  std::vector<Member*> members(bool read_only = false);
  const Targets& targets() const { return m_targets; }
  FleetProgress& progress() { return m_progress; }

private:
  FleetResult each(const std::string& what,
                   bool reverse,
                   bool stops,
                   const std::function<void(Member&, TargetResult&)>& op);
  TargetResult& result_of(FleetResult& out, Member& m);
  // Runs `op` on `m`, turning what it throws into the target's result; false when it failed.
  bool attempt(Member& m, TargetResult& r, const std::string& plan, const std::function<void()>& op);
  FleetResult finish_copies(const std::string& plan);
  // Serves the targets' backfill metrics (labelled target) when the flags ask for it.
  void serve_metrics(const std::string& plan);

  Targets m_targets;
  FleetSettings m_settings;
  Reporter& m_console;
  FleetProgress m_progress;
  std::vector<std::unique_ptr<Member>> m_members;
  std::shared_ptr<FleetMetrics> m_metrics;
  std::unique_ptr<MetricsServer> m_server;
};

} // namespace orchestrate
