#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <string>
#include <vector>

namespace orchestrate {

// Up to `limit` key values that occur more than once among the rows a unique index covers,
// each as "(value, ...) in N rows", most repeated first. The keys and the predicate are read
// from the index's own definition, so the report names exactly what its build refused; run it
// before the failed build's leftover is dropped. Empty when the index does not exist. Runs in
// a read-only transaction under `timeout`; throws pqxx errors as they come.
std::vector<std::string> duplicate_keys(pqxx::connection& conn,
                                        const std::string& qualified_index,
                                        int limit,
                                        std::chrono::milliseconds timeout);

} // namespace orchestrate
