#pragma once

#include <cctype>
#include <string>

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

} // namespace orchestrate
