#pragma once

#include <string>

namespace orchestrate {

// The connection string `url` (a libpq URI, a key=value string, or empty for PG* variables)
// with `options=-c search_path=<search_path>` added, so a new application connects with the
// plan's version schema first.
std::string url_with_search_path(const std::string& url, const std::string& search_path);

// Where `url` points (host, port, database, TLS settings...) as a key=value string for
// `role`, with every credential of the original left out: user, password, passfile,
// sslpassword, the client certificate and key, and service (a service file may hold any of
// them). An empty `url` takes the place from libpq's PG* variables and defaults. The
// application supplies its own password (PGPASSWORD, ~/.pgpass). Throws InputError when `url`
// does not parse.
std::string url_for_role(const std::string& url, const std::string& role);

// The `options` value that gives a session `search_path`: "-c search_path=<search_path>",
// for PGOPTIONS or a driver's options setting.
std::string search_path_options(const std::string& search_path);

} // namespace orchestrate
