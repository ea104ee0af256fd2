#pragma once

#include <string>
#include <vector>

#include "core/work.hpp"

namespace orchestrate {

// A BEFORE INSERT OR UPDATE trigger that gives one column a value when a write leaves it NULL:
// the old application does not know the column, so its inserts (and its updates of rows the
// backfill has not reached yet) would otherwise leave it empty. Only the row's values decide;
// no session setting or search_path is consulted.
struct FillSpec {
  std::string schema;
  std::string table;
  std::string function;
  std::string trigger;
  std::string column;
  std::string type;
  // SQL evaluated over the row; `row_columns` are the columns it may name.
  std::string value;
  std::vector<std::string> row_columns;
  // NOT NULL columns are filled whenever a write leaves them NULL; nullable ones only on
  // INSERT and on UPDATE of a row that was still NULL, so a deliberate NULL survives.
  bool not_null = false;
};

std::string fill_function_sql(const FillSpec& spec);
// CREATE TRIGGER guarded by a catalog check, so running it twice is harmless.
std::string fill_trigger_sql(const FillSpec& spec);
std::string drop_fill_sql(const FillSpec& spec);

// Gate of dual-write: the trigger is present and enabled, and a probe (rolled back) that sets
// the column of one row to NULL sees it filled.
std::vector<Check> fill_gate_checks(const FillSpec& spec,
                                    const std::vector<std::string>& key,
                                    const std::string& id_prefix);
// Gate of contract: neither trigger nor function remains.
Check fill_gone_check(const FillSpec& spec, const std::string& id_prefix);

} // namespace orchestrate
