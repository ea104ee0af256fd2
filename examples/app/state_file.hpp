#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace example {

// The writes of every run so far, kept between runs so that an old-version run followed
// by a new-version run can be verified as one history. Stored as JSON:
// {"writes": {"<id>": "<last committed value>", ...}}.
using WriteLog = std::map<long long, std::string>;

// Empty when the file does not exist; throws when it exists but cannot be read.
WriteLog load_writes(const std::filesystem::path &file);

// Adds `writes` to the file, replacing earlier values of the same rows: runs are assumed
// to follow one another, so this run's value is the later one. Written atomically.
void merge_writes(const std::filesystem::path &file, const WriteLog &writes);

} // namespace example
