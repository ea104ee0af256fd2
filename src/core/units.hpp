#pragma once

#include <string>

namespace orchestrate {

// A duration as parse_duration (db/executor.hpp) reads it: 500ms, 10s, 2min, 1h.
inline constexpr const char* k_duration_pattern = R"(\s*[0-9]+(\.[0-9]+)?\s*(ms|s|sec|min|m|h)?\s*)";

// A size as flags and plans write it: a whole number of bytes, or a number followed by B, kB,
// MB, GB or TB (powers of 1024, as PostgreSQL reads its settings; KB, KiB, MiB, GiB and TiB are
// taken too). The same pattern validates plans, the JSON Schema and flags.
inline constexpr const char* k_size_pattern =
    R"(\s*[0-9]+(\.[0-9]+)?\s*(B|[kK]B|[kK]iB|MB|MiB|GB|GiB|TB|TiB)?\s*)";
// A rate of bytes: a size, optionally followed by "/s".
inline constexpr const char* k_rate_pattern =
    R"(\s*[0-9]+(\.[0-9]+)?\s*(B|[kK]B|[kK]iB|MB|MiB|GB|GiB|TB|TiB)?\s*(/\s*s)?\s*)";

// Bytes in `text` (k_size_pattern, or k_rate_pattern's "/s" form for a rate). Throws InputError
// naming `what` and an example when it does not match or is zero.
long long parse_bytes(const std::string& text, const std::string& what);

// 1536 -> "1.5 kB", 67108864 -> "64.0 MB": for messages, never parsed back.
std::string format_bytes(double bytes);

} // namespace orchestrate
