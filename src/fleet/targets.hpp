#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan/model.hpp"

namespace orchestrate {

// One database of a fleet: its name (how output, events and metrics call it), where to connect
// (`url`, or `url_env`: the environment variable holding the URL, so no secret sits in the
// file), and its own backfill settings (throttles for its standbys, rate limits), which the
// command line's flags override.
struct Target {
  Located<std::string> name{};
  std::optional<Located<std::string>> url{};
  std::optional<Located<std::string>> url_env{};
  BackfillSettings backfill{};
};

// Targets moved together; a wave starts only when the one before it finished, and at most
// `parallel` of its targets copy at once.
struct Wave {
  Located<std::string> name{};
  int parallel = 1;
  std::vector<Target> targets{};
};

// A targets file: the fleet's waves in order (the first one is the canary).
struct Targets {
  std::string file{};
  std::vector<Wave> waves{};
};

// Parses a targets file. Throws PlanError ("file:line:col: message") for syntax errors, unknown
// keys, missing fields, a target with both or neither of url and url_env, a name used twice or
// an empty wave; nothing connects.
Targets parse_targets_file(const std::string& path);
// Same, from text; `file` is only used in messages.
Targets parse_targets_text(const std::string& text, const std::string& file);

// The target's URL: `url`, or the value of `url_env`. Throws PlanError at the target when the
// variable is unset or empty.
std::string target_url(const Targets& targets, const Target& target);

} // namespace orchestrate
