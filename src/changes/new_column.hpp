#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "plan/fields.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// One column of create_table, as the plan gives it: its type, where its value comes from (a
// default, a generated expression or an identity), and its own constraints (NOT NULL, primary
// key, unique, check, references), each optionally named.
struct NewColumn {
  Mark mark{}; // the entry in `columns`
  Located<std::string> name{};
  Located<std::string> type{};
  bool nullable = true;
  std::optional<Located<std::string>> default_sql{};
  bool primary_key = false;
  std::optional<ColumnReference> references{};
  std::optional<Located<std::string>> comment{};
  bool unique = false;
  std::optional<Located<std::string>> unique_name{};
  std::optional<Located<std::string>> check{};
  std::optional<Located<std::string>> check_name{};
  bool check_no_inherit = false;
  std::optional<Located<std::string>> generated{}; // GENERATED ALWAYS AS (...) STORED
  std::string identity{};                          // "ALWAYS", "BY DEFAULT" or ""
  std::optional<Located<std::string>> identity_options{};
};

// Reads one entry of create_table's `columns`; every error is a PlanError at its field.
NewColumn parse_new_column(const YAML::Node& item, const std::string& file);

// `comment` of `f`; an empty one is none, as PostgreSQL stores it.
std::optional<Located<std::string>> optional_comment(Fields& f);

} // namespace orchestrate
