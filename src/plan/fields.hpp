#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "plan/model.hpp"

namespace orchestrate {

Mark mark_of(const YAML::Node& node);

// Reads the keys of one YAML mapping with positions, and refuses keys nobody asked for.
// Every error is a PlanError at the offending node. Call finish() after the last read.
class Fields {
public:
  Fields(const YAML::Node& map, std::string file, std::string what);

  Located<std::string> required_string(const std::string& key);
  std::optional<Located<std::string>> optional_string(const std::string& key);
  // A plain identifier (table or column name).
  Located<std::string> required_identifier(const std::string& key);
  std::optional<Located<std::string>> optional_identifier(const std::string& key);
  // A key that must be given but may be null (`~`, `null`, or nothing after the colon): nullopt.
  Located<std::optional<std::string>> required_nullable_string(const std::string& key);
  std::optional<Located<bool>> optional_bool(const std::string& key);
  std::optional<Located<long long>>
  optional_integer(const std::string& key, long long min, long long max);
  std::optional<Located<double>> optional_number(const std::string& key, double min, double max);
  // True when the mapping names `key`, even as null (`default: null` drops a default).
  bool has(const std::string& key) const { return m_map[key].IsDefined(); }
  // A sequence or mapping child, or an undefined node when absent.
  YAML::Node optional_node(const std::string& key);
  YAML::Node required_node(const std::string& key);
  std::vector<Located<std::string>> required_identifier_list(const std::string& key);

  // Refuses any key outside `keys` at once, so a misspelt key is reported as such rather than
  // as the required key it was meant to be.
  void expect(std::initializer_list<const char*> keys) const;
  void finish() const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;
  [[noreturn]] void fail(const Mark& mark, const std::string& message) const;
  const std::string& file() const { return m_file; }
  Mark mark() const { return mark_of(m_map); }

private:
  YAML::Node scalar(const std::string& key, bool required);
  YAML::Node m_map;
  std::string m_file;
  std::string m_what;
  std::set<std::string> m_used;
};

} // namespace orchestrate
