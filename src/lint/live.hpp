#pragma once

#include <pqxx/pqxx>

#include "lint/lint.hpp"

namespace orchestrate {

// Views and rules reading tables of `schema` (per column where PostgreSQL records it), and the
// source of every user function outside the system and state schemas.
void load_lint_live(pqxx::connection& conn,
                    const std::string& schema,
                    const std::string& state_schema,
                    LintLive& live);

} // namespace orchestrate
