#pragma once

#include <string>

namespace orchestrate {

// The connection string `url` (a libpq URI, a key=value string, or empty for PG* variables)
// with `options=<options>` added (e.g. `-c search_path=v1,public -c orchestrate.new_app=v1`), so
// the new application connects with the plan's version schema first and marked as itself.
std::string url_with_options(const std::string& url, const std::string& options);

} // namespace orchestrate
