#pragma once

#include <string>

namespace orchestrate {

// `text` without the trailing newlines and spaces libpq and libpqxx end their messages with.
inline std::string trim_end(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

} // namespace orchestrate
