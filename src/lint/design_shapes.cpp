#include "lint/design_shapes.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

#include "core/text.hpp"

namespace orchestrate {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// `name` is `word`, or ends with `_word`.
bool named(const std::string& name, const std::string& word) {
  return name == word || ends_with(name, "_" + word);
}

bool is_time_type(const std::string& type) {
  const std::string t = lowercase(type);
  return starts_with(t, "timestamp") || t == "date";
}

} // namespace


bool is_natural_key(const std::string& column, const std::string& type) {
  if (is_string_type(type)) {
    return true;
  }
  const std::string c = lowercase(column);
  static const std::array<const char*, 6> k_words = {"email", "ssn", "username", "code",
                                                     "national_id", "login"};
  return std::any_of(k_words.begin(), k_words.end(), [&](const char* w) { return named(c, w); });
}

bool is_list_column(const std::string& column, const std::string& type) {
  if (!is_string_type(type)) {
    return false;
  }
  const std::string c = lowercase(column);
  return ends_with(c, "_ids") || c == "ids" || c == "tags" || ends_with(c, "_tags") ||
         ends_with(c, "_list");
}

bool builds_id_list(const std::string& expression) {
  static const std::regex k_builds(R"(\b(string_agg|concat_ws)\s*\()", std::regex::icase);
  static const std::regex k_ids(R"(\b(\w+_)?id\b)", std::regex::icase);
  return std::regex_search(expression, k_builds) && std::regex_search(expression, k_ids);
}

bool is_creation_timestamp(const std::string& column, const std::string& type) {
  const std::string c = lowercase(column);
  return is_time_type(type) && (starts_with(c, "created") || starts_with(c, "inserted") ||
                                c == "creation_time" || c == "create_time");
}

bool is_update_timestamp(const std::string& column, const std::string& type) {
  const std::string c = lowercase(column);
  return is_time_type(type) && (starts_with(c, "updated") || starts_with(c, "modified") ||
                                c == "update_time" || c == "last_modified");
}

} // namespace orchestrate
