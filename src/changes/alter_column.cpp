// alter_column: several changes of one column in one change (type, default, nullable, unique,
// check, references, comment, with `up` and `down`).
//
// With one of those keys it is the single kind that makes that change (change_type,
// set_not_null, drop_not_null, set_default, drop_default, set_comment, add_unique, add_check,
// add_foreign_key), read from the same fields. With several, when the column's values must
// move (a new type, a new NULL rule, `up` or `down`), everything goes onto ONE shadow column
// (shadow_column.hpp) in one set of phases: the temporary column has the new type, default,
// comment and NOT NULL and carries the new unique, check and foreign key, while the old
// application keeps the old column. Otherwise (defaults, comments and constraints over the
// values as they are) each change is made in place, side by side in the same phases.
#include <fmt/format.h>

#include <initializer_list>
#include <utility>

#include "changes/alter_column.hpp"
#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

// A mapping for a single kind's parser, from alter_column's own nodes (their positions stay)
// and what alter_column makes up.
// Absent and null entries are left out.
YAML::Node mapping(std::initializer_list<std::pair<const char*, YAML::Node>> entries) {
  YAML::Node m(YAML::NodeType::Map);
  for (const auto& [key, value] : entries) {
    if (value.IsDefined() && !value.IsNull()) {
      m[key] = value;
    }
  }
  return m;
}

// The child `key` of a mapping, undefined when absent (never added to it).
YAML::Node child(const YAML::Node& map, const char* key) {
  return map[key];
}

YAML::Node list_of(const YAML::Node& item) {
  YAML::Node list(YAML::NodeType::Sequence);
  list.push_back(item);
  return list;
}

std::unique_ptr<Change> single(ChangeParser parser,
                               const YAML::Node& map,
                               const std::string& file,
                               const char* kind,
                               Mark at) {
  Fields fields(map, file, kind);
  return delegated(parser(fields), at);
}

constexpr YAML::NodeType::value k_absent = YAML::NodeType::Undefined;

// alter_column's fields as read, with the raw nodes the single kinds read again.
struct Parsed {
  Alteration a{};
  std::string file{};
  YAML::Node table{k_absent}, column{k_absent}, type{k_absent}, up{k_absent}, down{k_absent};
  YAML::Node default_sql{k_absent}, comment{k_absent}, check{k_absent}, check_name{k_absent};
  YAML::Node no_inherit{k_absent};
  YAML::Node unique_name{k_absent}, ref_table{k_absent}, ref_column{k_absent}, ref_name{k_absent};
  YAML::Node on_delete{k_absent}, on_update{k_absent}, match{k_absent}, deferrable{k_absent};
  YAML::Node initially_deferred{k_absent};
  Mark nullable_mark{}, unique_mark{}, references_mark{};
  bool unique = false;
};

const ShadowRule* rule_of(const Parsed& p, char type) {
  for (const auto& r : p.a.rules) {
    if (r.type == type) {
      return &r;
    }
  }
  return nullptr;
}

// With up, a constraint kind moves the column itself: its `column` is this one.
YAML::Node moved_column(const Parsed& p) {
  return p.up.IsDefined() ? p.column : YAML::Node(k_absent);
}

std::unique_ptr<Change> default_change(const Parsed& p) {
  const Mark at = p.a.default_sql->mark;
  if (!p.a.default_sql->value) {
    return single(find_change_parser("drop_default"),
                  mapping({{"table", p.table}, {"column", p.column}}),
                  p.file, "drop_default", at);
  }
  return single(find_change_parser("set_default"),
                mapping({{"table", p.table}, {"column", p.column}, {"default", p.default_sql}}),
                p.file, "set_default", at);
}

std::unique_ptr<Change> comment_change(const Parsed& p) {
  YAML::Node m = mapping({{"table", p.table}, {"column", p.column}});
  // set_comment requires the key; null removes the comment.
  m["comment"] = p.comment.IsDefined() ? p.comment : YAML::Node(YAML::NodeType::Null);
  return single(find_change_parser("set_comment"), m, p.file, "set_comment", p.a.comment->mark);
}

std::unique_ptr<Change> unique_change(const Parsed& p) {
  const YAML::Node name =
      p.unique_name.IsDefined() ? p.unique_name : YAML::Node(rule_of(p, 'u')->name.value);
  return single(find_change_parser("add_unique"),
                mapping({{"table", p.table},
                         {"name", name},
                         {"columns", list_of(p.column)},
                         {"column", moved_column(p)},
                         {"up", p.up},
                         {"down", p.down}}),
                p.file, "add_unique", p.unique_mark);
}

std::unique_ptr<Change> check_change(const Parsed& p) {
  const ShadowRule& rule = *rule_of(p, 'c');
  const YAML::Node moved = moved_column(p);
  return single(find_change_parser("add_check"),
                mapping({{"table", p.table},
                         {"name", p.check_name},
                         {"check", p.check},
                         {"no_inherit", p.no_inherit},
                         {"column", moved},
                         {"up", p.up},
                         {"down", p.down}}),
                p.file, "add_check", rule.name.mark);
}

std::unique_ptr<Change> references_change(const Parsed& p) {
  const ShadowRule& rule = *rule_of(p, 'f');
  const YAML::Node name = p.ref_name.IsDefined() ? p.ref_name : YAML::Node(rule.name.value);
  return single(find_change_parser("add_foreign_key"),
                mapping({{"table", p.table},
                         {"name", name},
                         {"columns", list_of(p.column)},
                         {"references", mapping({{"table", p.ref_table},
                                                 {"columns", list_of(p.ref_column)}})},
                         {"on_delete", p.on_delete},
                         {"on_update", p.on_update},
                         {"match", p.match},
                         {"deferrable", p.deferrable},
                         {"initially_deferred", p.initially_deferred},
                         {"column", moved_column(p)},
                         {"up", p.up},
                         {"down", p.down}}),
                p.file, "add_foreign_key", p.references_mark);
}

// The single kind that makes the one change given, or null when it cannot take `up`/`down`
// and the change goes through the shadow column instead.
std::unique_ptr<Change> single_kind(const Parsed& p, Fields& fields) {
  const Alteration& a = p.a;
  const bool data = a.up || a.down;
  if (a.type) {
    return single(find_change_parser("change_type"),
                  mapping({{"table", p.table}, {"column", p.column}, {"type", p.type},
                           {"up", p.up}, {"down", p.down}}),
                  p.file, "change_type", a.type->mark);
  }
  if (a.nullable && !a.nullable->value) {
    if (!a.up) {
      fields.fail(p.nullable_mark,
                  fmt::format("alter_column: nullable: false needs 'up', the value of every row "
                              "the old application writes, never NULL (e.g. up: \"COALESCE({}, "
                              "'unknown')\")",
                              quote_ident(a.column.value)));
    }
    return single(find_change_parser("set_not_null"),
                  mapping({{"table", p.table}, {"column", p.column}, {"up", p.up},
                           {"down", p.down}}),
                  p.file, "set_not_null", p.nullable_mark);
  }
  if (a.nullable) {
    if (a.up) {
      return nullptr;
    }
    if (!a.down) {
      fields.fail(p.nullable_mark,
                  fmt::format("alter_column: nullable: true needs 'down': the old application "
                              "reads {}.{} as NOT NULL until contract, so give what it reads "
                              "where the new application writes NULL (over the row as the new "
                              "application sees it), e.g. down: \"'unknown'\"",
                              a.table.value, a.column.value));
    }
    return single(find_change_parser("drop_not_null"),
                  mapping({{"table", p.table}, {"column", p.column}, {"down", p.down}}), p.file,
                  "drop_not_null", p.nullable_mark);
  }
  // The constraint kinds take `up` (and `down`) as their data fix, with this column moved.
  if (rule_of(p, 'c') != nullptr) {
    return a.down && !a.up ? nullptr : check_change(p);
  }
  if (p.unique) {
    return a.down && !a.up ? nullptr : unique_change(p);
  }
  if (rule_of(p, 'f') != nullptr) {
    return a.down && !a.up ? nullptr : references_change(p);
  }
  if (data) {
    return nullptr;
  }
  return a.default_sql ? default_change(p) : comment_change(p);
}

void read_unique(Parsed& p, Fields& fields) {
  YAML::Node node = fields.optional_node("unique");
  if (!node.IsDefined()) {
    return;
  }
  p.unique_mark = mark_of(node);
  Located<std::string> name{fit_identifier(p.a.table.value + "_" + p.a.column.value + "_key"),
                            p.unique_mark};
  if (node.IsScalar()) {
    p.unique = fields.optional_bool("unique")->value;
  } else if (node.IsMap()) {
    Fields u(node, p.file, "alter_column unique");
    u.expect({"name"});
    if (auto given = u.optional_identifier("name")) {
      name = *given;
      p.unique_name = child(node, "name");
    }
    u.finish();
    p.unique = true;
  } else {
    fields.fail(node, "alter_column: 'unique' must be true, false or a mapping {name: ...}");
  }
  if (p.unique) {
    p.a.rules.push_back({.name = name, .type = 'u', .columns = {p.a.column.value}});
  }
}

void read_check(Parsed& p, Fields& fields) {
  YAML::Node node = fields.optional_node("check");
  if (!node.IsDefined()) {
    return;
  }
  if (!node.IsMap()) {
    fields.fail(node, "alter_column: 'check' must be a mapping {name: ..., expression: ...}");
  }
  Fields c(node, p.file, "alter_column check");
  c.expect({"name", "expression", "no_inherit"});
  auto name = c.required_identifier("name");
  auto expression = c.required_string("expression");
  auto no_inherit = c.optional_bool("no_inherit");
  c.finish();
  if (expression.value.find_first_not_of(" \t\n") == std::string::npos) {
    c.fail(expression.mark, "alter_column check: 'expression' must not be empty");
  }
  p.check = child(node, "expression");
  p.check_name = child(node, "name");
  p.a.check_mark = expression.mark;
  p.no_inherit = child(node, "no_inherit");
  p.a.rules.push_back({.name = name,
                       .type = 'c',
                       .check = expression.value,
                       .columns = {p.a.column.value},
                       .suffix = no_inherit && no_inherit->value ? " NO INHERIT" : ""});
}

void read_references(Parsed& p, Fields& fields) {
  YAML::Node node = fields.optional_node("references");
  if (!node.IsDefined()) {
    return;
  }
  p.references_mark = mark_of(node);
  ShadowRule rule{.name = {fit_identifier(p.a.table.value + "_" + p.a.column.value + "_fkey"),
                           p.references_mark},
                  .type = 'f',
                  .columns = {p.a.column.value}};
  if (!node.IsMap()) {
    auto ref = parse_column_reference(fields, "references");
    rule.ref_table = ref->table.value;
    rule.ref_columns = {ref->column.value};
    p.ref_table = YAML::Node(ref->table.value);
    p.ref_column = YAML::Node(ref->column.value);
    p.a.rules.push_back(std::move(rule));
    return;
  }
  Fields r(node, p.file, "alter_column references");
  r.expect({"table", "column", "name", "on_delete", "on_update", "match", "deferrable",
            "initially_deferred"});
  rule.ref_table = r.required_identifier("table").value;
  rule.ref_columns = {r.required_identifier("column").value};
  if (auto name = r.optional_identifier("name")) {
    rule.name = *name;
  }
  std::string suffix;
  if (auto match = r.optional_string("match")) {
    if (match->value != "simple" && match->value != "full") {
      r.fail(match->mark, "alter_column references: 'match' must be simple or full, got '" +
                              match->value + "'");
    }
    suffix += match->value == "full" ? " MATCH FULL" : " MATCH SIMPLE";
  }
  for (const char* key : {"on_delete", "on_update"}) {
    if (auto action = r.optional_string(key)) {
      const std::string sql = referential_action(action->value);
      if (sql.empty()) {
        r.fail(action->mark, fmt::format("alter_column references: '{}' must be cascade, "
                                         "restrict, no_action, set_null or set_default, got '{}'",
                                         key, action->value));
      }
      suffix += std::string(key == std::string("on_delete") ? " ON DELETE " : " ON UPDATE ") + sql;
    }
  }
  const auto deferrable = r.optional_bool("deferrable");
  const auto initially_deferred = r.optional_bool("initially_deferred");
  r.finish();
  if ((deferrable && deferrable->value) || (initially_deferred && initially_deferred->value)) {
    suffix += " DEFERRABLE";
  }
  if (initially_deferred && initially_deferred->value) {
    suffix += " INITIALLY DEFERRED";
  }
  rule.suffix = suffix;
  p.ref_table = child(node, "table");
  p.ref_column = child(node, "column");
  p.ref_name = child(node, "name");
  p.on_delete = child(node, "on_delete");
  p.on_update = child(node, "on_update");
  p.match = child(node, "match");
  p.deferrable = child(node, "deferrable");
  p.initially_deferred = child(node, "initially_deferred");
  p.a.rules.push_back(std::move(rule));
}

} // namespace

std::unique_ptr<Change> parse_alter_column(Fields& fields) {
  fields.expect({"table", "column", "type", "up", "down", "default", "nullable", "unique",
                 "check", "references", "comment"});
  Parsed p;
  Alteration& a = p.a;
  p.file = fields.file();
  a.table = fields.required_identifier("table");
  a.column = fields.required_identifier("column");
  a.type = fields.optional_string("type");
  a.up = fields.optional_string("up");
  a.down = fields.optional_string("down");
  if (fields.has("default")) {
    a.default_sql = fields.required_nullable_string("default");
    if (a.default_sql->value &&
        a.default_sql->value->find_first_not_of(" \t\n") == std::string::npos) {
      fields.fail(a.default_sql->mark,
                  "alter_column: 'default' must not be empty (default: null drops it)");
    }
  }
  a.nullable = fields.optional_bool("nullable");
  if (fields.has("comment")) {
    a.comment = fields.required_nullable_string("comment");
    // PostgreSQL stores an empty comment as none.
    if (a.comment->value && a.comment->value->empty()) {
      a.comment->value.reset();
    }
  }
  if (a.type && (a.type->value.empty() || a.type->value.find(';') != std::string::npos)) {
    fields.fail(a.type->mark, "alter_column: 'type' must be a type name such as bigint or "
                              "varchar(64)");
  }
  p.table = fields.optional_node("table");
  p.column = fields.optional_node("column");
  p.type = fields.optional_node("type");
  p.up = fields.optional_node("up");
  p.down = fields.optional_node("down");
  p.default_sql = fields.optional_node("default");
  p.comment = fields.optional_node("comment");
  if (a.nullable) {
    p.nullable_mark = a.nullable->mark;
  }
  read_unique(p, fields);
  read_check(p, fields);
  read_references(p, fields);
  fields.finish();

  const int keys = (a.type ? 1 : 0) + (a.default_sql ? 1 : 0) + (a.nullable ? 1 : 0) +
                   static_cast<int>(a.rules.size()) + (a.comment ? 1 : 0);
  if (keys == 0) {
    fields.fail(fields.mark(), "alter_column: nothing to change: give type, default, nullable, "
                               "unique, check, references or comment");
  }
  if (keys == 1) {
    if (auto one = single_kind(p, fields)) {
      return one;
    }
  }
  if (a.type || a.nullable || a.up || a.down) {
    return composed_alteration(a);
  }
  std::vector<std::unique_ptr<Change>> parts;
  if (a.default_sql) {
    parts.push_back(default_change(p));
  }
  if (a.comment) {
    parts.push_back(comment_change(p));
  }
  if (p.unique) {
    parts.push_back(unique_change(p));
  }
  if (rule_of(p, 'c') != nullptr) {
    parts.push_back(check_change(p));
  }
  if (rule_of(p, 'f') != nullptr) {
    parts.push_back(references_change(p));
  }
  return in_place_alteration(std::move(parts));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json alter_column_fields() {
  using namespace json_fields;
  using json = nlohmann::json;
  return object(
      {{"table", ident("table")},
       {"column", ident("the column to change; with one other key this is the single kind "
                        "(change_type, set_not_null, drop_not_null, set_default, drop_default, "
                        "set_comment, add_unique, add_check, add_foreign_key)")},
       {"type", str("the new SQL type")},
       {"up", expr("old row -> the column's new value (every change then goes through one "
                   "shadow column)")},
       {"down", expr("new row -> the old column's value, for the old application")},
       {"default", {{"type", json::array({"string", "number", "boolean", "null"})},
                    {"description", "the new SQL default; null drops it"}}},
       {"nullable", boolean("false: NOT NULL (give up); true: NULL allowed (give down)")},
       {"unique", {{"oneOf", json::array({boolean("a unique constraint named "
                                                  "<table>_<column>_key"),
                                          object({{"name", ident("constraint name")}}, {})})},
                   {"description", "a unique constraint on the column: true, or {name}"}}},
       {"check", described(object({{"name", ident("constraint name")},
                                   {"expression", expr("SQL boolean expression")},
                                   {"no_inherit", boolean("NO INHERIT")}},
                                  {"name", "expression"}),
                           "a CHECK constraint on the column")},
       {"references", column_foreign_key()},
       {"comment", {{"type", json::array({"string", "null"})},
                    {"description", "the column's comment; null removes it"}}}},
      {"table", "column"});
}
} // namespace

ChangeKind change_kind_alter_column() {
  return {.name = "alter_column",
          .doc = "Several changes of one column in one change, as pgroll's alter_column makes "
                 "them. With one key it is that single kind, read from the same fields: type "
                 "(with up/down) change_type, nullable: false (needs up) set_not_null, nullable: "
                 "true (needs down) drop_not_null, default set_default (null: drop_default), "
                 "comment set_comment, unique (true: named `<table>_<column>_key`; or {name}) "
                 "add_unique, check {name, expression, no_inherit} add_check, references "
                 "(table(column), or {table, column, name (default `<table>_<column>_fkey`), "
                 "on_delete, on_update, match: simple|full, deferrable, initially_deferred}) "
                 "add_foreign_key; with up, these three take it as their data fix. With several, "
                 "when the values move (type, nullable, up or down given), everything goes onto "
                 "ONE shadow column in one set of phases: the new column has the new type, "
                 "default, comment and NOT NULL from expand; its unique index is built "
                 "CONCURRENTLY at expand (its default is set with the dual-write trigger, so the "
                 "old application's inserts before it cannot collide there), the check and "
                 "foreign key are added NOT VALID after the trigger, and transition validates "
                 "them, attaches the unique constraint USING INDEX and sets NOT NULL. The old "
                 "application keeps the old column as it was (its NULLs, its short names) and "
                 "reads down of the new one's writes; contract swaps the columns and gives the "
                 "constraints their names. validate compiles every expression and counts the "
                 "existing rows up leaves breaking the rules (a key up gives twice, a check it "
                 "fails, a reference that names no row), with an example. Until the backfill has "
                 "copied a row, the new unique index does not see it: the new application, which "
                 "may rely on the rules from transition on, then does. Without up, type, nullable "
                 "or down (defaults, comments, constraints over the values as they are), each "
                 "change is made in place, side by side.",
          .example = text_block(R"yaml(
- alter_column:
    table: events
    column: name
    type: text
    default: "'unnamed'"
    nullable: false
    comment: the name of the event
    unique: {name: events_event_name_unique}
    check: {name: event_name_length, expression: "length(name) > 3"}
    up: "CASE WHEN name IS NULL OR length(name) <= 3 THEN 'placeholder-' || id ELSE name END"
    down: name
)yaml"),
          .parse = &parse_alter_column,
          .fields = &alter_column_fields};
}

} // namespace orchestrate
