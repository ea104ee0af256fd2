#include <cctype>
#include <cstdio>

#include "cli/session.hpp"
#include "cli/url_options.hpp"
#include "core/ident.hpp"

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

std::string url_with_search_path(const std::string& url, const std::string& search_path) {
  // Inside `options`, a space separates arguments; the search_path has none (quote_ident never
  // adds spaces to a plain plan name, and ", " is written ",").
  const std::string option = "-c search_path=" + search_path;
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

namespace {
struct UrlOptions {
  std::string name;
};

int run_url(const UrlOptions& o, const GlobalOptions& g) {
  Session s(g, "url", true);
  const std::string name = s.resolve_plan(o.name);
  const auto record = s.store->find(name);
  if (record->work.version_schema.empty()) {
    std::fprintf(stderr, "plan %s needs no search_path: the new application uses the plain "
                         "connection string\n",
                 name.c_str());
    std::printf("%s\n", s.url.c_str());
    return 0;
  }
  // Printed, never logged: the application needs the URL as given, password included.
  std::printf("%s\n",
              url_with_search_path(s.url, quote_ident(record->work.version_schema) + ",public")
                  .c_str());
  return 0;
}
} // namespace

void setup_url(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<UrlOptions>();
  auto* sub = app.add_subcommand(
      "url", "Print the database URL for the new application: the connection string as given "
             "(--db, DATABASE_URL) with options=-c search_path=<version schema>,public");
  sub->add_option("NAME", o->name, "plan name (may be left out when one plan is active)");
  sub->callback([&action, o, &g] { action = [o, &g] { return run_url(*o, g); }; });
}

} // namespace orchestrate
