#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

// The pieces a change kind describes its fields with, for the JSON Schema of plans
// (plan/json_schema.hpp): each returns the schema of one field.
namespace orchestrate::json_fields {

// The pattern of a plain name (ident()), and what ident() adds to a field's description.
inline constexpr const char* k_ident_pattern = "^[A-Za-z_][A-Za-z0-9_]{0,62}$";
inline constexpr const char* k_ident_note =
    " (a plain name: letter or _, then letters, digits, _)";

nlohmann::json str(const std::string& description);
nlohmann::json expr(const std::string& description);
nlohmann::json ident(const std::string& description);
nlohmann::json ident_list(const std::string& description);
nlohmann::json boolean(const std::string& description);
nlohmann::json object(nlohmann::json properties, const std::vector<std::string>& required);
// `schema` with its description.
nlohmann::json described(nlohmann::json schema, const std::string& description);
nlohmann::json column_reference();
nlohmann::json referential_action(const std::string& description);
nlohmann::json match_type();
nlohmann::json storage_parameters();
nlohmann::json index_column();
nlohmann::json column_foreign_key();
nlohmann::json table_constraint();
nlohmann::json remap_target();
// A string matching all of `re` (a std::regex ECMAScript pattern, which JSON Schema shares).
nlohmann::json pattern(const char* re, const char* description);

} // namespace orchestrate::json_fields
