#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan/model.hpp"

namespace orchestrate {

// An expression a change evaluates for each row, where the plan wrote it.
struct RowExpression {
  std::string role{}; // "up" (old row to new), "down" (new row to old) or "fill" (existing rows)
  Located<std::string> sql{};
};

// A column a change creates as the plan declares it (create_table's columns, add_column's).
struct DeclaredColumn {
  Located<std::string> name{};
  std::string type{};
  Mark mark{}; // the column's entry in the plan (create_table) or its name (add_column)
  bool in_primary_key = false;
  std::optional<Located<std::string>> default_sql{};
  bool default_volatile = false; // expression_may_be_volatile(default_sql)
};

// An index built under ACCESS EXCLUSIVE (add_exclusion at contract).
struct LockedIndexBuild {
  std::string method{};
  std::string max_table_size{}; // above which validate and contract refuse the table
};

// What a change says about itself from its parsed fields alone, without the schema: the facts
// `lint` reads instead of the plan's YAML, so the kind that runs the change and the rules that
// review it cannot disagree. Every field is empty or false where the kind has nothing to say.
struct ChangeFacts {
  // The kind as the plan names it, where the change runs as another (alter_column with one key
  // is that key's kind); empty: Change::kind().
  std::string written_as{};
  std::string table{};                // the table it works on, when it names one
  std::vector<std::string> removed{}; // columns of `table` whose name goes away at contract
  bool removes_table = false;         // `table` stops being a table at expand
  std::string table_renamed_to{};     // rename_table: the name it is reached by from expand on
  bool needs_backfill = false;        // copies data into `table` by key range
  std::vector<RowExpression> expressions{}; // of the copy, when it copies
  bool creates_table = false;
  bool creates_primary_key = false;         // with creates_table: the new table has one
  std::vector<DeclaredColumn> columns{};    // columns it creates
  std::optional<Located<std::string>> sql{}; // SQL the plan's author wrote, run as given
  std::vector<std::string> dropped_indexes{};
  std::vector<std::string> renamed_constraints{}; // by their old names
  bool full_replica_identity = false;
  std::optional<LockedIndexBuild> locked_index_build{};
};

} // namespace orchestrate
