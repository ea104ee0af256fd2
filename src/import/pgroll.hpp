#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace orchestrate {

// One pgroll migration translated into an orchestrate plan.
struct ImportedPlan {
  std::filesystem::path source{}; // the pgroll file
  std::string name{};             // the plan's name
  std::string text{};             // the plan file's text
};

struct ImportOptions {
  std::optional<std::string> schema{}; // written as the plans' `schema:`
};

// The migration files FILE or DIR holds, in pgroll's order: the directory's `.ledger` when it
// has one, else file-name order (.json, .yaml, .yml).
std::vector<std::filesystem::path> pgroll_migration_files(const std::filesystem::path& path);

// Translates one pgroll migration (JSON or YAML). Anything it cannot translate exactly is a
// PlanError naming the file, the position and the operation ("operation 2 (alter_column)"),
// and why.
ImportedPlan import_pgroll_migration(const std::filesystem::path& file,
                                     const ImportOptions& options = {});

// Writes `plans` into `dir` (created when missing) as NNN-<name>.yaml, numbered after the
// highest NNN- prefix already there, so `up DIR` runs them after what was imported before.
// Refuses, writing nothing, when a plan of the same name is already in `dir`.
std::vector<std::filesystem::path> write_imported_plans(const std::vector<ImportedPlan>& plans,
                                                        const std::filesystem::path& dir);

} // namespace orchestrate
