#pragma once

#include <string>
#include <string_view>

namespace orchestrate {

// Replaces every reference to column `from` in SQL text produced by pg_get_indexdef() or
// pg_get_constraintdef() with `to` (quoted). String literals, other identifiers and function
// calls of the same name are left alone. Bare words match case-insensitively, as PostgreSQL
// folds them; quoted identifiers match exactly.
std::string replace_identifier(std::string_view sql, std::string_view from, std::string_view to);

// Like replace_identifier, but puts `expression` (parenthesized by the caller) in place of each
// reference: `price / 100.0` with price := (100) is `(100) / 100.0`.
std::string substitute_identifier(std::string_view sql,
                                  std::string_view from,
                                  std::string_view expression);

// True when `sql` mentions identifier `name` the way replace_identifier would replace it.
bool mentions_identifier(std::string_view sql, std::string_view name);

} // namespace orchestrate
