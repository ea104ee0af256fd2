// Design rules: a plan that creates one of the three schema mistakes that are easy to make and
// hard to undo once a table holds millions of rows (a meaningful primary key, a list in a
// string, a table that does not record when its rows were created and updated). Each warning
// names the change kind that fixes the mistake on a table that already has it.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "lint/design_shapes.hpp"
#include "lint/lint.hpp"
#include "core/ranges.hpp"

namespace orchestrate {

namespace {

Mark mark_at(const YAML::Node& n) {
  return {n.Mark().line + 1, n.Mark().column + 1};
}

std::string scalar(const YAML::Node& fields, const char* key) {
  const YAML::Node n = fields[key];
  return n && n.IsScalar() ? n.as<std::string>() : std::string();
}

LintWarning natural_key(const std::string& table,
                        const std::string& column,
                        const std::string& type,
                        Mark mark) {
  return {"natural-key", mark,
          fmt::format("{}.{} ({}) is the primary key and means something: people change an email "
                      "or a code, and then every foreign key pointing at it must change too, on "
                      "every referencing table at once",
                      table, column, type),
          fmt::format("key the table by `id bigint GENERATED ALWAYS AS IDENTITY` and keep {} "
                      "unique; the referencing tables then point at id, and {} can change in "
                      "one row; on an existing table, a `surrogate_key` change",
                      column, column)};
}

LintWarning list_column(const std::string& table, const std::string& column, Mark mark) {
  return {"list-in-string", mark,
          fmt::format("{}.{} stores a list in a string: no foreign key can check its items, no "
                      "index can find a row by one, and every change rewrites the whole list",
                      table, column),
          fmt::format("a join table ({}_{}: one row per item, a foreign key to each side, a "
                      "composite primary key); on an existing column, an `explode_list` change",
                      table, column)};
}

void create_table(const LintChange& c, const YAML::Node& f, std::vector<LintWarning>& out) {
  const YAML::Node columns = f["columns"];
  if (!columns || !columns.IsSequence()) {
    return;
  }
  std::vector<std::string> key;
  const YAML::Node pk = f["primary_key"];
  if (pk && pk.IsScalar()) {
    key.push_back(pk.as<std::string>());
  } else if (pk && pk.IsSequence()) {
    for (const auto& k : pk) {
      key.push_back(k.as<std::string>());
    }
  }
  // A primary key among the table constraints counts the same.
  const YAML::Node constraints = f["constraints"];
  for (const auto& k : constraints && constraints.IsSequence() ? constraints : YAML::Node()) {
    if (k.IsMap() && scalar(k, "type") == "primary_key" && k["columns"].IsSequence()) {
      for (const auto& col : k["columns"]) {
        key.push_back(col.as<std::string>());
      }
    }
  }
  bool created = false;
  bool updated = false;
  for (const auto& col : columns) {
    if (!col.IsMap()) {
      continue;
    }
    const std::string name = scalar(col, "name");
    const std::string type = scalar(col, "type");
    const bool in_key = (col["primary_key"] && scalar(col, "primary_key") == "true") ||
                        contains(key, name);
    if (in_key && is_natural_key(name, type)) {
      out.push_back(natural_key(c.table, name, type, mark_at(col)));
    }
    if (is_list_column(name, type)) {
      out.push_back(list_column(c.table, name, mark_at(col)));
    }
    created = created || is_creation_timestamp(name, type);
    updated = updated || is_update_timestamp(name, type);
  }
  if (!created || !updated) {
    const std::string missing = !created && !updated ? "neither created_at nor updated_at"
                                : !created           ? "no created_at"
                                                     : "no updated_at";
    out.push_back(
        {"no-timestamps", c.mark,
         fmt::format("create_table {} has {}: without them nobody can tell when a row "
                     "appeared or last changed, and adding them later means a backfill and a "
                     "trigger on a large table",
                     c.table, missing),
         "add `{name: created_at, type: timestamptz, nullable: false, default: now()}` and "
         "`updated_at` likewise, with an `updated_at` trigger; on an existing table, an "
         "`add_timestamps` change"});
  }
}

} // namespace

std::vector<LintWarning> lint_design(const std::vector<LintChange>& changes,
                                     const std::string& text) {
  std::vector<LintWarning> out;
  const YAML::Node list = YAML::Load(text)["changes"];
  for (std::size_t i = 0; i < changes.size() && list && i < list.size(); ++i) {
    const LintChange& c = changes[i];
    const YAML::Node item = list[i];
    if (!item.IsMap() || item.size() != 1 || !item.begin()->second.IsMap()) {
      continue;
    }
    const YAML::Node f = item.begin()->second;
    if (c.kind == "create_table") {
      create_table(c, f, out);
    } else if (c.kind == "add_column" && is_list_column(scalar(f, "column"), scalar(f, "type"))) {
      out.push_back(list_column(c.table, scalar(f, "column"), mark_at(f["column"])));
    }
    for (const auto& [which, sql, mark] : c.expressions) {
      if ((which == "up" || which == "fill") && builds_id_list(sql)) {
        out.push_back({"list-in-string", mark,
                       fmt::format("the {} of {} builds a delimited list of ids in a string "
                                   "(`string_agg`/`concat_ws`): no foreign key can check its "
                                   "items, and every change rewrites the whole list",
                                   which, c.kind),
                       "a join table with one row per item, kept by the application (or an "
                       "`explode_list` change for an existing list column)"});
      }
    }
  }
  return out;
}

} // namespace orchestrate
