#pragma once

// The translation of pgroll's operations, one function per operation family. Each reads its
// operation's fields with Fields (which refuses keys it does not know, at their position) and
// returns the orchestrate change as {"<kind>": {...}}.

#include <nlohmann/json.hpp>

#include "plan/fields.hpp"

namespace orchestrate::pgroll {

using Json = nlohmann::ordered_json;

Json create_table(Fields& op);
Json add_column(Fields& op);
// `raw` is the operation's mapping: `default: null` and `comment: null` mean "drop it".
Json alter_column(Fields& op, const YAML::Node& raw);
Json create_constraint(Fields& op);
Json drop_constraint(Fields& op);
Json drop_multicolumn_constraint(Fields& op);
Json create_index(Fields& op);
Json set_replica_identity(Fields& op);
Json sql(Fields& op);
// Shared by the operations above.
// pgroll runs `up`/`down` as PL/pgSQL assignments, where `SELECT CASE ... END` is a value; in
// an orchestrate plan they are SQL expressions, so a leading SELECT becomes a scalar subquery.
std::string expression(const std::string& sql);
// True when `sql` is the column itself (pgroll's way of saying "nothing to compute").
bool is_identity(const std::string& sql, const std::string& column);
// A pgroll column (create_table, add_column): its orchestrate keys, `name` first. Columns
// marked `pk` are appended to `primary_key` (add_column passes null and refuses them).
Json column(Fields& col, std::vector<std::string>* primary_key);
// A column's `references` (ForeignKeyReference) as orchestrate's references mapping.
Json column_reference(Fields& ref);
// pgroll's foreign-key action and match spellings ("SET NULL", "FULL") as orchestrate's.
std::string action(Fields& where, const Located<std::string>& value);
std::string match(Fields& where, const Located<std::string>& value);

// drop_column, rename_column, rename_table, drop_table, drop_index, rename_constraint
Json simple(const std::string& kind, Fields& op);

} // namespace orchestrate::pgroll
