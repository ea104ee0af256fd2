#include "changes/new_column.hpp"

#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "core/text.hpp"

namespace orchestrate {

std::optional<Located<std::string>> optional_comment(Fields& f) {
  auto comment = f.optional_string("comment");
  if (comment && comment->value.empty()) {
    comment.reset();
  }
  return comment;
}

NewColumn parse_new_column(const YAML::Node& item, const std::string& file) {
  Fields f(item, file, "create_table column");
  f.expect({"name", "type", "nullable", "default", "primary_key", "references", "comment",
            "unique", "unique_name", "check", "check_name", "check_no_inherit", "generated",
            "identity", "identity_options"});
  NewColumn c;
  c.mark = f.mark();
  c.name = f.required_identifier("name");
  c.type = f.required_string("type");
  if (auto n = f.optional_bool("nullable")) {
    c.nullable = n->value;
  }
  c.default_sql = f.optional_string("default");
  if (auto p = f.optional_bool("primary_key")) {
    c.primary_key = p->value;
  }
  c.references = parse_column_reference(f, "references", true);
  c.comment = optional_comment(f);
  if (auto u = f.optional_bool("unique")) {
    c.unique = u->value;
  }
  c.unique_name = f.optional_identifier("unique_name");
  c.check = f.optional_string("check");
  c.check_name = f.optional_identifier("check_name");
  const auto no_inherit = f.optional_bool("check_no_inherit");
  c.check_no_inherit = no_inherit && no_inherit->value;
  c.generated = f.optional_string("generated");
  const auto identity = f.optional_string("identity");
  c.identity_options = f.optional_string("identity_options");
  f.finish();
  if (c.unique_name && !c.unique) {
    f.fail(c.unique_name->mark, "create_table: 'unique_name' names the constraint of "
                                "'unique: true'");
  }
  if (!c.check && (c.check_name || no_inherit)) {
    f.fail(c.check_name ? c.check_name->mark : no_inherit->mark,
           "create_table: 'check_name' and 'check_no_inherit' go with 'check'");
  }
  for (const auto* expr : {&c.default_sql, &c.check, &c.generated}) {
    if (*expr && blank((*expr)->value)) {
      f.fail((*expr)->mark, "create_table: an expression must not be empty");
    }
  }
  if (identity) {
    if (identity->value != "always" && identity->value != "by_default") {
      f.fail(identity->mark, "create_table: 'identity' must be always or by_default, got '" +
                                 identity->value + "'");
    }
    c.identity = identity->value == "always" ? "ALWAYS" : "BY DEFAULT";
  }
  if (c.identity_options && c.identity.empty()) {
    f.fail(c.identity_options->mark, "create_table: 'identity_options' goes with 'identity'");
  }
  // PostgreSQL takes at most one of them: each says where the column's value comes from.
  const std::vector<std::pair<const char*, bool>> sources = {
      {"default", c.default_sql.has_value()},
      {"generated", c.generated.has_value()},
      {"identity", !c.identity.empty()}};
  std::string given;
  for (const auto& [key, set] : sources) {
    if (set && !given.empty()) {
      f.fail(f.mark(), "create_table: column " + c.name.value + " has both '" + given +
                           "' and '" + key + "'; give one");
    }
    given = set ? key : given;
  }
  return c;
}

} // namespace orchestrate
