#pragma once

#include <string>

namespace orchestrate {

// The shapes of three schema design mistakes that are cheap to avoid and expensive to undo on a
// large table, as names and types show them. Shared by the plan rules (design_rules.cpp) and
// the live audit (audit.*), so both find the same things.

// A key column that means something to people: of a string type (text, varchar, char, citext),
// or named for an email, national id, username or code. Such values change, and every foreign
// key pointing at them must change with them.
bool is_natural_key(const std::string& column, const std::string& type);

// A string column named for a list of items (`*_ids`, `tags`, `*_list`): items that should be
// rows of a join table, with foreign keys.
bool is_list_column(const std::string& column, const std::string& type);

// An expression that builds a delimited list of ids (`string_agg` or `concat_ws` over a column
// named id or *_id).
bool builds_id_list(const std::string& expression);

// A column that records when a row was created, or last updated: a timestamp (or date) type
// under a name like created_at / inserted_at, or updated_at / modified_at.
bool is_creation_timestamp(const std::string& column, const std::string& type);
bool is_update_timestamp(const std::string& column, const std::string& type);

} // namespace orchestrate
