#include "changes/table_constraints.hpp"

#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>

#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

// The keys each type takes besides name and type.
const std::map<std::string, std::set<std::string>>& allowed_keys() {
  static const std::map<std::string, std::set<std::string>> k_allowed = {
      {"unique", {"columns", "nulls_not_distinct", "deferrable", "initially_deferred", "include",
                  "storage_parameters"}},
      {"primary_key", {"columns", "deferrable", "initially_deferred", "include",
                       "storage_parameters"}},
      {"check", {"check", "no_inherit"}},
      {"foreign_key", {"columns", "references", "deferrable", "initially_deferred"}},
      {"exclude", {"exclude", "deferrable", "initially_deferred", "include",
                   "storage_parameters"}},
  };
  return k_allowed;
}

} // namespace

char TableConstraint::contype() const {
  if (type == "unique") {
    return 'u';
  }
  if (type == "primary_key") {
    return 'p';
  }
  if (type == "foreign_key") {
    return 'f';
  }
  return type == "exclude" ? 'x' : 'c';
}

TableConstraint parse_table_constraint(const YAML::Node& node, const std::string& file) {
  Fields f(node, file, "create_table constraint");
  f.expect({"name", "type", "columns", "check", "no_inherit", "nulls_not_distinct", "deferrable",
            "initially_deferred", "include", "storage_parameters", "references", "exclude"});
  TableConstraint c;
  c.name = f.required_identifier("name");
  const auto type = f.required_string("type");
  const auto allowed = allowed_keys().find(type.value);
  if (allowed == allowed_keys().end()) {
    f.fail(type.mark, "create_table: a constraint's 'type' must be unique, check, primary_key, "
                      "foreign_key or exclude, got '" + type.value + "'");
  }
  c.type = type.value;
  for (const char* key : {"columns", "check", "no_inherit", "nulls_not_distinct", "deferrable",
                          "initially_deferred", "include", "storage_parameters", "references",
                          "exclude"}) {
    const YAML::Node given = node[key];
    if (given.IsDefined() && allowed->second.count(key) == 0) {
      f.fail(given, fmt::format("create_table: a {} constraint takes no '{}'", c.type, key));
    }
  }
  if (allowed->second.count("columns") != 0) {
    c.columns = f.required_identifier_list("columns");
  }
  if (c.type == "check") {
    c.check = f.required_string("check");
    if (blank(c.check->value)) {
      f.fail(c.check->mark, "create_table: 'check' must not be empty");
    }
    if (auto n = f.optional_bool("no_inherit")) {
      c.no_inherit = n->value;
    }
  } else {
    c.deferral = parse_deferral(f, "create_table");
  }
  if (auto n = f.optional_bool("nulls_not_distinct")) {
    c.nulls_not_distinct = n->value;
  }
  if (f.optional_node("include").IsDefined()) {
    c.include = f.required_identifier_list("include");
  }
  c.storage_parameters = parse_storage_parameters(f, "create_table");
  if (c.type == "foreign_key") {
    Fields ref(f.required_node("references"), file, "create_table constraint references");
    ref.expect({"table", "columns", "on_delete", "on_update", "match"});
    c.ref_table = ref.required_identifier("table");
    c.ref_columns = ref.required_identifier_list("columns");
    c.actions = parse_foreign_key_actions(ref, "create_table");
    ref.finish();
    if (c.ref_columns.size() != c.columns.size()) {
      f.fail(c.ref_table->mark, "create_table: 'references.columns' must name as many columns "
                                "as 'columns'");
    }
  }
  if (c.type == "exclude") {
    Fields ex(f.required_node("exclude"), file, "create_table constraint exclude");
    ex.expect({"method", "elements", "where"});
    if (auto m = ex.optional_string("method")) {
      static const std::regex k_method("btree|hash|gist|gin|spgist|brin");
      if (!std::regex_match(m->value, k_method)) {
        ex.fail(m->mark, "create_table: 'exclude.method' must be btree, hash, gist, gin, spgist "
                         "or brin, got '" + m->value + "'");
      }
      c.method = m->value;
    }
    c.elements = ex.required_string("elements");
    if (blank(c.elements->value)) {
      ex.fail(c.elements->mark, "create_table: 'exclude.elements' must not be empty");
    }
    c.where = ex.optional_string("where");
    ex.finish();
  }
  f.finish();
  return c;
}

std::string table_constraint_sql(const TableConstraint& c, const std::string& schema) {
  std::string out = "CONSTRAINT " + quote_ident(c.name.value);
  if (c.type == "check") {
    return out + " CHECK (" + c.check->value + ")" + (c.no_inherit ? " NO INHERIT" : "");
  }
  if (c.type == "foreign_key") {
    return out + fmt::format(" FOREIGN KEY ({}) REFERENCES {} ({}){}{}", column_list(c.columns),
                             quote_qualified(schema, c.ref_table->value),
                             column_list(c.ref_columns), foreign_key_actions_sql(c.actions),
                             deferral_sql(c.deferral));
  }
  if (c.type == "exclude") {
    out += fmt::format(" EXCLUDE USING {} ({})", c.method, c.elements->value);
  } else {
    out += c.type == "unique" ? " UNIQUE" : " PRIMARY KEY";
    out += c.nulls_not_distinct ? " NULLS NOT DISTINCT" : "";
    out += " (" + column_list(c.columns) + ")";
  }
  if (!c.include.empty()) {
    out += " INCLUDE (" + column_list(c.include) + ")";
  }
  out += storage_parameters_sql(c.storage_parameters);
  if (c.where) {
    out += " WHERE (" + c.where->value + ")";
  }
  return out + deferral_sql(c.deferral);
}

} // namespace orchestrate
