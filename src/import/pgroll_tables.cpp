// create_table with its table constraints, and create_constraint on an existing table.
#include <algorithm>

#include "import/pgroll_operations.hpp"

namespace orchestrate::pgroll {

namespace {

void flag(Fields& from, const char* key, Json& to) {
  if (auto b = from.optional_bool(key); b && b->value) {
    to[key] = true;
  }
}

// index_parameters: include_columns and storage_parameters; a tablespace is refused (plans
// do not place indexes).
void index_parameters(Fields& owner, Json& out) {
  YAML::Node node = owner.optional_node("index_parameters");
  if (!node.IsDefined()) {
    return;
  }
  Fields p(node, owner.file(), "index_parameters");
  p.expect({"tablespace", "storage_parameters", "include_columns"});
  if (auto t = p.optional_string("tablespace"); t && !t->value.empty()) {
    p.fail(t->mark, "'tablespace' cannot be imported: plans do not place indexes in "
                    "tablespaces");
  }
  if (auto s = p.optional_string("storage_parameters"); s && !s->value.empty()) {
    out["storage_parameters"] = s->value;
  }
  if (p.optional_node("include_columns").IsDefined()) {
    Json include = Json::array();
    for (const auto& c : p.required_identifier_list("include_columns")) {
      include.push_back(c.value);
    }
    out["include"] = include;
  }
  p.finish();
}

// A table-level `references` (TableForeignKeyReference).
Json table_reference(Fields& owner) {
  Fields r(owner.required_node("references"), owner.file(), "references");
  r.expect({"table", "columns", "match_type", "on_update", "on_delete", "on_delete_set_columns"});
  Json out;
  out["table"] = r.required_identifier("table").value;
  Json columns = Json::array();
  for (const auto& c : r.required_identifier_list("columns")) {
    columns.push_back(c.value);
  }
  out["columns"] = columns;
  if (YAML::Node set = r.optional_node("on_delete_set_columns");
      set.IsDefined() && set.size() > 0) {
    r.fail(set, "'on_delete_set_columns' cannot be imported: orchestrate's foreign keys set "
                "every referencing column on delete");
  }
  for (const char* key : {"on_delete", "on_update"}) {
    if (auto v = r.optional_string(key)) {
      out[key] = action(r, *v);
    }
  }
  if (auto v = r.optional_string("match_type")) {
    out["match"] = match(r, *v);
  }
  r.finish();
  return out;
}

Json names(Fields& f, const char* key) {
  Json out = Json::array();
  for (const auto& c : f.required_identifier_list(key)) {
    out.push_back(c.value);
  }
  return out;
}

Json table_constraint(Fields& c) {
  c.expect({"name", "columns", "type", "deferrable", "initially_deferred", "nulls_not_distinct",
            "no_inherit", "check", "references", "exclude", "index_parameters"});
  Json out;
  out["name"] = c.required_identifier("name").value;
  const auto type = c.required_string("type");
  out["type"] = type.value;
  if (type.value == "check") {
    out["check"] = c.required_string("check").value;
    flag(c, "no_inherit", out);
  } else if (type.value == "unique" || type.value == "primary_key") {
    out["columns"] = names(c, "columns");
    flag(c, "nulls_not_distinct", out);
    index_parameters(c, out);
  } else if (type.value == "foreign_key") {
    out["columns"] = names(c, "columns");
    out["references"] = table_reference(c);
  } else if (type.value == "exclude") {
    Fields e(c.required_node("exclude"), c.file(), "exclude");
    e.expect({"index_method", "elements", "predicate"});
    Json x;
    if (auto m = e.optional_string("index_method"); m && !m->value.empty()) {
      x["method"] = m->value;
    }
    x["elements"] = e.required_string("elements").value;
    if (auto p = e.optional_string("predicate"); p && !p->value.empty()) {
      x["where"] = p->value;
    }
    e.finish();
    out["exclude"] = x;
    index_parameters(c, out);
  } else {
    c.fail(type.mark, "constraint type '" + type.value + "' is not one of unique, check, "
                      "primary_key, foreign_key, exclude");
  }
  flag(c, "deferrable", out);
  flag(c, "initially_deferred", out);
  c.finish();
  return out;
}

// pgroll's create_constraint `up`/`down` map each column to an expression. Identity entries
// move no data; one column with a real expression is orchestrate's `column`/`up`/`down`.
void data_fix(Fields& op, const Json& columns, Json& out) {
  const YAML::Node up = op.optional_node("up");
  const YAML::Node down = op.optional_node("down");
  std::vector<std::string> moving;
  for (const auto& c : columns) {
    const std::string col = c.get<std::string>();
    const bool up_moves = up.IsMap() && up[col].IsDefined() && !up[col].IsNull() &&
                          !is_identity(up[col].as<std::string>(), col);
    const bool down_moves = down.IsMap() && down[col].IsDefined() && !down[col].IsNull() &&
                            !is_identity(down[col].as<std::string>(), col);
    if (up_moves || down_moves) {
      moving.push_back(col);
    }
  }
  for (const YAML::Node* side : {&up, &down}) {
    if (side->IsDefined() && !side->IsNull() && !side->IsMap()) {
      op.fail(*side, "'up' and 'down' of create_constraint map each column to an expression");
    }
    if (side->IsMap()) {
      for (const auto& entry : *side) {
        const std::string col = entry.first.as<std::string>();
        if (std::find(columns.begin(), columns.end(), col) == columns.end()) {
          op.fail(entry.first, "'" + col + "' is not one of the constraint's columns");
        }
      }
    }
  }
  if (moving.empty()) {
    return;
  }
  if (moving.size() > 1) {
    op.fail(up.IsDefined() ? up : down,
            "up/down rewrite " + std::to_string(moving.size()) + " columns; orchestrate moves "
            "the data of one column per constraint change");
  }
  const std::string& col = moving.front();
  out["column"] = col;
  for (const auto& [side, key] : {std::pair{&up, "up"}, std::pair{&down, "down"}}) {
    if (side->IsMap() && (*side)[col].IsDefined() && !(*side)[col].IsNull() &&
        !is_identity((*side)[col].as<std::string>(), col)) {
      out[key] = expression((*side)[col].as<std::string>());
    }
  }
}

} // namespace

Json create_table(Fields& op) {
  op.expect({"name", "columns", "comment", "constraints"});
  Json body;
  body["table"] = op.required_identifier("name").value;
  if (auto c = op.optional_string("comment")) {
    body["comment"] = c->value;
  }
  std::vector<std::string> primary_key;
  Json columns = Json::array();
  YAML::Node list = op.required_node("columns");
  if (!list.IsSequence() || list.size() == 0) {
    op.fail(list, "'columns' must be a non-empty list");
  }
  for (const auto& item : list) {
    Fields col(item, op.file(), "column");
    columns.push_back(column(col, &primary_key));
  }
  body["columns"] = columns;
  if (!primary_key.empty()) {
    body["primary_key"] = primary_key;
  }
  if (YAML::Node constraints = op.optional_node("constraints"); constraints.IsDefined()) {
    if (!constraints.IsSequence()) {
      op.fail(constraints, "'constraints' must be a list");
    }
    Json out = Json::array();
    for (const auto& item : constraints) {
      Fields c(item, op.file(), "constraint");
      out.push_back(table_constraint(c));
    }
    if (!out.empty()) {
      body["constraints"] = out;
    }
  }
  op.finish();
  return Json{{"create_table", body}};
}

Json create_constraint(Fields& op) {
  op.expect({"table", "name", "columns", "type", "check", "no_inherit", "index_parameters",
             "references", "up", "down"});
  Json body;
  body["table"] = op.required_identifier("table").value;
  body["name"] = op.required_identifier("name").value;
  const auto type = op.required_string("type");
  Json columns = Json::array();
  if (op.optional_node("columns").IsDefined()) {
    columns = names(op, "columns");
  }
  std::string kind;
  if (type.value == "check") {
    kind = "add_check";
    body["check"] = op.required_string("check").value;
    flag(op, "no_inherit", body);
  } else if (type.value == "unique") {
    kind = "add_unique";
    body["columns"] = columns;
    index_parameters(op, body);
  } else if (type.value == "primary_key") {
    kind = "add_primary_key";
    body["columns"] = columns;
    if (op.optional_node("index_parameters").IsDefined()) {
      op.fail(op.optional_node("index_parameters"),
              "'index_parameters' on a primary key cannot be imported");
    }
  } else if (type.value == "foreign_key") {
    kind = "add_foreign_key";
    body["columns"] = columns;
    Json ref = table_reference(op);
    body["references"] = Json{{"table", ref["table"]}, {"columns", ref["columns"]}};
    for (const char* key : {"on_delete", "on_update", "match"}) {
      if (ref.contains(key)) {
        body[key] = ref[key];
      }
    }
  } else {
    op.fail(type.mark, "constraint type '" + type.value + "' is not one of unique, check, "
                       "primary_key, foreign_key");
  }
  if (columns.empty() && kind != "add_check") {
    op.fail(op.mark(), "'columns' is required for a " + type.value + " constraint");
  }
  data_fix(op, columns, body);
  if (kind == "add_primary_key" && body.contains("up")) {
    op.fail(op.optional_node("up"), "a primary key cannot rewrite data on the way: fix the rows "
                                    "in an earlier change");
  }
  op.finish();
  return Json{{kind, body}};
}

} // namespace orchestrate::pgroll
