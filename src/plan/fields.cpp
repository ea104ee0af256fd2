#include "plan/fields.hpp"

#include <cmath>

#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

Mark mark_of(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) {
    return {};
  }
  return {m.line + 1, m.column + 1};
}

Fields::Fields(const YAML::Node& map, std::string file, std::string what)
    : m_map(map), m_file(std::move(file)), m_what(std::move(what)) {
  if (!m_map.IsMap()) {
    fail(m_map, m_what + " must be a mapping");
  }
}

void Fields::fail(const YAML::Node& node, const std::string& message) const {
  fail(mark_of(node), message);
}

void Fields::fail(const Mark& mark, const std::string& message) const {
  throw PlanError(m_file, mark.line, mark.column, message);
}

YAML::Node Fields::scalar(const std::string& key, bool required) {
  m_used.insert(key);
  YAML::Node node = m_map[key];
  if (!node.IsDefined() || node.IsNull()) {
    if (required) {
      fail(m_map, m_what + ": missing required field '" + key + "'");
    }
    return YAML::Node(YAML::NodeType::Undefined);
  }
  if (!node.IsScalar()) {
    fail(node, m_what + ": field '" + key + "' must be a single value");
  }
  return node;
}

Located<std::string> Fields::required_string(const std::string& key) {
  YAML::Node node = scalar(key, true);
  return {node.Scalar(), mark_of(node)};
}

std::optional<Located<std::string>> Fields::optional_string(const std::string& key) {
  YAML::Node node = scalar(key, false);
  if (!node.IsDefined()) {
    return std::nullopt;
  }
  return Located<std::string>{node.Scalar(), mark_of(node)};
}

Located<std::optional<std::string>> Fields::required_nullable_string(const std::string& key) {
  m_used.insert(key);
  YAML::Node node = m_map[key];
  if (!node.IsDefined()) {
    fail(m_map, m_what + ": missing required field '" + key + "'");
  }
  if (node.IsNull()) {
    return {std::nullopt, mark_of(node)};
  }
  if (!node.IsScalar()) {
    fail(node, m_what + ": field '" + key + "' must be a single value");
  }
  return {node.Scalar(), mark_of(node)};
}

Located<std::string> Fields::required_identifier(const std::string& key) {
  auto value = required_string(key);
  if (!is_plain_identifier(value.value)) {
    fail(value.mark,
         m_what + ": '" + key + "' must be a plain name (a letter or underscore, then letters, "
                                "digits or underscores, at most 63 bytes), got '" +
             value.value + "'");
  }
  return value;
}

std::optional<Located<std::string>> Fields::optional_identifier(const std::string& key) {
  if (!m_map[key].IsDefined() || m_map[key].IsNull()) {
    m_used.insert(key);
    return std::nullopt;
  }
  return required_identifier(key);
}

std::optional<Located<bool>> Fields::optional_bool(const std::string& key) {
  YAML::Node node = scalar(key, false);
  if (!node.IsDefined()) {
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  if (s == "true" || s == "yes" || s == "on") {
    return Located<bool>{true, mark_of(node)};
  }
  if (s == "false" || s == "no" || s == "off") {
    return Located<bool>{false, mark_of(node)};
  }
  fail(node, m_what + ": '" + key + "' must be true or false, got '" + s + "'");
}

std::optional<Located<long long>>
Fields::optional_integer(const std::string& key, long long min, long long max) {
  YAML::Node node = scalar(key, false);
  if (!node.IsDefined()) {
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size()) {
    fail(node, m_what + ": '" + key + "' must be a whole number, got '" + s + "'");
  }
  if (value < min || value > max) {
    fail(node, m_what + ": '" + key + "' must be between " + std::to_string(min) + " and " +
                   std::to_string(max) + ", got " + s);
  }
  return Located<long long>{value, mark_of(node)};
}

std::optional<Located<double>>
Fields::optional_number(const std::string& key, double min, double max) {
  YAML::Node node = scalar(key, false);
  if (!node.IsDefined()) {
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size() || !std::isfinite(value)) {
    fail(node, m_what + ": '" + key + "' must be a number, got '" + s + "'");
  }
  if (value < min || value > max) {
    fail(node, m_what + ": '" + key + "' must be between " + std::to_string(min) + " and " +
                   std::to_string(max) + ", got " + s);
  }
  return Located<double>{value, mark_of(node)};
}

YAML::Node Fields::optional_node(const std::string& key) {
  m_used.insert(key);
  YAML::Node node = m_map[key];
  if (!node.IsDefined() || node.IsNull()) {
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return node;
}

YAML::Node Fields::required_node(const std::string& key) {
  YAML::Node node = optional_node(key);
  if (!node.IsDefined()) {
    fail(m_map, m_what + ": missing required field '" + key + "'");
  }
  return node;
}

std::vector<Located<std::string>> Fields::required_identifier_list(const std::string& key) {
  YAML::Node node = required_node(key);
  if (!node.IsSequence() || node.size() == 0) {
    fail(node, m_what + ": '" + key + "' must be a non-empty list of names");
  }
  std::vector<Located<std::string>> out;
  for (const auto& item : node) {
    if (!item.IsScalar() || !is_plain_identifier(item.Scalar())) {
      fail(item, m_what + ": every entry of '" + key + "' must be a plain name");
    }
    out.push_back({item.Scalar(), mark_of(item)});
  }
  return out;
}

void Fields::expect(std::initializer_list<const char*> keys) const {
  std::string known;
  std::set<std::string> allowed;
  for (const char* k : keys) {
    allowed.insert(k);
  }
  for (const auto& k : allowed) {
    known += (known.empty() ? "" : ", ") + k;
  }
  std::set<std::string> seen;
  for (const auto& kv : m_map) {
    // YAML forbids duplicate keys but the parser keeps one silently; a plan must not say two
    // things at once.
    if (!seen.insert(kv.first.Scalar()).second) {
      fail(kv.first, m_what + ": duplicate key '" + kv.first.Scalar() + "'");
    }
    if (!allowed.count(kv.first.Scalar())) {
      fail(kv.first, m_what + ": unknown key '" + kv.first.Scalar() + "' (expected one of: " +
                         known + ")");
    }
  }
}

void Fields::finish() const {
  std::set<std::string> seen;
  for (const auto& kv : m_map) {
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second) {
      fail(kv.first, m_what + ": duplicate key '" + key + "'");
    }
    if (!m_used.count(key)) {
      std::string known;
      for (const auto& k : m_used) {
        known += (known.empty() ? "" : ", ") + k;
      }
      fail(kv.first, m_what + ": unknown key '" + key + "' (expected one of: " + known + ")");
    }
  }
}

} // namespace orchestrate
