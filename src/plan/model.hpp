#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/phase.hpp"

namespace orchestrate {

class Change;

// A position in a plan file, 1-based; line 0 means "no position".
struct Mark {
  int line = 0;
  int column = 0;
};

template <class T> struct Located {
  T value{};
  Mark mark;
};

struct GateSpec {
  std::string name{};
  std::string sql{};
  Mark mark{};
};

// Backfill defaults a plan may set; command-line flags override them.
struct BackfillSettings {
  std::optional<long long> batch_size{};
  std::optional<double> max_rows_per_second{};
  std::optional<std::string> window{};
  std::optional<int> workers{};
  std::optional<int> target_batch_ms{};
  std::optional<std::string> max_replica_lag{};       // a duration
  std::optional<std::string> max_replica_lag_bytes{}; // a size
  std::vector<std::string> replicas{};                // application_names; empty: every standby
  std::optional<std::string> max_wal_rate{};          // a size a second
  std::optional<std::string> max_xact_age{};          // a duration
};

struct Plan {
  std::string file{};
  std::string body{};     // the file's bytes, stored with the plan
  std::string checksum{};      // of the parsed plan (plan_checksum): comments and layout aside
  std::string text_checksum{}; // of body byte for byte, as plans registered before were known
  Located<std::string> name{};
  std::string description{};
  std::string schema = "public";
  // The new application's version schema (`version_schema:`), instead of the plan's name; the
  // old application's is derived from it (changes/version_schema.hpp).
  std::optional<Located<std::string>> version_schema{};
  std::vector<std::unique_ptr<Change>> changes{};
  BackfillSettings backfill{};
  std::map<Phase, std::vector<GateSpec>> gates{};
  // Directory of event hooks (`hooks:`), as written; a relative path is taken from the working
  // directory of the command that runs the plan (the state keeps only the plan's file name).
  std::optional<std::string> hooks{};

  Plan();
  ~Plan();
  Plan(Plan&&) noexcept;
  Plan& operator=(Plan&&) noexcept;
};

// Plan names become lock keys, schema names and file names: a letter, digit or underscore,
// then letters, digits, underscores or hyphens, at most 63 bytes.
bool is_valid_plan_name(const std::string& name);

} // namespace orchestrate
