#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "changes/constraint_options.hpp"
#include "plan/fields.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// One entry of create_table's `constraints:`, a table constraint as CREATE TABLE takes it:
// {name, type: unique|check|primary_key|foreign_key|exclude, ...} with the keys its type
// allows (a key another type takes is refused at its position).
struct TableConstraint {
  Located<std::string> name{};
  std::string type{};
  std::vector<Located<std::string>> columns{};      // unique, primary_key, foreign_key
  std::optional<Located<std::string>> check{};      // check
  bool no_inherit = false;                          // check
  bool nulls_not_distinct = false;                  // unique
  Deferral deferral{};                              // all but check
  std::vector<Located<std::string>> include{};      // unique, primary_key, exclude
  std::optional<Located<std::string>> storage_parameters{}; // unique, primary_key, exclude
  std::optional<Located<std::string>> ref_table{};  // foreign_key
  std::vector<Located<std::string>> ref_columns{};
  ForeignKeyActions actions{};
  std::string method = "gist";                      // exclude
  std::optional<Located<std::string>> elements{};   // "room WITH =, during WITH &&"
  std::optional<Located<std::string>> where{};

  // Builds an index of its name (a relation of the schema): unique, primary_key, exclude.
  bool has_index() const { return type == "unique" || type == "primary_key" || type == "exclude"; }
  // pg_constraint.contype.
  char contype() const;
};

TableConstraint parse_table_constraint(const YAML::Node& node, const std::string& file);

// "CONSTRAINT <name> ...", as CREATE TABLE and ALTER TABLE ... ADD take it; a referenced table
// is qualified with `schema`.
std::string table_constraint_sql(const TableConstraint& c, const std::string& schema);

} // namespace orchestrate
