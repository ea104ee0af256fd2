#pragma once

#include <string>
#include <vector>

#include "core/work.hpp"

namespace orchestrate {

// The table of surrogate_key: keyed by a meaningful value (the natural key), it gains an
// identity column (the surrogate). What belongs to that table alone lives here; the
// referencing tables' columns are column transitions (column_transition.hpp).
//
// - expand: a sequence, the column (nullable, its default drawing from the sequence, so an
//   INSERT of either application gets a key and ADD COLUMN rewrites nothing), and the key
//   function: the surrogate of a natural key value, giving a row the backfill has not reached
//   its surrogate on the spot (so a referencing row written before the backfill still gets
//   one), and its inverse. The unique index on the surrogate is built CONCURRENTLY.
// - backfill: every row without a surrogate gets one from the sequence.
// - contract: the primary key moves to the surrogate (USING INDEX), the natural key keeps a
//   unique constraint (on an index built CONCURRENTLY at transition), and the column becomes
//   an identity column whose sequence continues where the temporary one stopped.
struct SurrogateParent {
  std::string schema{};
  std::string table{};
  std::string key{};      // the natural key column
  std::string key_type{};
  bool key_is_primary = true;
  std::string primary_name{}; // the primary key constraint after contract
  std::string column{};   // the surrogate
  std::string type{};     // bigint or integer
  std::string id_index{}; // unique index on the surrogate, becomes the primary key
  std::string key_index{}; // unique index on the natural key, becomes its constraint
};

std::string surrogate_sequence(const SurrogateParent& p);
std::string surrogate_function(const SurrogateParent& p);
// "schema"."function"(value), for the referencing tables' dual-write.
std::string surrogate_lookup_sql(const SurrogateParent& p, const std::string& value);
std::string natural_function(const SurrogateParent& p);
// The natural key of the surrogate `value`, by a volatile function (a surrogate drawn earlier
// in the same statement is seen, as in the dual-write's probes).
std::string natural_lookup_sql(const SurrogateParent& p, const std::string& value);

// One transaction: the sequence, the column with its default, the key function.
std::string surrogate_add_sql(const SurrogateParent& p);
// For the backfill: the assignment and the rows still without a surrogate.
std::vector<Assignment> surrogate_backfill_assignments(const SurrogateParent& p);
std::string surrogate_pending_sql(const SurrogateParent& p);
// Contract, once the old foreign keys are gone: the primary key and the natural key's unique
// constraint (one transaction, guarded), then the identity (guarded) and the helpers dropped.
std::string surrogate_swap_sql(const SurrogateParent& p);
std::string surrogate_identity_sql(const SurrogateParent& p);
// Rollback, after the referencing tables' columns are gone: everything expand and transition
// added, the column last.
std::string surrogate_drop_sql(const SurrogateParent& p);

// Gate queries: one boolean each.
std::string surrogate_is_primary_sql(const SurrogateParent& p);
std::string natural_key_unique_sql(const SurrogateParent& p);
std::string surrogate_is_identity_sql(const SurrogateParent& p);
std::string surrogate_helpers_gone_sql(const SurrogateParent& p);

// validate: one row (count, example key, message) of rows whose natural key is NULL.
std::string natural_key_nulls_sql(const SurrogateParent& p);
// validate: one row (count, example key, message) of `table` rows whose `column` names no row;
// `key` is the table's row key, for the example.
std::string orphans_sql(const SurrogateParent& p,
                        const std::string& table,
                        const std::string& column,
                        const std::vector<std::string>& key);

} // namespace orchestrate
