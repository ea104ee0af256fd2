#pragma once

#include <string>

namespace orchestrate {

// The connection string `url` (a libpq URI, a key=value string, or empty for PG* variables)
// with `options=<options>` added (e.g. `-c search_path=v1,public -c orchestrate.new_app=v1`), so
// the new application connects with the plan's version schema first and marked as itself.
std::string url_with_options(const std::string& url, const std::string& options);

// Where `url` points (host, port, database, TLS settings...) as a key=value string for
// `role`, with every credential of the original left out: user, password, passfile,
// sslpassword, the client certificate and key, and service (a service file may hold any of
// them). An empty `url` takes the place from libpq's PG* variables and defaults. The
// application supplies its own password (PGPASSWORD, ~/.pgpass). Throws InputError when `url`
// does not parse.
std::string url_for_role(const std::string& url, const std::string& role);

} // namespace orchestrate
