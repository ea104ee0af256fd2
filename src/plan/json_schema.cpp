#include "plan/json_schema.hpp"

#include <string>

#include "changes/kind.hpp"
#include "core/time_window.hpp"
#include "core/units.hpp"
#include "plan/json_fields.hpp"

namespace orchestrate {

namespace {
using json = nlohmann::json;
using namespace json_fields;

// Each change kind's fields, as the kind describes them in its own file, with its doc as the
// description editors show on hover.
json kinds() {
  json k;
  for (const auto& kind : change_kind_list()) {
    json fields = kind.fields();
    fields["description"] = std::string(kind.doc);
    k[std::string(kind.name)] = std::move(fields);
  }
  return k;
}

json change_schema() {
  json one_of = json::array();
  const json all = kinds();
  for (const auto& [kind, fields] : all.items()) {
    one_of.push_back(object({{kind, fields}}, {kind}));
  }
  return {{"description", "one change: a mapping with exactly one key, the change kind"},
          {"oneOf", one_of}};
}

json gates_schema() {
  const json checks = {{"type", "array"},
                       {"items", object({{"name", str("check name")},
                                         {"sql", expr("SQL returning one boolean")}},
                                        {"name", "sql"})}};
  json props;
  for (const char* phase : {"expand", "dual_write", "backfill", "transition", "contract"}) {
    props[phase] = checks;
  }
  return object(props, {});
}

} // namespace

json backfill_json_schema() {
  return object(
      {{"batch_size", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10000000}}},
       {"max_rows_per_second", {{"type", "number"}, {"minimum", 1}}},
       {"window", {{"type", "string"},
                   {"pattern", std::string("^") + k_time_window_pattern + "$"},
                   {"description", "HH:MM-HH:MM (or H:MM), the hours the backfill may run"}}},
       {"workers", {{"type", "integer"}, {"minimum", 1}, {"maximum", 64}}},
       {"target_batch_ms", {{"type", "integer"}, {"minimum", 1}, {"maximum", 600000}}},
       {"max_replica_lag", pattern(k_duration_pattern,
                                   "hold while a standby is further behind than this, e.g. 2s")},
       {"max_replica_lag_bytes",
        pattern(k_size_pattern, "hold while a standby has more WAL than this to replay, e.g. 64MB")},
       {"replicas", {{"type", "array"},
                     {"items", {{"type", "string"}, {"minLength", 1}}},
                     {"description", "the standbys (application_name) the lag limits watch; "
                                     "default every standby"}}},
       {"max_wal_rate", pattern(k_rate_pattern, "hold while the server writes WAL faster than "
                                                "this many bytes a second, e.g. 16MB")},
       {"max_xact_age", pattern(k_duration_pattern, "hold while a transaction open longer than "
                                                    "this pins the xmin horizon, e.g. 10min")}},
      {});
}

json plan_json_schema() {
  json schema = object(
      {{"name", {{"type", "string"},
                 {"pattern", "^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$"},
                 {"description", "plan name (defaults to the file's stem)"}}},
       {"description", str("what the plan does, for people")},
       {"schema", ident("the schema the tables live in (default public)")},
       {"version_schema", {{"type", "string"},
                           {"pattern", "^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$"},
                           {"description", "the new application's version schema (default: the "
                                           "plan's name); the old application's is this name "
                                           "with _old"}}},
       {"changes", {{"type", "array"}, {"minItems", 1}, {"items", change_schema()}}},
       {"backfill", backfill_json_schema()},
       {"gates", gates_schema()},
       {"hooks", str("directory of event hooks (a relative path is taken from the working directory of `orchestrate next`)")}},
      {"changes"});
  schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  schema["title"] = "orchestrate change plan";
  return schema;
}

} // namespace orchestrate
