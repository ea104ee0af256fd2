#include "fleet/targets_schema.hpp"

#include "plan/json_schema.hpp"

namespace orchestrate {

namespace {
using json = nlohmann::json;

json name(const char* description) {
  return {{"type", "string"},
          {"pattern", "^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$"},
          {"description", description}};
}

json target_schema() {
  json t = {{"type", "object"},
            {"properties",
             {{"name", name("the target's name in output, events and metrics (label target)")},
              {"url", {{"type", "string"},
                       {"minLength", 1},
                       {"description", "libpq URI or key=value string"}}},
              {"url_env", {{"type", "string"},
                           {"pattern", "^[A-Za-z_][A-Za-z0-9_]*$"},
                           {"description", "the environment variable holding the URL, so no "
                                           "secret sits in the file"}}},
              {"backfill", backfill_json_schema()}}},
            {"required", json::array({"name"})},
            {"oneOf", json::array({{{"required", json::array({"url"})}},
                                   {{"required", json::array({"url_env"})}}})},
            {"additionalProperties", false}};
  return t;
}

json wave_schema() {
  return {{"type", "object"},
          {"properties",
           {{"name", {{"type", "string"}, {"minLength", 1}, {"description", "the wave's name"}}},
            {"parallel", {{"type", "integer"},
                          {"minimum", 1},
                          {"maximum", 1000},
                          {"description", "how many of the wave's targets copy at once "
                                          "(default 1)"}}},
            {"targets", {{"type", "array"}, {"minItems", 1}, {"items", target_schema()}}}}},
          {"required", json::array({"name", "targets"})},
          {"additionalProperties", false}};
}
} // namespace

json targets_json_schema() {
  json schema = {{"type", "object"},
                 {"properties",
                  {{"waves", {{"type", "array"},
                              {"minItems", 1},
                              {"items", wave_schema()},
                              {"description", "waves in order; the first is the canary"}}}}},
                 {"required", json::array({"waves"})},
                 {"additionalProperties", false}};
  schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  schema["title"] = "orchestrate targets file";
  return schema;
}

} // namespace orchestrate
