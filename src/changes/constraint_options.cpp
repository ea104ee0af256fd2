#include "changes/constraint_options.hpp"

#include <algorithm>
#include <regex>
#include <vector>

#include "core/ident.hpp"

namespace orchestrate {

std::string column_list(const std::vector<Located<std::string>>& columns) {
  std::string out;
  for (const auto& c : columns) {
    out += (out.empty() ? "" : ", ") + quote_ident(c.value);
  }
  return out;
}

Deferral parse_deferral(Fields& fields, const std::string& kind) {
  Deferral d;
  const auto deferrable = fields.optional_bool("deferrable");
  const auto initially = fields.optional_bool("initially_deferred");
  d.deferrable = deferrable && deferrable->value;
  d.initially_deferred = initially && initially->value;
  if (d.initially_deferred && deferrable && !deferrable->value) {
    fields.fail(initially->mark, kind + ": 'initially_deferred' needs a deferrable constraint; "
                                        "drop 'deferrable: false'");
  }
  d.deferrable = d.deferrable || d.initially_deferred;
  return d;
}

std::string deferral_sql(const Deferral& deferral) {
  if (!deferral.deferrable) {
    return "";
  }
  return deferral.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
}

namespace {

std::string parse_action(Fields& fields, const std::string& kind, const std::string& key) {
  const auto given = fields.optional_string(key);
  if (!given) {
    return "";
  }
  std::string v = given->value;
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::replace(v.begin(), v.end(), '_', ' ');
  static const std::vector<std::string> k_actions = {"CASCADE", "RESTRICT", "NO ACTION",
                                                     "SET NULL", "SET DEFAULT"};
  if (std::find(k_actions.begin(), k_actions.end(), v) == k_actions.end()) {
    fields.fail(given->mark, kind + ": '" + key + "' must be cascade, restrict, no_action, "
                                  "set_null or set_default, got '" + given->value + "'");
  }
  return v;
}

} // namespace

ForeignKeyActions parse_foreign_key_actions(Fields& fields, const std::string& kind) {
  ForeignKeyActions a;
  a.on_delete = parse_action(fields, kind, "on_delete");
  a.on_update = parse_action(fields, kind, "on_update");
  if (const auto match = fields.optional_string("match")) {
    if (match->value != "simple" && match->value != "full") {
      fields.fail(match->mark, kind + ": 'match' must be simple or full, got '" + match->value +
                                   "'");
    }
    a.match = match->value == "full" ? "FULL" : "SIMPLE";
  }
  return a;
}

std::string foreign_key_actions_sql(const ForeignKeyActions& actions) {
  std::string out;
  if (!actions.match.empty()) {
    out += " MATCH " + actions.match;
  }
  if (!actions.on_delete.empty()) {
    out += " ON DELETE " + actions.on_delete;
  }
  if (!actions.on_update.empty()) {
    out += " ON UPDATE " + actions.on_update;
  }
  return out;
}

std::optional<Located<std::string>> parse_storage_parameters(Fields& fields,
                                                             const std::string& kind) {
  auto given = fields.optional_string("storage_parameters");
  if (!given) {
    return std::nullopt;
  }
  static const std::regex k_parameters(
      R"(\s*[A-Za-z_][A-Za-z0-9_]*\s*(=\s*[A-Za-z0-9_.+-]+\s*)?(,\s*[A-Za-z_][A-Za-z0-9_]*\s*(=\s*[A-Za-z0-9_.+-]+\s*)?)*)");
  if (!std::regex_match(given->value, k_parameters)) {
    fields.fail(given->mark, kind + ": 'storage_parameters' must be name=value pairs separated "
                                    "by commas, e.g. \"fillfactor=70\", got '" + given->value +
                                    "'");
  }
  return given;
}

std::string storage_parameters_sql(const std::optional<Located<std::string>>& parameters) {
  return parameters ? " WITH (" + parameters->value + ")" : "";
}

} // namespace orchestrate
