#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "fixture.hpp"

// What a user sees of a plan's state: `orchestrate --json status` and `history --json`, for
// tests that check behaviour rather than orchestrate's own tables. Each takes the database's
// URL (a fleet's databases have no TestDb) or a TestDb.
namespace itest {

// The lines a `--json` command printed (event, progress, gate, outcome), each parsed; a line
// that is not a JSON object fails the test.
std::vector<nlohmann::json> json_lines(const std::string& out);
// `orchestrate --json status [plan]`, parsed; fails the test when it does not exit 0.
nlohmann::json status_json(const std::string& url, const std::string& plan = "");
nlohmann::json status_json(const TestDb& db, const std::string& plan = "");
// The state of the named plan (of the plan registered last when `plan` is empty), as
// `orchestrate --json history` shows it; "" when no plan is registered.
std::string plan_state(const std::string& url, const std::string& plan = "");
std::string plan_state(const TestDb& db, const std::string& plan = "");
// The state of the plan in flight (of the plan registered last when none is), with
// "/<phase>" while that phase's steps are being applied ("expand", "expand/dual_write"), as
// `status --json` shows them.
std::string state_and_applying(const TestDb& db);
// "<phase>/<applying>" of the active plan, as `status` shows it ("" after the slash when no
// phase is being applied).
std::string phase_and_applying(const TestDb& db);
// The named plan's whole event log, oldest first, as `orchestrate --json history NAME` shows
// it: [{at, phase, item, outcome, detail, who}].
nlohmann::json plan_events(const std::string& url, const std::string& plan);
nlohmann::json plan_events(const TestDb& db, const std::string& plan);
// How many of the plan's events have `outcome` (and `item`, unless it is empty).
int count_events(const std::string& url, const std::string& plan, const std::string& outcome,
                 const std::string& item = "");
int count_events(const TestDb& db, const std::string& plan, const std::string& outcome,
                 const std::string& item = "");
// Whether one of the plan's events has `outcome`, in `phase` (any, when empty), with a detail
// holding `detail_part`.
bool has_event(const TestDb& db, const std::string& plan, const std::string& outcome,
               const std::string& phase, const std::string& detail_part);
// The backfill's rows done (committed) and what holds it back ("" when nothing does), as
// `orchestrate --json status` shows them.
long long backfill_rows_done(const std::string& url, const std::string& plan = "");
long long backfill_rows_done(const TestDb& db, const std::string& plan = "");
std::string throttled_by(const std::string& url, const std::string& plan = "");
std::string throttled_by(const TestDb& db, const std::string& plan = "");

} // namespace itest
