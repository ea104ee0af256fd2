#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace orchestrate {

// `--json` on the commands that run unattended (next, backfill): stdout carries one JSON object
// per line and nothing else, each with "type", "plan" and "at" (ISO 8601, local time with its
// offset, e.g. 2026-05-04T22:00:01.250+02:00); text for people goes to stderr.
void write_json_line(const std::string& type, const std::string& plan, nlohmann::json fields);

// Now as ISO 8601 with milliseconds and the local offset.
std::string iso8601_now();

// The final outcome line. A command that writes JSON lines names its plan with
// json_outcome_for() as soon as it knows it; the top-level handler then writes
// {"type": "outcome", "exit_code": N, "message": ...} however the command ended.
void json_outcome_for(const std::string& plan);
bool json_outcome_wanted();
void write_json_outcome(int exit_code, const std::string& message);

} // namespace orchestrate
