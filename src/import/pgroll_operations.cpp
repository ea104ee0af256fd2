// The operations that change one column, constraint, index or table.
#include <algorithm>
#include <cctype>
#include <optional>

#include "core/ident.hpp"
#include "import/pgroll_operations.hpp"
#include "core/text.hpp"

namespace orchestrate::pgroll {

namespace {

// `up`/`down` of an operation on `column`: absent, empty or the column itself means "nothing
// to compute" and is left out.
std::optional<std::string> moving(Fields& op, const char* key, const std::string& column) {
  auto v = op.optional_string(key);
  if (!v || v->value.find_first_not_of(" \t\r\n") == std::string::npos ||
      is_identity(v->value, column)) {
    return std::nullopt;
  }
  return expression(v->value);
}

// A key that may be given as null: absent, null, or a value.
struct Nullable {
  bool given = false;
  std::optional<std::string> value{};
};

Nullable nullable_string(Fields& op, const YAML::Node& raw, const char* key) {
  if (!raw[key].IsDefined()) {
    return {};
  }
  return {.given = true, .value = op.required_nullable_string(key).value};
}

} // namespace

Json add_column(Fields& op) {
  op.expect({"table", "column", "up"});
  Json body;
  body["table"] = op.required_identifier("table").value;
  Fields col(op.required_node("column"), op.file(), "column");
  Json c = column(col, nullptr);
  body["column"] = c["name"];
  for (const auto& [key, value] : c.items()) {
    if (key != "name") {
      body[key] = value;
    }
  }
  if (auto up = op.optional_string("up");
      up && up->value.find_first_not_of(" \t\r\n") != std::string::npos) {
    body["fill"] = expression(up->value);
  }
  op.finish();
  return Json{{"add_column", body}};
}

// One key: the single kind that says exactly that. Several: one alter_column, which composes
// them into one shadow column.
Json alter_column(Fields& op, const YAML::Node& raw) {
  op.expect({"table", "column", "type", "up", "down", "default", "nullable", "unique", "check",
             "references", "comment"});
  const std::string table = op.required_identifier("table").value;
  const std::string column = op.required_identifier("column").value;
  Json changes; // orchestrate alter_column keys, in pgroll's order
  if (auto t = op.optional_string("type")) {
    changes["type"] = t->value;
  }
  if (const Nullable d = nullable_string(op, raw, "default"); d.given) {
    changes["default"] = d.value ? Json(*d.value) : Json(nullptr);
  }
  if (auto n = op.optional_bool("nullable")) {
    changes["nullable"] = n->value;
  }
  if (YAML::Node u = op.optional_node("unique"); u.IsDefined()) {
    Fields f(u, op.file(), "unique");
    f.expect({"name"});
    changes["unique"] = Json{{"name", f.required_identifier("name").value}};
    f.finish();
  }
  if (YAML::Node c = op.optional_node("check"); c.IsDefined()) {
    Fields f(c, op.file(), "check");
    f.expect({"name", "constraint", "no_inherit"});
    Json check{{"name", f.required_identifier("name").value},
               {"expression", f.required_string("constraint").value}};
    if (auto ni = f.optional_bool("no_inherit"); ni && ni->value) {
      check["no_inherit"] = true;
    }
    f.finish();
    changes["check"] = check;
  }
  if (YAML::Node r = op.optional_node("references"); r.IsDefined()) {
    Fields f(r, op.file(), "references");
    changes["references"] = column_reference(f);
  }
  if (const Nullable c = nullable_string(op, raw, "comment"); c.given) {
    changes["comment"] = c.value ? Json(*c.value) : Json(nullptr);
  }
  const auto up = moving(op, "up", column);
  const auto down = moving(op, "down", column);
  op.finish();
  if (changes.empty()) {
    op.fail(op.mark(), "alter_column changes nothing: give type, default, nullable, unique, "
                       "check, references or comment");
  }

  Json body{{"table", table}, {"column", column}};
  auto with_data = [&](Json b, bool takes_up, bool takes_down, bool names_column) {
    if (up && !takes_up) {
      op.fail(op.mark(), "'up' cannot be imported here: this change computes no new value");
    }
    if (down && !takes_down) {
      op.fail(op.mark(), "'down' cannot be imported here: this change computes no old value");
    }
    if (names_column && (up || down)) {
      b["column"] = column;
    }
    if (up) {
      b["up"] = *up;
    }
    if (down) {
      b["down"] = *down;
    }
    return b;
  };
  if (changes.size() > 1) {
    for (const auto& [key, value] : changes.items()) {
      body[key] = value;
    }
    return Json{{"alter_column", with_data(body, true, true, false)}};
  }
  const std::string key = changes.begin().key();
  const Json value = changes.begin().value();
  if (key == "type") {
    body["type"] = value;
    return Json{{"change_type", with_data(body, true, true, false)}};
  }
  if (key == "default") {
    if (value.is_null()) {
      return Json{{"drop_default", with_data(body, false, false, false)}};
    }
    body["default"] = value;
    return Json{{"set_default", with_data(body, false, false, false)}};
  }
  if (key == "nullable") {
    if (value.get<bool>()) {
      if (!down) {
        op.fail(op.mark(), "dropping NOT NULL needs 'down': the value the old application, "
                           "which cannot store NULL, reads where the new one writes NULL");
      }
      return Json{{"drop_not_null", with_data(body, false, true, false)}};
    }
    return Json{{"set_not_null", with_data(body, true, true, false)}};
  }
  if (key == "comment") {
    body["comment"] = value;
    return Json{{"set_comment", with_data(body, false, false, false)}};
  }
  Json b{{"table", table}};
  if (key == "unique") {
    b["name"] = value["name"];
    b["columns"] = Json::array({column});
    return Json{{"add_unique", with_data(b, true, true, true)}};
  }
  if (key == "check") {
    b["name"] = value["name"];
    b["check"] = value["expression"];
    if (value.contains("no_inherit")) {
      b["no_inherit"] = true;
    }
    return Json{{"add_check", with_data(b, true, true, true)}};
  }
  // references
  b["name"] = value["name"];
  b["columns"] = Json::array({column});
  b["references"] = Json{{"table", value["table"]}, {"columns", Json::array({value["column"]})}};
  for (const char* k : {"on_delete", "on_update", "match", "deferrable", "initially_deferred"}) {
    if (value.contains(k)) {
      b[k] = value[k];
    }
  }
  return Json{{"add_foreign_key", with_data(b, true, true, true)}};
}

// pgroll's `up` here is the column as the new application sees it, normally the column itself:
// that names the constraint's column; `down` is what the old application needs.
Json drop_constraint(Fields& op) {
  op.expect({"table", "name", "up", "down"});
  Json body;
  body["table"] = op.required_identifier("table").value;
  body["name"] = op.required_identifier("name").value;
  const auto up = op.optional_string("up");
  const auto down = op.optional_string("down");
  op.finish();
  const bool has_down = down && down->value.find_first_not_of(" \t\r\n") != std::string::npos;
  if (!has_down) {
    return Json{{"drop_constraint", body}};
  }
  if (!up || !is_plain_identifier(expression(up->value))) {
    op.fail(up ? up->mark : down->mark,
            "drop_constraint: cannot tell which column 'down' is for: give 'up' as the "
            "constraint's column itself");
  }
  const std::string column = expression(up->value);
  if (is_identity(down->value, column)) {
    return Json{{"drop_constraint", body}};
  }
  body["columns"] = Json::array({column});
  body["down"] = expression(down->value);
  return Json{{"drop_constraint", body}};
}

Json drop_multicolumn_constraint(Fields& op) {
  op.expect({"table", "name", "up", "down"});
  Json body;
  body["table"] = op.required_identifier("table").value;
  body["name"] = op.required_identifier("name").value;
  for (const char* side : {"up", "down"}) {
    YAML::Node map = op.optional_node(side);
    if (!map.IsDefined() || map.IsNull()) {
      continue;
    }
    if (!map.IsMap()) {
      op.fail(map, std::string("'") + side + "' maps each column to an expression");
    }
    for (const auto& entry : map) {
      const std::string col = entry.first.as<std::string>();
      if (!entry.second.IsNull() && !is_identity(entry.second.as<std::string>(), col)) {
        op.fail(entry.second, "drop_multicolumn_constraint: '" + std::string(side) + "' of " +
                                  col + " rewrites data; orchestrate moves data only when the "
                                  "dropped constraint covers one column");
      }
    }
  }
  op.finish();
  return Json{{"drop_constraint", body}};
}

Json create_index(Fields& op) {
  op.expect({"name", "table", "columns", "predicate", "method", "storage_parameters", "unique"});
  Json body;
  body["table"] = op.required_identifier("table").value;
  body["name"] = op.required_identifier("name").value;
  YAML::Node list = op.required_node("columns");
  if (!list.IsSequence() || list.size() == 0) {
    op.fail(list, "'columns' must be a non-empty list");
  }
  Json columns = Json::array();
  for (const auto& item : list) {
    if (item.IsScalar()) {
      if (!is_plain_identifier(item.Scalar())) {
        op.fail(item, "index column '" + item.Scalar() + "' must be a plain name");
      }
      columns.push_back(item.Scalar());
      continue;
    }
    Fields f(item, op.file(), "index column");
    f.expect({"column", "collate", "sort", "opclass", "nulls"});
    Json c{{"column", f.required_identifier("column").value}};
    if (YAML::Node oc = f.optional_node("opclass"); oc.IsDefined()) {
      Fields o(oc, op.file(), "opclass");
      o.expect({"name", "params"});
      if (auto n = o.optional_string("name"); n && !n->value.empty()) {
        c["opclass"] = n->value;
      }
      if (YAML::Node p = o.optional_node("params"); p.IsDefined()) {
        if (!p.IsSequence()) {
          o.fail(p, "'params' must be a list such as [siglen=32]");
        }
        Json params = Json::array();
        for (const auto& item : p) {
          params.push_back(item.as<std::string>());
        }
        if (!params.empty()) {
          c["opclass_params"] = params;
        }
      }
      o.finish();
    }
    if (auto v = f.optional_string("collate"); v && !v->value.empty()) {
      c["collate"] = v->value;
    }
    for (const char* key : {"sort", "nulls"}) {
      if (auto v = f.optional_string(key); v && !v->value.empty()) {
        c[key] = lowercase(v->value);
      }
    }
    f.finish();
    columns.push_back(c.size() == 1 ? c["column"] : c);
  }
  body["columns"] = columns;
  if (auto m = op.optional_string("method"); m && !m->value.empty()) {
    body["method"] = m->value;
  }
  if (auto s = op.optional_string("storage_parameters"); s && !s->value.empty()) {
    body["storage_parameters"] = s->value;
  }
  if (auto p = op.optional_string("predicate"); p && !p->value.empty()) {
    body["where"] = p->value;
  }
  if (auto u = op.optional_bool("unique"); u && u->value) {
    body["unique"] = true;
  }
  op.finish();
  return Json{{"create_index", body}};
}

Json set_replica_identity(Fields& op) {
  op.expect({"table", "identity"});
  Json body;
  body["table"] = op.required_identifier("table").value;
  Fields id(op.required_node("identity"), op.file(), "identity");
  id.expect({"type", "index"});
  const auto type = id.required_string("type");
  const std::string t = lowercase(type.value);
  if (t == "index") {
    body["index"] = id.required_identifier("index").value;
  } else if (t == "default" || t == "full" || t == "nothing") {
    body["identity"] = t;
  } else {
    id.fail(type.mark, "identity type '" + type.value + "' is not one of default, full, "
                       "nothing, index");
  }
  id.finish();
  op.finish();
  return Json{{"set_replica_identity", body}};
}

Json sql(Fields& op) {
  op.expect({"up", "down", "onComplete"});
  Json body;
  body["up"] = op.required_string("up").value;
  const auto on_complete = op.optional_bool("onComplete");
  const bool at_contract = on_complete && on_complete->value;
  // A `down` of SQL run at contract could never run: nothing rolls back past contract.
  if (auto d = op.optional_string("down");
      !at_contract && d && d->value.find_first_not_of(" \t\r\n;") != std::string::npos) {
    body["down"] = d->value;
  }
  if (at_contract) {
    body["on_complete"] = true;
  }
  op.finish();
  return Json{{"sql", body}};
}

Json simple(const std::string& kind, Fields& op) {
  Json body;
  if (kind == "drop_column") {
    op.expect({"table", "column", "down"});
    body["table"] = op.required_identifier("table").value;
    const auto column = op.required_identifier("column").value;
    body["column"] = column;
    if (auto down = moving(op, "down", column)) {
      body["down"] = *down;
    }
  } else if (kind == "rename_column") {
    op.expect({"table", "from", "to"});
    body["table"] = op.required_identifier("table").value;
    body["from"] = op.required_identifier("from").value;
    body["to"] = op.required_identifier("to").value;
  } else if (kind == "rename_table") {
    op.expect({"from", "to"});
    body["from"] = op.required_identifier("from").value;
    body["to"] = op.required_identifier("to").value;
  } else if (kind == "drop_table") {
    op.expect({"name"});
    body["table"] = op.required_identifier("name").value;
  } else if (kind == "drop_index") {
    op.expect({"name"});
    body["name"] = op.required_identifier("name").value;
  } else if (kind == "rename_constraint") {
    op.expect({"table", "from", "to"});
    body["table"] = op.required_identifier("table").value;
    body["from"] = op.required_identifier("from").value;
    body["to"] = op.required_identifier("to").value;
  }
  op.finish();
  return Json{{kind, body}};
}

} // namespace orchestrate::pgroll
