#include "db/conninfo.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <memory>
#include <set>

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

std::string url_for_role(const std::string& url, const std::string& role) {
  static const std::set<std::string> k_credentials = {
      "user", "password", "passfile", "sslpassword", "sslcert", "sslkey", "service", "options"};
  // Only where to connect is carried over from the environment's defaults, never who.
  static const std::set<std::string> k_place = {"host", "hostaddr", "port", "dbname"};
  char* error = nullptr;
  using Options = std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)>;
  Options options(url.empty() ? PQconndefaults() : PQconninfoParse(url.c_str(), &error),
                  &PQconninfoFree);
  if (!options) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    // The message may quote the string back; it holds the migration role's password.
    throw InputError("the connection string does not parse: " +
                     why.substr(0, why.find('"')));
  }
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
