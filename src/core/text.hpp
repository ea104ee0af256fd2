#pragma once

#include <cctype>
#include <string>
#include <vector>

namespace orchestrate {

// `text` without the trailing newlines and spaces libpq and libpqxx end their messages with.
inline std::string trim_end(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// `text` with its ASCII letters in lower case (keywords, type names, option values).
inline std::string lowercase(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

// True when `text` holds nothing but spaces, tabs and newlines.
inline bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\n") == std::string::npos;
}

// The parts with `separator` between them.
inline std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const auto& p : parts) {
    out += (out.empty() ? "" : separator) + p;
  }
  return out;
}

// A table's name for one of its rows, for names derived from it: "teams" -> "team".
inline std::string singular(const std::string& name) {
  return name.size() > 1 && name.back() == 's' ? name.substr(0, name.size() - 1) : name;
}

// Whether `type` (as written in a plan or as format_type prints it) is a string type.
inline bool is_string_type(const std::string& type) {
  const std::string t = lowercase(type);
  const auto starts = [&t](const char* prefix) { return t.rfind(prefix, 0) == 0; };
  return t == "text" || t == "citext" || t == "bpchar" || t == "name" || starts("varchar") ||
         starts("char");
}

} // namespace orchestrate
