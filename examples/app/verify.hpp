#pragma once

#include "writer.hpp"

#include <map>
#include <string>
#include <vector>

namespace example {

struct VerifyReport {
  long long checked = 0;
  // Rows the writer committed that are gone.
  long long missing = 0;
  // Rows where at least one checked column differs from the last committed value.
  long long wrong = 0;
  // The first few problems, readable; also holds problems that stopped the check, such
  // as a column that does not exist.
  std::vector<std::string> samples;

  bool ok() const { return missing == 0 && wrong == 0 && samples.empty(); }
};

// Checks that every row in `expected` still exists in options.table and that each of
// `columns` holds the value last committed to it (compared as text).
VerifyReport verify_writes(const std::string &url,
                           const WriterOptions &options,
                           const std::map<long long, std::string> &expected,
                           const std::vector<std::string> &columns);

// The subset of `candidates` that are columns of `table` (as found on the search_path),
// in the order given.
std::vector<std::string> existing_columns(const std::string &url,
                                          const std::string &table,
                                          const std::vector<std::string> &candidates);

} // namespace example
