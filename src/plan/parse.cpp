#include "plan/parse.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "changes/change.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/time_window.hpp"
#include "core/units.hpp"
#include "plan/checksum.hpp"
#include "plan/fields.hpp"

namespace orchestrate {

void parse_backfill_settings(const YAML::Node& node, const std::string& file, BackfillSettings& out) {
  Fields f(node, file, "backfill");
  f.expect({"batch_size", "max_rows_per_second", "window", "workers", "target_batch_ms",
            "max_replica_lag", "max_replica_lag_bytes", "replicas", "max_wal_rate",
            "max_xact_age"});
  if (auto v = f.optional_integer("batch_size", 1, 10'000'000)) {
    out.batch_size = v->value;
  }
  if (auto v = f.optional_number("max_rows_per_second", 1, 1e12)) {
    out.max_rows_per_second = v->value;
  }
  if (auto v = f.optional_string("window")) {
    if (!parse_time_window(v->value)) {
      f.fail(v->mark, std::string("backfill: 'window' must look like ") + k_time_window_example +
                          ", got '" + v->value + "'");
    }
    out.window = v->value;
  }
  if (auto v = f.optional_integer("workers", 1, 64)) {
    out.workers = static_cast<int>(v->value);
  }
  if (auto v = f.optional_integer("target_batch_ms", 1, 600'000)) {
    out.target_batch_ms = static_cast<int>(v->value);
  }
  const auto matching = [&](const char* key, const char* pattern, const char* example) {
    auto v = f.optional_string(key);
    if (v && !std::regex_match(v->value, std::regex(pattern))) {
      f.fail(v->mark, fmt::format("backfill: '{}' must be {}, got '{}'", key, example, v->value));
    }
    return v ? std::optional<std::string>(v->value) : std::nullopt;
  };
  out.max_replica_lag = matching("max_replica_lag", k_duration_pattern, "a duration like 10s");
  out.max_replica_lag_bytes = matching("max_replica_lag_bytes", k_size_pattern, "a size like 64MB");
  out.max_wal_rate = matching("max_wal_rate", k_rate_pattern, "a size a second like 16MB");
  out.max_xact_age = matching("max_xact_age", k_duration_pattern, "a duration like 10min");
  if (auto list = f.optional_node("replicas"); list.IsDefined()) {
    if (!list.IsSequence()) {
      f.fail(list, "backfill: 'replicas' must be a list of standbys' application_names");
    }
    for (const auto& item : list) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        f.fail(item, "backfill: each of 'replicas' must be an application_name");
      }
      out.replicas.push_back(item.Scalar());
    }
  }
  f.finish();
}

namespace {

void parse_gates(const YAML::Node& node, const std::string& file, Plan& plan) {
  if (!node.IsMap()) {
    throw PlanError(file, mark_of(node).line, mark_of(node).column,
                    "gates must be a mapping from phase to a list of checks");
  }
  for (const auto& kv : node) {
    const Mark m = mark_of(kv.first);
    auto phase = parse_phase(kv.first.Scalar());
    if (!phase) {
      throw PlanError(file, m.line, m.column,
                      "gates: unknown phase '" + kv.first.Scalar() +
                          "' (expected expand, dual_write, backfill, transition or contract)");
    }
    if (!kv.second.IsSequence()) {
      const Mark vm = mark_of(kv.second);
      throw PlanError(file, vm.line, vm.column, "gates: each phase takes a list of checks");
    }
    for (const auto& item : kv.second) {
      Fields f(item, file, "gate");
      f.expect({"name", "sql"});
      auto name = f.required_string("name");
      auto sql = f.required_string("sql");
      f.finish();
      if (!is_plain_identifier(name.value) && !is_valid_plan_name(name.value)) {
        f.fail(name.mark, "gate: 'name' must be letters, digits, '_' or '-'");
      }
      plan.gates[*phase].push_back({.name = name.value, .sql = sql.value, .mark = f.mark()});
    }
  }
}

std::unique_ptr<Change> parse_change(const YAML::Node& node, const std::string& file) {
  const Mark m = mark_of(node);
  if (!node.IsMap() || node.size() != 1) {
    throw PlanError(file, m.line, m.column,
                    "each change must be a mapping with exactly one key, the change kind");
  }
  auto kv = *node.begin();
  const std::string kind = kv.first.Scalar();
  ChangeParser parser = find_change_parser(kind);
  if (parser == nullptr) {
    std::string known;
    for (const auto& k : change_kinds()) {
      known += (known.empty() ? "" : ", ") + k;
    }
    const Mark km = mark_of(kv.first);
    throw PlanError(file, km.line, km.column,
                    "unknown change kind '" + kind + "' (known: " + known + ")");
  }
  Fields fields(kv.second, file, kind);
  auto change = parser(fields);
  change->set_mark(mark_of(kv.first));
  return change;
}

// Two changes that both modify the same column (or table) cannot be planned together.
void check_conflicts(const Plan& plan) {
  std::vector<std::pair<Touch, std::size_t>> seen;
  for (std::size_t i = 0; i < plan.changes.size(); ++i) {
    for (const auto& touch : plan.changes[i]->touches()) {
      if (!touch.modifies) {
        continue;
      }
      for (const auto& [other, index] : seen) {
        if (index == i || other.table != touch.table) {
          continue;
        }
        if (other.column == touch.column || other.column.empty() || touch.column.empty()) {
          std::string what =
              touch.column.empty() ? "table " + touch.table : touch.table + "." + touch.column;
          throw PlanError(plan.file, touch.mark.line, touch.mark.column,
                          "conflicting changes: " + what + " is also changed by change " +
                              std::to_string(index + 1) + " (" +
                              std::string(plan.changes[index]->kind()) + ")");
        }
      }
    }
    for (const auto& touch : plan.changes[i]->touches()) {
      if (touch.modifies) {
        seen.emplace_back(touch, i);
      }
    }
  }
}

} // namespace

Plan parse_plan_text(const std::string& text, const std::string& file) {
  Plan plan;
  plan.file = file;
  plan.body = text;
  plan.text_checksum = fnv1a_hex(text);
  if (text.find('\0') != std::string::npos) {
    throw PlanError(file, 0, 0, "not a text file (contains a NUL byte)");
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw PlanError(file, e.mark.line + 1, e.mark.column + 1, "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw PlanError(file, e.mark.line + 1, e.mark.column + 1, "YAML error: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) {
    throw PlanError(file, 1, 1, "the plan is empty");
  }
  plan.checksum = plan_checksum(root);
  try {
    Fields top(root, file, "plan");
    top.expect({"name", "description", "schema", "version_schema", "changes", "backfill",
                "gates", "hooks"});
    if (auto name = top.optional_string("name")) {
      plan.name = *name;
    } else {
      plan.name = {std::filesystem::path(file).stem().string(), Mark{}};
    }
    if (!is_valid_plan_name(plan.name.value)) {
      top.fail(plan.name.mark, "plan name '" + plan.name.value +
                                   "' must be letters, digits, '_' or '-' (at most 63 bytes, not "
                                   "starting with '-')");
    }
    if (auto d = top.optional_string("description")) {
      plan.description = d->value;
    }
    if (auto h = top.optional_string("hooks")) {
      plan.hooks = h->value;
    }
    if (auto s = top.optional_identifier("schema")) {
      plan.schema = s->value;
    }
    if (auto v = top.optional_string("version_schema")) {
      if (!is_valid_plan_name(v->value) || v->value.rfind("pg_", 0) == 0) {
        top.fail(v->mark, "version_schema '" + v->value +
                              "' must be letters, digits, '_' or '-' (at most 63 bytes, not "
                              "starting with '-' or 'pg_')");
      }
      plan.version_schema = *v;
    }
    YAML::Node changes = top.required_node("changes");
    if (!changes.IsSequence() || changes.size() == 0) {
      top.fail(changes, "plan: 'changes' must be a non-empty list");
    }
    for (const auto& c : changes) {
      plan.changes.push_back(parse_change(c, file));
    }
    if (YAML::Node b = top.optional_node("backfill"); b.IsDefined()) {
      parse_backfill_settings(b, file, plan.backfill);
    }
    if (YAML::Node g = top.optional_node("gates"); g.IsDefined()) {
      parse_gates(g, file, plan);
    }
    top.finish();
  } catch (const YAML::Exception& e) {
    throw PlanError(file, e.mark.line + 1, e.mark.column + 1, "YAML error: " + e.msg);
  }
  check_conflicts(plan);
  return plan;
}

Plan parse_plan_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("cannot read plan file " + path);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_plan_text(buffer.str(), path);
}

} // namespace orchestrate
