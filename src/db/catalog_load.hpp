#pragma once

#include <pqxx/pqxx>

#include <string>

#include "core/catalog.hpp"

namespace orchestrate {

// Reads every ordinary and partitioned table outside the system schemas (and outside
// `skip_schema`, the state schema) with its columns, indexes, constraints and triggers, in one
// read-only transaction.
Catalog load_catalog(pqxx::connection& conn, const std::string& skip_schema);

} // namespace orchestrate
