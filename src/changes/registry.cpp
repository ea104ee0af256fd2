#include <utility>

#include "changes/change.hpp"
#include "changes/kinds.hpp"

namespace orchestrate {

namespace {
const std::vector<std::pair<std::string_view, ChangeParser>>& registry() {
  static const std::vector<std::pair<std::string_view, ChangeParser>> k_registry = {
      {"rename_column", &parse_rename_column},
      {"add_column", &parse_add_column},
      {"drop_column", &parse_drop_column},
      {"add_check", &parse_add_check},
      {"add_unique", &parse_add_unique},
      {"add_foreign_key", &parse_add_foreign_key},
      {"create_index", &parse_create_index},
      {"create_table", &parse_create_table},
      {"drop_table", &parse_drop_table},
      {"sql", &parse_sql},
      {"change_type", &parse_change_type},
      {"set_not_null", &parse_set_not_null},
      {"drop_not_null", &parse_drop_not_null},
      {"drop_constraint", &parse_drop_constraint},
      {"split_column", &parse_split_column},
      {"merge_columns", &parse_merge_columns},
      {"rename_table", &parse_rename_table},
      {"add_timestamps", &parse_add_timestamps},
      {"explode_list", &parse_explode_list},
      {"surrogate_key", &parse_surrogate_key},
      {"drop_index", &parse_drop_index},
      {"set_comment", &parse_set_comment},
      {"set_replica_identity", &parse_set_replica_identity},
      {"rename_constraint", &parse_rename_constraint},
      {"set_default", &parse_set_default},
      {"drop_default", &parse_drop_default},
      {"alter_column", &parse_alter_column},
      {"add_primary_key", &parse_add_primary_key},
      {"add_exclusion", &parse_add_exclusion},
  };
  return k_registry;
}
} // namespace

ChangeParser find_change_parser(std::string_view kind) {
  for (const auto& [name, parser] : registry()) {
    if (name == kind) {
      return parser;
    }
  }
  return nullptr;
}

std::vector<std::string> change_kinds() {
  std::vector<std::string> out;
  for (const auto& entry : registry()) {
    out.emplace_back(entry.first);
  }
  return out;
}

} // namespace orchestrate
