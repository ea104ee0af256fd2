#pragma once

#include <string>

#include "core/work.hpp"

namespace orchestrate {

// The trigger that advances an updated_at column on every UPDATE that does not write it.
//
// An UPDATE that names the column in its SET list keeps exactly what it wrote, even a value
// equal to the one the row held: a trigger `BEFORE UPDATE OF <column>` (the first of the two)
// records the row it saw, and the second, `BEFORE UPDATE` for every UPDATE, leaves that row
// alone and sets the column to now() on any other. PL/pgSQL cannot see an UPDATE's target list
// itself, and comparing NEW with OLD could not tell "not named" from "named with the same
// value". The record is a transaction-local setting keyed by the table and the row version
// (ctid), cleared as soon as it is read.
//
// `old_app_only` restricts the second trigger to sessions that are not the plan's new
// application: for an application that sets the column itself, the trigger only covers the old
// one until contract.
struct TouchSpec {
  std::string plan{};
  std::string schema{};
  std::string table{};
  std::string column{};
  // Another column of the table, which the install step's probe updates to itself.
  std::string probe_column{};
  bool old_app_only = false;
};

// Names that sort after the dual-write trigger's (`_orc_sync_upd_*`), so the touch sees the row
// the dual-write produced, and that do not start with `_orc_`, so the trigger may stay after
// contract. The first trigger's name sorts before the second's.
std::string touch_function_name(const TouchSpec& spec);
std::string touch_named_trigger(const TouchSpec& spec);
std::string touch_advance_trigger(const TouchSpec& spec);

// One transaction: the function, both triggers (guarded, so running it twice is harmless), and
// a probe through a real row inside a subtransaction that is always rolled back.
Step touch_install_step(const TouchSpec& spec, const std::string& id);
std::string drop_touch_sql(const TouchSpec& spec);
// Both triggers present and enabled (present = false: neither trigger nor function remains).
Check touch_check(const TouchSpec& spec, const std::string& id, bool present);

} // namespace orchestrate
