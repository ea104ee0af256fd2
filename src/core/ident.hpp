#pragma once

#include <string>
#include <string_view>

namespace orchestrate {

// True for a plain identifier: a letter or underscore, then letters, digits or underscores,
// at most 63 bytes. Plans may only name tables, columns and plans this way.
bool is_plain_identifier(std::string_view name);

// "name" with embedded quotes doubled; always quoted so case and keywords survive.
std::string quote_ident(std::string_view name);
// schema.table, both quoted.
std::string quote_qualified(std::string_view schema, std::string_view name);
// 'text' with embedded quotes doubled, for literals built into SQL.
std::string quote_literal(std::string_view text);

// A helper object's name: "_orc_" + the parts joined by "_", shortened with a stable hash
// suffix when it would exceed PostgreSQL's 63-byte limit, so it never gets truncated silently.
std::string helper_name(std::string_view purpose, std::string_view a, std::string_view b = {});
// Shortens any name to 63 bytes the same way.
std::string fit_identifier(std::string name);

// Stable 64-bit FNV-1a hash as 16 hex digits, used for plan checksums and short names.
std::string fnv1a_hex(std::string_view data);

} // namespace orchestrate
