#pragma once

// What the schema tests check YAML against: YAML typed as an editor reads it, and the subset of
// JSON Schema that orchestrate's schemas use.

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>
#include <string>

namespace schema_subset {
using json = nlohmann::json;

// YAML as an editor's YAML language server reads it: plain scalars that look like booleans,
// integers or numbers are typed, quoted ones are strings.
inline json to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    json o = json::object();
    for (const auto& kv : n) {
      o[kv.first.Scalar()] = to_json(kv.second);
    }
    return o;
  }
  if (n.IsSequence()) {
    json a = json::array();
    for (const auto& v : n) {
      a.push_back(to_json(v));
    }
    return a;
  }
  if (n.IsNull()) {
    return nullptr;
  }
  const std::string s = n.Scalar();
  if (n.Tag() == "?") {
    if (s == "true" || s == "false") {
      return s == "true";
    }
    if (std::regex_match(s, std::regex("-?[0-9]+"))) {
      try {
        return std::stoll(s);
      } catch (const std::out_of_range&) {
        return std::stod(s);
      }
    }
    if (std::regex_match(s, std::regex("-?[0-9]+\\.[0-9]*"))) {
      return std::stod(s);
    }
  }
  return s;
}

inline bool type_ok(const json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "boolean") return v.is_boolean();
  if (t == "integer") return v.is_number_integer();
  if (t == "number") return v.is_number();
  if (t == "null") return v.is_null();
  return false;
}

// The subset of JSON Schema that plan_json_schema() uses: type, required, properties,
// additionalProperties, enum, oneOf, items, minItems, pattern, minimum, maximum.
inline bool valid(const json& v, const json& s) {
  if (s.contains("type")) {
    bool any = false;
    for (const auto& t : s["type"].is_array() ? s["type"] : json::array({s["type"]})) {
      any = any || type_ok(v, t.get<std::string>());
    }
    if (!any) return false;
  }
  if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end()) {
    return false;
  }
  if (s.contains("pattern") && v.is_string() &&
      !std::regex_search(v.get<std::string>(), std::regex(s["pattern"].get<std::string>()))) {
    return false;
  }
  if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>()) {
    return false;
  }
  if (s.contains("maximum") && v.is_number() && v.get<double>() > s["maximum"].get<double>()) {
    return false;
  }
  if (s.contains("oneOf")) {
    int matches = 0;
    for (const auto& alt : s["oneOf"]) {
      matches += valid(v, alt) ? 1 : 0;
    }
    if (matches != 1) return false;
  }
  if (v.is_object()) {
    for (const auto& r : s.value("required", json::array())) {
      if (!v.contains(r.get<std::string>())) return false;
    }
    const json props = s.value("properties", json::object());
    for (const auto& [key, value] : v.items()) {
      if (props.contains(key)) {
        if (!valid(value, props[key])) return false;
      } else if (s.contains("additionalProperties")) {
        const auto& extra = s["additionalProperties"];
        if (extra.is_boolean() ? !extra.get<bool>() : !valid(value, extra)) return false;
      }
    }
  }
  if (v.is_array()) {
    if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>()) return false;
    if (s.contains("items")) {
      for (const auto& item : v) {
        if (!valid(item, s["items"])) return false;
      }
    }
  }
  return true;
}

} // namespace schema_subset
