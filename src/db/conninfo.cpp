#include "db/conninfo.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "core/errors.hpp"

namespace orchestrate {

namespace {
bool is_uri(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string percent_encode(const std::string& s) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

// libpq's key=value quoting: single quotes around, backslash before ' and \.
std::string conninfo_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}
} // namespace

namespace {

using Options = std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)>;

Options parse_conninfo(const std::string& url) {
  char* error = nullptr;
  Options options(url.empty() ? PQconndefaults() : PQconninfoParse(url.c_str(), &error),
                  &PQconninfoFree);
  if (!options) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    // The message may quote the string back; it holds the migration role's password.
    throw InputError("the connection string does not parse: " +
                     why.substr(0, why.find('"')));
  }
  return options;
}

// The keywords `url` sets (for an empty url: where and as whom libpq's defaults connect),
// without `options`, which the application's own replace.
std::vector<std::pair<std::string, std::string>> conninfo_values(const std::string& url) {
  static const std::set<std::string> k_defaults = {"host", "port", "dbname", "user"};
  auto options = parse_conninfo(url);
  std::vector<std::pair<std::string, std::string>> out;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    const std::string key = o->keyword;
    if (o->val == nullptr || *o->val == '\0' || key == "options" ||
        (url.empty() && k_defaults.count(key) == 0)) {
      continue;
    }
    out.emplace_back(key, o->val);
  }
  return out;
}

std::string value_of(const std::vector<std::pair<std::string, std::string>>& values,
                     const std::string& key, const std::string& fallback = "") {
  for (const auto& [k, v] : values) {
    if (k == key) {
      return v;
    }
  }
  return fallback;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// A double-quoted Python string literal.
std::string python_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

// postgresql://user:password@host:port/dbname?key=value..., every part percent-encoded (a
// socket directory as host included, which libpq accepts).
std::string build_uri(const std::vector<std::pair<std::string, std::string>>& values,
                      const std::string& options) {
  std::string out = "postgresql://";
  const std::string user = value_of(values, "user");
  if (!user.empty()) {
    out += percent_encode(user);
    if (const auto pw = value_of(values, "password"); !pw.empty()) {
      out += ":" + percent_encode(pw);
    }
    out += "@";
  }
  out += percent_encode(value_of(values, "host"));
  if (const auto port = value_of(values, "port"); !port.empty()) {
    out += ":" + port;
  }
  out += "/" + percent_encode(value_of(values, "dbname"));
  std::string query;
  for (const auto& [k, v] : values) {
    if (k == "user" || k == "password" || k == "host" || k == "port" || k == "dbname") {
      continue;
    }
    query += (query.empty() ? "?" : "&") + k + "=" + percent_encode(v);
  }
  if (!options.empty()) {
    query += (query.empty() ? "?" : "&") + std::string("options=") + percent_encode(options);
  }
  return out + query;
}

std::string build_jdbc(const std::vector<std::pair<std::string, std::string>>& values,
                       const AppConnection& app) {
  const std::string host = value_of(values, "host", "localhost");
  if (!host.empty() && host.front() == '/') {
    throw InputError("JDBC cannot connect through a Unix socket (" + host +
                     "); give --db a host name or address");
  }
  std::string out = "jdbc:postgresql://" + host;
  if (const auto port = value_of(values, "port"); !port.empty()) {
    out += ":" + port;
  }
  out += "/" + percent_encode(value_of(values, "dbname"));
  std::string query;
  auto add = [&](const std::string& k, const std::string& v) {
    query += (query.empty() ? "?" : "&") + k + "=" + percent_encode(v);
  };
  for (const auto& key : {"user", "password"}) {
    if (const auto v = value_of(values, key); !v.empty()) {
      add(key, v);
    }
  }
  if (const auto ssl = value_of(values, "sslmode"); !ssl.empty()) {
    add("sslmode", ssl);
  }
  if (!app.search_path.empty()) {
    add("currentSchema", app.search_path);
  }
  if (!app.settings.empty()) {
    add("options", app.settings);
  }
  return out + query;
}

} // namespace

std::optional<UrlFormat> parse_url_format(const std::string& name) {
  if (name == "uri") {
    return UrlFormat::uri;
  }
  if (name == "keyvalue") {
    return UrlFormat::keyvalue;
  }
  if (name == "pgoptions") {
    return UrlFormat::pgoptions;
  }
  if (name == "jdbc") {
    return UrlFormat::jdbc;
  }
  if (name == "django") {
    return UrlFormat::django;
  }
  return std::nullopt;
}

std::string format_connection(const std::string& url, const AppConnection& app,
                              UrlFormat format) {
  switch (format) {
  case UrlFormat::pgoptions:
    return "PGOPTIONS=" + shell_quote(app.options);
  case UrlFormat::django:
    return "# settings.py, in DATABASES[\"default\"]: libpq takes these options at connect\n"
           "\"OPTIONS\": {\"options\": " + python_quote(app.options) + "},";
  case UrlFormat::jdbc:
    return build_jdbc(conninfo_values(url), app);
  case UrlFormat::uri:
    if (is_uri(url)) {
      return app.options.empty() ? url : url_with_options(url, app.options);
    }
    return build_uri(conninfo_values(url), app.options);
  case UrlFormat::keyvalue: {
    std::string out;
    for (const auto& [k, v] : conninfo_values(url)) {
      out += (out.empty() ? "" : " ") + k + "=" + conninfo_quote(v);
    }
    if (!app.options.empty()) {
      out += (out.empty() ? "" : " ") + std::string("options=") + conninfo_quote(app.options);
    }
    return out;
  }
  }
  return url;
}

std::string url_for_role(const std::string& url, const std::string& role) {
  static const std::set<std::string> k_credentials = {
      "user", "password", "passfile", "sslpassword", "sslcert", "sslkey", "service", "options"};
  // Only where to connect is carried over from the environment's defaults, never who.
  static const std::set<std::string> k_place = {"host", "hostaddr", "port", "dbname"};
  auto options = parse_conninfo(url);
  std::string out = "user=" + conninfo_quote(role);
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    const std::string key = o->keyword;
    if (o->val == nullptr || *o->val == '\0' || k_credentials.count(key) != 0 ||
        (url.empty() && k_place.count(key) == 0)) {
      continue;
    }
    out += " " + key + "=" + conninfo_quote(o->val);
  }
  return out;
}

std::string url_with_options(const std::string& url, const std::string& option) {
  if (is_uri(url)) {
    const auto fragment = url.find('#');
    std::string base = url.substr(0, fragment);
    base += (base.find('?') == std::string::npos ? "?" : "&");
    base += "options=" + percent_encode(option);
    return base + (fragment == std::string::npos ? "" : url.substr(fragment));
  }
  // In a key=value string a later keyword overrides an earlier one.
  return (url.empty() ? "" : url + " ") + "options=" + conninfo_quote(option);
}

} // namespace orchestrate
