// The plans `lint --schema --write-plans DIR` writes: one per finding, fixing it with the change
// kind made for it, with comments that show the reviewer the evidence and the choices made.
#include <fmt/format.h>

#include <algorithm>

#include "changes/change.hpp"
#include "lint/audit.hpp"
#include "lint/design_shapes.hpp"

namespace orchestrate {

namespace {

std::string dashed(std::string s) {
  for (auto& c : s) {
    if (c == '_') {
      c = '-';
    }
  }
  return s;
}

std::string comments(const AuditFinding& f) {
  std::string out = fmt::format("# From `orchestrate lint --schema` [{}]: {}\n", f.rule, f.message);
  for (const auto& e : f.evidence) {
    out += "#   " + e + "\n";
  }
  return out;
}

// The column that best stands for when a row was created: a timestamp column of the table
// (placed_at, signed_up_at), else none.
std::string time_column(const AuditFinding& f) {
  for (const auto& c : f.columns) {
    if (c.type.rfind("timestamp", 0) == 0) {
      return c.name;
    }
  }
  return "";
}

std::string add_timestamps_plan(const AuditFinding& f) {
  const std::string from = time_column(f);
  std::string out = comments(f);
  if (from.empty()) {
    out += "# Existing rows get the time of the backfill batch that reaches them: the table\n"
           "# records nothing better. Put a constant or a column there if you know more.\n";
  } else {
    out += fmt::format("# Existing rows get created_at from {0}, and updated_at from {0} too:\n"
                       "# the closest record of when they were written. Review that choice.\n",
                       from);
  }
  out += "# updated_by: database keeps the trigger that advances updated_at after contract; say\n"
         "# application if the new application sets updated_at on every UPDATE itself.\n";
  out += fmt::format("name: {}\n", fix_plan_file(f).substr(0, fix_plan_file(f).size() - 5));
  out += fmt::format("description: {} records when each row was created and last updated\n",
                     f.table);
  out += "changes:\n  - add_timestamps:\n";
  out += fmt::format("      table: {}\n", f.table);
  out += fmt::format("      fill: {}\n", from.empty() ? "now()" : from);
  out += "      updated_by: database\n";
  return out;
}

std::string explode_list_plan(const AuditFinding& f) {
  std::string out = comments(f);
  out += fmt::format("# Each item of {0}.{1} becomes a row of {0}_{2}, pointing at {2}({3}).\n"
                     "# malformed: refuse makes validate refuse the plan while any row holds an "
                     "item\n# that is not an integer or names no {2} row; say skip to leave "
                     "those out.\n",
                     f.table, f.column, f.list_parent, f.list_parent_key);
  out += fmt::format("name: {}\n", fix_plan_file(f).substr(0, fix_plan_file(f).size() - 5));
  out += fmt::format("description: {}.{} becomes the join table {}_{}\n", f.table, f.column,
                     f.table, f.list_parent);
  out += "changes:\n  - explode_list:\n";
  out += fmt::format("      table: {}\n      column: {}\n      into: {}_{}\n"
                     "      references: {}({})\n      delimiter: \"{}\"\n"
                     "      malformed: refuse\n",
                     f.table, f.column, f.table, f.list_parent, f.list_parent, f.list_parent_key,
                     f.list_delimiter);
  return out;
}


// The surrogate's name: id, unless the table has a column of that name.
std::string surrogate_column(const AuditFinding& f) {
  const bool taken = std::any_of(f.columns.begin(), f.columns.end(),
                                 [](const AuditColumn& c) { return c.name == "id"; });
  if (!taken) {
    return "id";
  }
  std::string stem = f.table;
  if (stem.size() > 1 && stem.back() == 's') {
    stem.pop_back();
  }
  return stem + "_id";
}

// A referencing column's new name: user_email becomes user_id, else <table>_<surrogate>.
std::string surrogate_reference(const AuditFinding& f, const std::string& column,
                                const std::string& surrogate) {
  const std::string suffix = "_" + f.column;
  if (column.size() > suffix.size() &&
      column.compare(column.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return column.substr(0, column.size() - suffix.size()) + "_" + surrogate;
  }
  std::string stem = f.table;
  if (stem.size() > 1 && stem.back() == 's') {
    stem.pop_back();
  }
  return stem + "_" + surrogate;
}

std::string surrogate_key_plan(const AuditFinding& f) {
  const std::string id = surrogate_column(f);
  std::string out = comments(f);
  out += fmt::format("# {0} gets an identity key {1}, filled by the backfill. Each foreign key "
                     "below gets a\n# new column holding {1}, kept in step with the old one both "
                     "ways until contract;\n# the new application joins on {1} from transition "
                     "on. At contract the primary key\n# moves to {1}, {2} keeps a unique "
                     "constraint, and the old columns go.\n",
                     f.table, id, f.column);
  out += fmt::format("name: {}\n", fix_plan_file(f).substr(0, fix_plan_file(f).size() - 5));
  out += fmt::format("description: {} is keyed by an identity {} instead of {}\n", f.table, id,
                     f.column);
  out += "changes:\n  - surrogate_key:\n";
  out += fmt::format("      table: {}\n      column: {}\n      type: bigint\n", f.table, id);
  if (!f.referenced_by.empty()) {
    out += "      referencing:\n";
    for (const auto& r : f.referenced_by) {
      out += fmt::format("        - {{table: {}, column: {}, new_column: {}}}\n", r.table,
                         r.columns.front(), surrogate_reference(f, r.columns.front(), id));
    }
  }
  return out;
}

} // namespace

std::string fix_plan_file(const AuditFinding& f) {
  std::string name = dashed(f.fix_kind) + "-" + dashed(f.table);
  if (f.rule == "list-in-string") {
    name += "-" + dashed(f.column);
  }
  return name.substr(0, 63) + ".yaml";
}

std::optional<std::string> fix_plan(const AuditFinding& f, std::string& why_not) {
  if (find_change_parser(f.fix_kind) == nullptr) {
    why_not = fmt::format("no plan written: the {} change kind is not available in this version",
                          f.fix_kind);
    return std::nullopt;
  }
  if (f.rule == "no-timestamps") {
    const bool has_one = std::any_of(f.columns.begin(), f.columns.end(), [](const auto& c) {
      return is_creation_timestamp(c.name, c.type) || is_update_timestamp(c.name, c.type);
    });
    if (has_one) {
      why_not = "no plan written: the table records one of the two times already; add the "
                "other with an add_column change";
      return std::nullopt;
    }
    if (f.key.empty()) {
      why_not = "no plan written: the table has no primary key for the backfill to page by";
      return std::nullopt;
    }
    return add_timestamps_plan(f);
  }
  if (f.rule == "list-in-string") {
    if (f.list_parent.empty() || f.list_parent_key.empty() || f.key.size() != 1) {
      why_not = "no plan written: the table its items point at is not known (or one of the two "
                "tables has no single-column primary key); write the explode_list change by hand";
      return std::nullopt;
    }
    return explode_list_plan(f);
  }
  if (f.rule == "natural-key") {
    const bool simple = f.key.size() == 1 &&
                        std::all_of(f.referenced_by.begin(), f.referenced_by.end(),
                                    [](const AuditReference& r) {
                                      return r.columns.size() == 1 &&
                                             r.table.find('.') == std::string::npos;
                                    });
    if (!simple) {
      why_not = "no plan written: the key or a foreign key pointing at it has several columns "
                "(or lives in another schema); write the surrogate_key change by hand";
      return std::nullopt;
    }
    return surrogate_key_plan(f);
  }
  why_not = fmt::format("no plan written for {}", f.rule);
  return std::nullopt;
}

} // namespace orchestrate
