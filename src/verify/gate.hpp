#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "core/work.hpp"
#include "db/executor.hpp"

namespace orchestrate {

struct CheckResult {
  std::string id{};
  std::string description{};
  bool passed = false;
  std::string detail{};
};

// Runs every check of a gate and returns one result per check; never throws for a failing or
// erroring check (the error becomes the detail). SQL checks run under statement_timeout;
// probes run in a transaction that is always rolled back; parity checks read the table in
// one scan or, when it is large, in short read-only pages along its key (see ParityPaging).
std::vector<CheckResult> run_gate(pqxx::connection& conn,
                                  const std::vector<Check>& checks,
                                  const ExecSettings& settings);

bool all_passed(const std::vector<CheckResult>& results);

// How parity_scan reads a table. One statement, which PostgreSQL may run as a parallel
// sequential scan, reads the table at the speed of a plain `count(*)`; but it holds one
// snapshot for its whole length, and no vacuum anywhere in the cluster may remove a row
// version newer than that snapshot until it ends. So a table larger than `one_scan_max_bytes`
// (its heap, as pg_relation_size says) is read in pages of `page_rows` rows along its key,
// each page a short transaction of its own, and each page also gets its own statement_timeout.
struct ParityPaging {
  long long one_scan_max_bytes = 2LL * 1024 * 1024 * 1024;
  long long page_rows = 20000;
};

// Counts rows where `spec.gate_predicate()` holds. Returns the count, the rows read, the key of
// the first differing row in key order (a JSON array of the key's values as text; empty if
// none) and whether the table was read in one statement.
struct ParityResult {
  long long differing = 0;
  long long scanned = 0;
  std::string first_key{};
  bool one_scan = false;
};
ParityResult parity_scan(pqxx::connection& conn,
                         const BackfillSpec& spec,
                         const ExecSettings& settings,
                         const ParityPaging& paging = {});

} // namespace orchestrate
