#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "fixture.hpp"

// What a user sees of a plan's state: `orchestrate --json status` and `history --json`, for
// tests that check behaviour rather than orchestrate's own tables.
namespace itest {

// `orchestrate --json status [plan]`, parsed; fails the test when it does not exit 0.
nlohmann::json status_json(const TestDb& db, const std::string& plan = "");
// The state of the plan registered last, as `orchestrate --json history` shows it.
std::string plan_state(const TestDb& db);
// "<phase>/<applying>" of the active plan, as `status` shows it ("" after the slash when no
// phase is being applied).
std::string phase_and_applying(const TestDb& db);

} // namespace itest
