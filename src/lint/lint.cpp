// Reading a plan for lint, and running every rule family over it.
#include "lint/lint.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace orchestrate {

namespace {
Mark mark_at(const YAML::Node& n) {
  return {n.Mark().line + 1, n.Mark().column + 1};
}

std::string scalar(const YAML::Node& fields, const char* key) {
  const YAML::Node n = fields[key];
  return n && n.IsScalar() ? n.as<std::string>() : std::string();
}

std::vector<std::string> names(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsScalar()) {
    out.push_back(n.as<std::string>());
  } else if (n && n.IsSequence()) {
    for (const auto& item : n) {
      if (item.IsScalar()) {
        out.push_back(item.as<std::string>());
      }
    }
  }
  return out;
}

// The indentation of the literal block (`|`) at `mark`, whose lines map one to one onto the
// file; 0 when the scalar there is not a literal block.
int literal_block_indent(const std::string& text, const Mark& mark) {
  std::size_t pos = 0;
  for (int line = 1; line < mark.line && pos != std::string::npos; ++line) {
    pos = text.find('\n', pos);
    pos = pos == std::string::npos ? pos : pos + 1;
  }
  if (pos == std::string::npos) {
    return 0;
  }
  pos += static_cast<std::size_t>(mark.column - 1);
  if (pos >= text.size() || text[pos] != '|') {
    return 0;
  }
  // The first line after the indicator that is not blank sets the indentation.
  for (pos = text.find('\n', pos); pos != std::string::npos; pos = text.find('\n', pos + 1)) {
    const auto first = text.find_first_not_of(' ', pos + 1);
    if (first != std::string::npos && text[first] != '\n') {
      return static_cast<int>(first - pos - 1);
    }
  }
  return 0;
}

LintChange read_change(const YAML::Node& item, const std::string& text) {
  LintChange c;
  c.mark = mark_at(item);
  if (!item.IsMap() || item.size() != 1) {
    return c;
  }
  const auto entry = *item.begin();
  c.kind = entry.first.as<std::string>();
  const YAML::Node f = entry.second;
  if (!f.IsMap()) {
    return c;
  }
  c.table = scalar(f, "table");
  for (const auto& kv : f) {
    if (kv.second.IsScalar()) {
      c.scalars[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  }
  auto expression = [&](const std::string& which, const YAML::Node& n) {
    if (n && n.IsScalar()) {
      c.expressions.emplace_back(which, n.as<std::string>(), mark_at(n));
    }
  };
  expression("up", f["up"]);
  expression("fill", f["fill"]);
  expression("fill", f["updated_fill"]);
  if (f["down"] && f["down"].IsMap()) {
    for (const auto& kv : f["down"]) {
      expression("down", kv.second);
    }
  } else {
    expression("down", f["down"]);
  }
  if (f["into"] && f["into"].IsSequence()) {
    for (const auto& n : f["into"]) {
      expression("up", n["up"]);
    }
  } else if (f["into"] && f["into"].IsMap()) {
    expression("up", f["into"]["up"]);
  }
  const std::string& k = c.kind;
  if (k == "rename_column") {
    c.removed = names(f["from"]);
    // copy: false renames in place at contract: nothing to copy.
    const std::string copy =
        f["copy"].IsDefined() && f["copy"].IsScalar() ? f["copy"].Scalar() : "true";
    c.needs_backfill = copy != "false" && copy != "no" && copy != "off";
  } else if (k == "split_column") {
    c.removed = names(f["from"]);
    c.needs_backfill = true;
  } else if (k == "merge_columns") {
    c.removed = names(f["from"]);
    c.needs_backfill = true;
  } else if (k == "drop_column") {
    c.removed = names(f["column"]);
  } else if (k == "change_type") {
    c.removed = names(f["column"]); // contract swaps in a new column under the same name
    c.needs_backfill = true;
  } else if (k == "set_not_null") {
    c.needs_backfill = true;
  } else if ((k == "add_check" || k == "add_unique" || k == "add_foreign_key") && f["up"]) {
    c.removed = names(f["column"]); // contract swaps in a new column under the same name
    c.needs_backfill = true;
  } else if (k == "drop_constraint") {
    if (f["up"] || f["down"]) {
      c.removed = names(f["columns"]); // contract swaps in a new column under the same name
      c.needs_backfill = true;
    }
  } else if (k == "drop_not_null") {
    c.removed = names(f["column"]); // contract swaps in a new column under the same name
    c.needs_backfill = true;
  } else if (k == "alter_column" &&
             (f["type"] || f["nullable"] || f["up"] || f["down"])) {
    // A new type, NULL rule or data fix goes through a shadow column swapped in at contract.
    c.removed = names(f["column"]);
    c.needs_backfill = true;
  } else if (k == "add_column") {
    c.needs_backfill = f["fill"].IsDefined();
  } else if (k == "add_timestamps" || k == "surrogate_key") {
    c.needs_backfill = true;
  } else if (k == "drop_table") {
    c.removes_table = true;
  } else if (k == "rename_table") {
    c.table = scalar(f, "from");
    c.removes_table = true;
  } else if (k == "sql") {
    c.sql_up = scalar(f, "up");
    c.sql_mark = f["up"] ? mark_at(f["up"]) : c.mark;
    c.sql_block_indent = f["up"] ? literal_block_indent(text, c.sql_mark) : 0;
  }
  if (k == "sql" || k == "drop_column" || !c.needs_backfill) {
    c.expressions.clear(); // only the kinds that copy data have up, down and fill
  }
  return c;
}
} // namespace

std::vector<LintChange> lint_changes(const std::string& text) {
  std::vector<LintChange> out;
  const YAML::Node root = YAML::Load(text);
  const YAML::Node changes = root["changes"];
  if (!changes || !changes.IsSequence()) {
    return out;
  }
  for (const auto& item : changes) {
    out.push_back(read_change(item, text));
  }
  return out;
}

std::vector<LintWarning> lint_plan(const std::string& text,
                                   const std::string& schema,
                                   const LintLive& live) {
  const auto changes = lint_changes(text);
  std::vector<LintWarning> out;
  for (const auto& c : changes) {
    if (c.kind == "sql" && !c.sql_up.empty()) {
      auto w = lint_sql(c.sql_up, c.sql_mark, c.sql_block_indent);
      out.insert(out.end(), w.begin(), w.end());
    }
  }
  auto rollback = lint_sql_rollback(changes);
  out.insert(out.end(), rollback.begin(), rollback.end());
  auto transitions = lint_transitions(changes, schema, live);
  out.insert(out.end(), transitions.begin(), transitions.end());
  auto deps = lint_dependencies(changes, schema, live);
  out.insert(out.end(), deps.begin(), deps.end());
  auto limits = lint_view_limits(changes, schema, live);
  out.insert(out.end(), limits.begin(), limits.end());
  auto keys = lint_keys(changes, text, schema, live);
  out.insert(out.end(), keys.begin(), keys.end());
  auto metadata = lint_metadata(changes, schema, live);
  out.insert(out.end(), metadata.begin(), metadata.end());
  auto design = lint_design(changes, text);
  out.insert(out.end(), design.begin(), design.end());
  std::stable_sort(out.begin(), out.end(), [](const LintWarning& a, const LintWarning& b) {
    return a.mark.line < b.mark.line;
  });
  return out;
}

} // namespace orchestrate
