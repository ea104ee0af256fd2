#pragma once

#include <string>
#include <vector>

#include "core/work.hpp"

namespace orchestrate {

// The dual-write of explode_list: a delimited string column of one table (the old side) and a
// join table with one row per item (the new side), kept in step both ways.
//
// - The old application writes the string: a trigger on the table replaces that row's join rows
//   by the string's items (a diff, so rows that stay are not rewritten). The string is kept
//   exactly as written.
// - The new application writes the join table: a trigger on it rebuilds the owner row's string
//   from its join rows (items in order, joined by the delimiter). Writes the sync itself or
//   another trigger makes are not the new application's, and neither is a join row deleted
//   with its parent row (ON DELETE CASCADE): those leave the string as it was written.
// - Items: the string split on the delimiter, each trimmed; empty items are ignored; an item
//   that is not an integer, or names no parent row, is malformed and has no join row.
// - A marker column on the table records which side last wrote each row ('0' not reached since
//   expand, 'o' the string, 'n' the join table, 'b' the backfill), so the backfill copies only
//   rows nobody reached. A row not reached that the new application adds items to gets its
//   string's items first, so none is lost.
// The sync's own writes run with the transaction-local setting `orchestrate.list_sync` on, so
// the triggers they fire know not to sync back.
struct ListSync {
  std::string plan{};
  std::string schema{};
  std::string table{};    // the owner table
  std::string key{};      // its single-column primary key
  std::string key_type{};
  std::string column{};   // the delimited string
  std::string delimiter{};
  std::string into{};     // the join table
  std::string owner_column{};
  std::string item_column{};
  std::string parent{};   // the table items are keys of
  std::string parent_column{};
  std::string item_type{};
};

std::string list_side_column(const ListSync& s);
// The join table: both foreign keys (cascading, so neither application's deletes of an owner
// or a parent row start failing), a composite primary key, an index for the item side.
std::string list_create_table_sql(const ListSync& s);
// One transaction: the functions, the triggers on both tables (guarded), nothing else.
std::string list_install_sql(const ListSync& s);
std::string list_drop_sql(const ListSync& s);
// For the backfill: the assignment that writes a row's join rows and marks it 'b'.
std::vector<Assignment> list_backfill_assignments(const ListSync& s);
std::string list_pending_sql(const ListSync& s);
// For the gates: a row not reached, or whose join rows are not its string's items.
std::string list_invalid_sql(const ListSync& s);
// One row (count, example key, message): existing rows holding malformed items.
std::string list_malformed_sql(const ListSync& s);
// The triggers present and enabled / gone with their functions.
std::string list_triggers_present_sql(const ListSync& s);
std::string list_triggers_gone_sql(const ListSync& s);

} // namespace orchestrate
