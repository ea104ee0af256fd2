#include "core/ident.hpp"

#include <cstdint>
#include <cstdio>

namespace orchestrate {

namespace {
constexpr std::size_t k_max_identifier = 63;

bool is_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_rest(char c) {
  return is_start(c) || (c >= '0' && c <= '9');
}
} // namespace

bool is_plain_identifier(std::string_view name) {
  if (name.empty() || name.size() > k_max_identifier || !is_start(name[0])) {
    return false;
  }
  for (char c : name) {
    if (!is_rest(c)) {
      return false;
    }
  }
  return true;
}

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string quote_qualified(std::string_view schema, std::string_view name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += '\'';
    }
    out += c;
  }
  out += '\'';
  return out;
}

std::string fnv1a_hex(std::string_view data) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

std::string fit_identifier(std::string name) {
  if (name.size() <= k_max_identifier) {
    return name;
  }
  std::string suffix = "_" + fnv1a_hex(name).substr(0, 8);
  name.resize(k_max_identifier - suffix.size());
  return name + suffix;
}

std::string helper_name(std::string_view purpose, std::string_view a, std::string_view b) {
  std::string name = "_orc_";
  name += purpose;
  name += "_";
  name += a;
  if (!b.empty()) {
    name += "_";
    name += b;
  }
  return fit_identifier(std::move(name));
}

} // namespace orchestrate
