#include "fleet/targets.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "core/errors.hpp"
#include "plan/fields.hpp"
#include "plan/parse.hpp"

namespace orchestrate {

namespace {
// Environment variable names as POSIX shells take them.
bool is_env_name(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) {
    return false;
  }
  for (const char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

Target parse_target(const YAML::Node& node, const std::string& file) {
  Fields f(node, file, "target");
  f.expect({"name", "url", "url_env", "backfill"});
  Target t;
  t.name = f.required_string("name");
  if (!is_valid_plan_name(t.name.value)) {
    f.fail(t.name.mark, "target name '" + t.name.value +
                            "' must be letters, digits, '_' or '-' (at most 63 bytes, not "
                            "starting with '-')");
  }
  t.url = f.optional_string("url");
  t.url_env = f.optional_string("url_env");
  if (t.url && t.url_env) {
    f.fail(t.url_env->mark, "target " + t.name.value + ": give either 'url' or 'url_env', not both");
  }
  if (!t.url && !t.url_env) {
    f.fail(f.mark(), "target " + t.name.value +
                         ": 'url' or 'url_env' (an environment variable holding the URL) is "
                         "required");
  }
  if (t.url_env && !is_env_name(t.url_env->value)) {
    f.fail(t.url_env->mark, "target " + t.name.value + ": 'url_env' must name an environment "
                                                       "variable (letters, digits, '_'), got '" +
                                t.url_env->value + "'");
  }
  if (YAML::Node b = f.optional_node("backfill"); b.IsDefined()) {
    parse_backfill_settings(b, file, t.backfill);
  }
  f.finish();
  return t;
}

Wave parse_wave(const YAML::Node& node, const std::string& file) {
  Fields f(node, file, "wave");
  f.expect({"name", "parallel", "targets"});
  Wave w;
  w.name = f.required_string("name");
  if (auto p = f.optional_integer("parallel", 1, 1000)) {
    w.parallel = static_cast<int>(p->value);
  }
  YAML::Node list = f.required_node("targets");
  if (!list.IsSequence() || list.size() == 0) {
    f.fail(list, "wave " + w.name.value + ": 'targets' must be a non-empty list");
  }
  for (const auto& t : list) {
    w.targets.push_back(parse_target(t, file));
  }
  f.finish();
  return w;
}
} // namespace

Targets parse_targets_text(const std::string& text, const std::string& file) {
  Targets out;
  out.file = file;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw PlanError(file, e.mark.line + 1, e.mark.column + 1, "YAML error: " + e.msg);
  }
  if (!root.IsMap()) {
    throw PlanError(file, 1, 1, "a targets file is a mapping with a 'waves' list");
  }
  try {
    Fields top(root, file, "targets file");
    top.expect({"waves"});
    YAML::Node waves = top.required_node("waves");
    if (!waves.IsSequence() || waves.size() == 0) {
      top.fail(waves, "'waves' must be a non-empty list (the first wave is the canary)");
    }
    std::map<std::string, Mark> seen_targets;
    std::map<std::string, Mark> seen_waves;
    for (const auto& node : waves) {
      Wave w = parse_wave(node, file);
      if (auto [it, fresh] = seen_waves.emplace(w.name.value, w.name.mark); !fresh) {
        throw PlanError(file, w.name.mark.line, w.name.mark.column,
                        fmt::format("wave {} is named twice (first at line {})", w.name.value,
                                    it->second.line));
      }
      for (const auto& t : w.targets) {
        if (auto [it, fresh] = seen_targets.emplace(t.name.value, t.name.mark); !fresh) {
          throw PlanError(file, t.name.mark.line, t.name.mark.column,
                          fmt::format("target {} is named twice (first at line {})",
                                      t.name.value, it->second.line));
        }
      }
      out.waves.push_back(std::move(w));
    }
    top.finish();
  } catch (const YAML::Exception& e) {
    throw PlanError(file, e.mark.line + 1, e.mark.column + 1, "YAML error: " + e.msg);
  }
  return out;
}

Targets parse_targets_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("cannot read targets file " + path);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_targets_text(buffer.str(), path);
}

std::string target_url(const Targets& targets, const Target& target) {
  if (target.url) {
    return target.url->value;
  }
  const char* value = std::getenv(target.url_env->value.c_str());
  if (value == nullptr || *value == '\0') {
    throw PlanError(targets.file, target.url_env->mark.line, target.url_env->mark.column,
                    fmt::format("target {}: the environment variable {} (url_env) is not set",
                                target.name.value, target.url_env->value));
  }
  return value;
}

} // namespace orchestrate
