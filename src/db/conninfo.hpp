#pragma once

#include <optional>
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

// The forms drivers take a connection in, for `url --format`.
enum class UrlFormat { uri, keyvalue, pgoptions, jdbc, django };

// Parses "uri", "keyvalue", "pgoptions", "jdbc" or "django"; nullopt for anything else.
std::optional<UrlFormat> parse_url_format(const std::string& name);

// What an application connects with: `options` is the whole libpq options value (may be
// empty), `search_path` the schema list it sets (may be empty) and `settings` the other `-c`
// arguments (the new application's marker), for forms that set the path apart (JDBC's
// currentSchema).
struct AppConnection {
  std::string options{};
  std::string search_path{};
  std::string settings{};
};

// `url` (a libpq URI, a key=value string, or empty for PG* variables) with `app`'s options,
// in `format`:
//   uri       postgresql://user@host:port/db?options=...
//   keyvalue  host='...' port='...' dbname='...' options='...'
//   pgoptions PGOPTIONS='...', for a shell (the connection itself comes from elsewhere)
//   jdbc      jdbc:postgresql://host:port/db?currentSchema=...&options=...
//   django    the OPTIONS entry of a DATABASES setting
// Throws InputError when `url` does not parse, or when JDBC cannot express it (a Unix socket).
std::string format_connection(const std::string& url, const AppConnection& app,
                              UrlFormat format);

} // namespace orchestrate
