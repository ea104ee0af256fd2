// Design rules: a plan that creates one of the three schema mistakes that are easy to make and
// hard to undo once a table holds millions of rows (a meaningful primary key, a list in a
// string, a table that does not record when its rows were created and updated). Each warning
// names the change kind that fixes the mistake on a table that already has it.
#include <fmt/format.h>

#include <algorithm>

#include "lint/design_shapes.hpp"
#include "lint/lint.hpp"

namespace orchestrate {

namespace {

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

void create_table(const LintChange& c, std::vector<LintWarning>& out) {
  bool created = false;
  bool updated = false;
  for (const auto& col : c.facts.columns) {
    const std::string& name = col.name.value;
    if (col.in_primary_key && is_natural_key(name, col.type)) {
      out.push_back(natural_key(c.facts.table, name, col.type, col.mark));
    }
    if (is_list_column(name, col.type)) {
      out.push_back(list_column(c.facts.table, name, col.mark));
    }
    created = created || is_creation_timestamp(name, col.type);
    updated = updated || is_update_timestamp(name, col.type);
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
                     c.facts.table, missing),
         "add `{name: created_at, type: timestamptz, nullable: false, default: now()}` and "
         "`updated_at` likewise, with an `updated_at` trigger; on an existing table, an "
         "`add_timestamps` change"});
  }
}

} // namespace

std::vector<LintWarning> lint_design(const std::vector<LintChange>& changes) {
  std::vector<LintWarning> out;
  for (const LintChange& c : changes) {
    if (c.facts.creates_table) {
      create_table(c, out);
    } else {
      for (const auto& col : c.facts.columns) {
        if (is_list_column(col.name.value, col.type)) {
          out.push_back(list_column(c.facts.table, col.name.value, col.mark));
        }
      }
    }
    for (const auto& e : c.facts.expressions) {
      const std::string& which = e.role;
      if ((which == "up" || which == "fill") && builds_id_list(e.sql.value)) {
        out.push_back({"list-in-string", e.sql.mark,
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
