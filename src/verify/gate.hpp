#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "core/work.hpp"
#include "db/executor.hpp"

namespace orchestrate {

struct CheckResult {
  std::string id;
  std::string description;
  bool passed = false;
  std::string detail;
};

// Runs every check of a gate and returns one result per check; never throws for a failing or
// erroring check (the error becomes the detail). SQL checks run under statement_timeout;
// probes run in a transaction that is always rolled back; parity checks scan the table in
// short read-only batches along its key.
std::vector<CheckResult> run_gate(pqxx::connection& conn,
                                  const std::vector<Check>& checks,
                                  const ExecSettings& settings);

bool all_passed(const std::vector<CheckResult>& results);

// Counts rows where `spec.gate_predicate()` holds, scanning `page_rows` rows per transaction.
// Returns the count and the key of the first differing row found (empty if none).
struct ParityResult {
  long long differing = 0;
  long long scanned = 0;
  std::string first_key;
};
ParityResult parity_scan(pqxx::connection& conn,
                         const BackfillSpec& spec,
                         const ExecSettings& settings,
                         long long page_rows = 20000);

} // namespace orchestrate
