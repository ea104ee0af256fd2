#pragma once

#include <string>
#include <vector>

#include "cli/options.hpp"
#include "lint/lint.hpp"

namespace orchestrate {

struct Session;

// Lints a parsed plan: against the live database through `session` when given, else offline.
std::vector<LintWarning> lint_loaded_plan(const Plan& plan, Session* session);

// Prints the warnings (JSON lines with --json); returns 2 when `strict` and there are any.
int report_lint(const std::string& file,
                const std::vector<LintWarning>& warnings,
                bool strict,
                const GlobalOptions& g);

} // namespace orchestrate
