#include "core/sql_text.hpp"

#include <cctype>

#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

bool word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// Walks `sql` and calls `on_ident(name, begin, end)` for each identifier that is not a
// function name; returns the text with replacements applied.
template <class F> std::string rewrite(std::string_view sql, F on_ident) {
  std::string out;
  std::size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'') {
      std::size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == '\'' && j + 1 < sql.size() && sql[j + 1] == '\'') {
          j += 2;
        } else if (sql[j] == '\'') {
          break;
        } else {
          ++j;
        }
      }
      out.append(sql.substr(i, j + 1 - i));
      i = j + 1;
    } else if (c == '"') {
      std::size_t j = i + 1;
      std::string name;
      while (j < sql.size()) {
        if (sql[j] == '"' && j + 1 < sql.size() && sql[j + 1] == '"') {
          name += '"';
          j += 2;
        } else if (sql[j] == '"') {
          break;
        } else {
          name += sql[j++];
        }
      }
      std::string original(sql.substr(i, j + 1 - i));
      out += on_ident(name, original, j + 1);
      i = j + 1;
    } else if (word_start(c) && (i == 0 || !word_char(sql[i - 1]))) {
      std::size_t j = i;
      while (j < sql.size() && word_char(sql[j])) {
        ++j;
      }
      std::string original(sql.substr(i, j - i));
      out += on_ident(lowercase(original), original, j);
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

bool is_call(std::string_view sql, std::size_t after) {
  while (after < sql.size() && sql[after] == ' ') {
    ++after;
  }
  return after < sql.size() && sql[after] == '(';
}

} // namespace

std::string replace_identifier(std::string_view sql, std::string_view from, std::string_view to) {
  return rewrite(sql, [&](const std::string& name, const std::string& original, std::size_t end) {
    if (name == from && !is_call(sql, end)) {
      return quote_ident(to);
    }
    return original;
  });
}

std::string substitute_identifier(std::string_view sql,
                                  std::string_view from,
                                  std::string_view expression) {
  return rewrite(sql, [&](const std::string& name, const std::string& original, std::size_t end) {
    if (name == from && !is_call(sql, end)) {
      return std::string(expression);
    }
    return original;
  });
}

bool mentions_identifier(std::string_view sql, std::string_view name) {
  bool found = false;
  rewrite(sql, [&](const std::string& ident, const std::string& original, std::size_t end) {
    if (ident == name && !is_call(sql, end)) {
      found = true;
    }
    return original;
  });
  return found;
}

} // namespace orchestrate
