// Columns, references and table constraints: what create_table, add_column and alter_column
// share.
#include <algorithm>
#include <cctype>

#include "import/pgroll_operations.hpp"

namespace orchestrate::pgroll {

namespace {

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) {
    return "";
  }
  const auto e = s.find_last_not_of(" \t\r\n;");
  return s.substr(b, e - b + 1);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// Copies an optional boolean that is true (false is every key's default).
void flag(Fields& from, const char* key, Json& to, const char* as) {
  if (auto b = from.optional_bool(key); b && b->value) {
    to[as] = true;
  }
}

} // namespace

std::string expression(const std::string& sql) {
  const std::string t = trimmed(sql);
  if (upper(t.substr(0, 7)) == "SELECT " || upper(t.substr(0, 7)) == "SELECT\n") {
    return "(" + t + ")";
  }
  return t;
}

bool is_identity(const std::string& sql, const std::string& column) {
  const std::string t = trimmed(sql);
  return t == column || t == "\"" + column + "\"";
}

std::string action(Fields& where, const Located<std::string>& value) {
  const std::string v = upper(trimmed(value.value));
  if (v == "CASCADE" || v == "RESTRICT" || v == "NO ACTION" || v == "SET NULL" ||
      v == "SET DEFAULT") {
    std::string out = v;
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
      return c == ' ' ? '_' : static_cast<char>(std::tolower(c));
    });
    return out;
  }
  where.fail(value.mark, "foreign-key action '" + value.value +
                             "' is not one of CASCADE, RESTRICT, NO ACTION, SET NULL, SET DEFAULT");
}

std::string match(Fields& where, const Located<std::string>& value) {
  const std::string v = upper(trimmed(value.value));
  if (v == "SIMPLE" || v == "FULL") {
    return v == "SIMPLE" ? "simple" : "full";
  }
  where.fail(value.mark, "match type '" + value.value + "' cannot be imported: PostgreSQL "
                         "implements MATCH SIMPLE and MATCH FULL only");
}

// The options a foreign key shares in both of pgroll's reference shapes.
static void reference_options(Fields& ref, Json& out) {
  if (auto v = ref.optional_string("on_delete")) {
    out["on_delete"] = action(ref, *v);
  }
  if (auto v = ref.optional_string("on_update")) {
    out["on_update"] = action(ref, *v);
  }
  if (auto v = ref.optional_string("match_type")) {
    out["match"] = match(ref, *v);
  }
}

Json column_reference(Fields& ref) {
  ref.expect({"name", "table", "column", "match_type", "on_delete", "on_update", "deferrable",
              "initially_deferred"});
  Json out;
  out["table"] = ref.required_identifier("table").value;
  out["column"] = ref.required_identifier("column").value;
  out["name"] = ref.required_identifier("name").value;
  reference_options(ref, out);
  flag(ref, "deferrable", out, "deferrable");
  flag(ref, "initially_deferred", out, "initially_deferred");
  ref.finish();
  return out;
}

Json column(Fields& col, std::vector<std::string>* primary_key) {
  col.expect({"name", "type", "nullable", "default", "pk", "unique", "check", "references",
              "comment", "generated"});
  Json out;
  const auto name = col.required_identifier("name");
  out["name"] = name.value;
  out["type"] = col.required_string("type").value;
  const auto pk = col.optional_bool("pk");
  if (pk && pk->value) {
    if (!primary_key) {
      col.fail(pk->mark, "'pk' on an added column cannot be imported as one change: add the "
                         "column, then a primary_key constraint (add_primary_key)");
    }
    primary_key->push_back(name.value);
  } else {
    // pgroll's columns are NOT NULL unless they say otherwise; orchestrate's are nullable.
    const auto nullable = col.optional_bool("nullable");
    out["nullable"] = nullable ? nullable->value : false;
  }
  if (auto d = col.optional_string("default")) {
    out["default"] = d->value;
  }
  flag(col, "unique", out, "unique");
  if (YAML::Node check = col.optional_node("check"); check.IsDefined()) {
    Fields c(check, col.file(), "check");
    c.expect({"name", "constraint", "no_inherit"});
    out["check"] = c.required_string("constraint").value;
    out["check_name"] = c.required_identifier("name").value;
    flag(c, "no_inherit", out, "check_no_inherit");
    c.finish();
  }
  if (YAML::Node ref = col.optional_node("references"); ref.IsDefined()) {
    Fields r(ref, col.file(), "references");
    out["references"] = column_reference(r);
  }
  if (auto c = col.optional_string("comment")) {
    out["comment"] = c->value;
  }
  if (YAML::Node generated = col.optional_node("generated"); generated.IsDefined()) {
    if (!primary_key) {
      col.fail(generated, "a generated column cannot be added to an existing table without "
                          "rewriting it under an exclusive lock; not imported");
    }
    Fields g(generated, col.file(), "generated");
    g.expect({"expression", "identity"});
    const auto expr = g.optional_string("expression");
    if (expr && !expr->value.empty()) {
      out["generated"] = expr->value;
    }
    if (YAML::Node identity = g.optional_node("identity"); identity.IsDefined()) {
      Fields i(identity, col.file(), "identity");
      i.expect({"sequence_options", "user_specified_values"});
      std::string how = "always";
      if (auto u = i.optional_string("user_specified_values")) {
        const std::string v = upper(trimmed(u->value));
        if (v != "ALWAYS" && v != "BY DEFAULT") {
          i.fail(u->mark, "'user_specified_values' must be ALWAYS or BY DEFAULT");
        }
        how = v == "ALWAYS" ? "always" : "by_default";
      }
      out["identity"] = how;
      if (auto o = i.optional_string("sequence_options"); o && !o->value.empty()) {
        out["identity_options"] = o->value;
      }
      i.finish();
    }
    g.finish();
    if (out.contains("generated") && out.contains("identity")) {
      g.fail(generated, "a column is either generated from an expression or an identity");
    }
  }
  col.finish();
  return out;
}

} // namespace orchestrate::pgroll
