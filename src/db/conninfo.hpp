#pragma once

#include <string>

namespace orchestrate {

// The connection string `url` (a libpq URI, a key=value string, or empty for PG* variables)
// with `options=-c search_path=<search_path>` added, so a new application connects with the
// plan's version schema first.
std::string url_with_search_path(const std::string& url, const std::string& search_path);

} // namespace orchestrate
