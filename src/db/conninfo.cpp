#include "db/conninfo.hpp"

#include <cctype>

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
