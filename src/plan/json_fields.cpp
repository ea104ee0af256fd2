#include "plan/json_fields.hpp"

namespace orchestrate::json_fields {

using json = nlohmann::json;

json str(const std::string& description) {
  return {{"type", "string"}, {"description", description}};
}

// SQL written by the plan's author; YAML reads `default: 0` as a number, which is fine too.
json expr(const std::string& description) {
  return {{"type", json::array({"string", "number", "boolean"})}, {"description", description}};
}

json ident(const std::string& description) {
  return {{"type", "string"},
          {"pattern", k_ident_pattern},
          {"description", description + k_ident_note}};
}

json ident_list(const std::string& description) {
  return {{"type", "array"}, {"minItems", 1}, {"items", ident("a column")},
          {"description", description}};
}

json boolean(const std::string& description) {
  return {{"type", "boolean"}, {"description", description}};
}

json object(json properties, const std::vector<std::string>& required) {
  json o = {{"type", "object"}, {"properties", std::move(properties)},
            {"additionalProperties", false}};
  if (!required.empty()) {
    o["required"] = required;
  }
  return o;
}

json described(json schema, const std::string& description) {
  schema["description"] = description;
  return schema;
}

json column_reference() {
  return {{"description", "the referenced column, as table(column) or {table, column}"},
          {"oneOf",
           json::array({{{"type", "string"}, {"pattern", "^[A-Za-z_][A-Za-z0-9_]*\\([A-Za-z_][A-Za-z0-9_]*\\)$"}},
                        object({{"table", ident("referenced table")},
                                {"column", ident("referenced column")}},
                               {"table", "column"})})}};
}

json referential_action(const std::string& description) {
  return {{"type", "string"},
          {"enum", {"cascade", "restrict", "no_action", "set_null", "set_default", "CASCADE",
                    "RESTRICT", "NO ACTION", "SET NULL", "SET DEFAULT"}},
          {"description", description}};
}

json match_type() {
  return {{"type", "string"},
          {"enum", {"simple", "full"}},
          {"description", "full: a key with some NULL columns must be all NULL (default simple)"}};
}

json storage_parameters() {
  return {{"type", "string"},
          {"pattern", "^\\s*[A-Za-z_][A-Za-z0-9_]*\\s*(=\\s*[A-Za-z0-9_.+-]+\\s*)?(,\\s*[A-Za-z_]"
                      "[A-Za-z0-9_]*\\s*(=\\s*[A-Za-z0-9_.+-]+\\s*)?)*$"},
          {"description", "WITH (...) of the index, e.g. fillfactor=70 (checked by PostgreSQL at "
                          "validate)"}};
}

json index_column() {
  return {{"description", "a column name, or a mapping with its operator class, collation and "
                          "order"},
          {"oneOf",
           json::array(
               {ident("a column"),
                object({{"column", ident("the column")},
                        {"opclass", ident("operator class, e.g. text_pattern_ops")},
                        {"opclass_params",
                         {{"type", "array"},
                          {"minItems", 1},
                          {"items", {{"type", "string"}, {"pattern", "^[A-Za-z_][A-Za-z0-9_]*\\s*=\\s*[A-Za-z0-9_.+-]+$"}}},
                          {"description", "the operator class's parameters, e.g. siglen=32"}}},
                        {"collate", str("collation, e.g. C")},
                        {"sort", {{"type", "string"}, {"enum", {"asc", "desc"}}}},
                        {"nulls", {{"type", "string"}, {"enum", {"first", "last"}}}}},
                       {"column"})})}};
}

// A column's own foreign key: table(column), or a mapping that may also name it and give its
// actions and deferral.
json column_foreign_key() {
  return {{"description", "the referenced column, as table(column) or a mapping"},
          {"oneOf",
           json::array(
               {{{"type", "string"},
                 {"pattern", "^[A-Za-z_][A-Za-z0-9_]*\\([A-Za-z_][A-Za-z0-9_]*\\)$"}},
                object({{"table", ident("referenced table")},
                        {"column", ident("referenced column")},
                        {"name", ident("the foreign key's name (default <table>_<column>_fkey)")},
                        {"on_delete", referential_action("what deleting the referenced row does")},
                        {"on_update", referential_action("what changing the referenced key does")},
                        {"match", match_type()},
                        {"deferrable", boolean("checked at commit when deferred (default false)")},
                        {"initially_deferred", boolean("checked at commit; implies deferrable")}},
                       {"table", "column"})})}};
}

json table_constraint() {
  return object(
      {{"name", ident("constraint name")},
       {"type", {{"type", "string"},
                 {"enum", {"unique", "check", "primary_key", "foreign_key", "exclude"}}}},
       {"columns", ident_list("its columns (unique, primary_key, foreign_key)")},
       {"check", expr("check: SQL boolean expression")},
       {"no_inherit", boolean("check: NO INHERIT")},
       {"nulls_not_distinct", boolean("unique: NULLS NOT DISTINCT")},
       {"deferrable", boolean("all but check: DEFERRABLE")},
       {"initially_deferred", boolean("all but check: INITIALLY DEFERRED (implies deferrable)")},
       {"include", ident_list("unique, primary_key, exclude: INCLUDE columns")},
       {"storage_parameters", storage_parameters()},
       {"references", object({{"table", ident("referenced table")},
                              {"columns", ident_list("referenced columns")},
                              {"on_delete", referential_action("ON DELETE")},
                              {"on_update", referential_action("ON UPDATE")},
                              {"match", match_type()}},
                             {"table", "columns"})},
       {"exclude", object({{"method", str("index method (default gist)")},
                           {"elements", str("e.g. room WITH =, during WITH &&")},
                           {"where", expr("predicate of a partial exclusion constraint")}},
                          {"elements"})}},
      {"name", "type"});
}

json remap_target() {
  return object({{"name", ident("the new column")},
                 {"type", str("its SQL type")},
                 {"up", expr("SQL expression over the old row giving its value")}},
                {"name", "type", "up"});
}

// A string matching all of `re` (a std::regex ECMAScript pattern, which JSON Schema shares).
json pattern(const char* re, const char* description) {
  return {{"type", "string"},
          {"pattern", std::string("^") + re + "$"},
          {"description", description}};
}

} // namespace orchestrate::json_fields
