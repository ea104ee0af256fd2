#pragma once

#include <string>

#include "core/ident.hpp"
#include "core/work.hpp"
#include "state/store.hpp"

namespace orchestrate {

// The search_path the new application must use while plan `r` is under way: the plan's version
// schema, then the plan's own schema, joined by `separator`. Empty when the plain search_path
// will do: the plan keeps no version schema, or it is done (contract dropped the schema) or
// rolled back.
inline std::string new_app_search_path(const PlanRecord& r, const std::string& separator) {
  if (r.work.version_schema.empty() || !r.state.active()) {
    return "";
  }
  return quote_ident(r.work.version_schema) + separator + quote_ident(r.work.base_schema);
}

// The `options` the new application connects with while plan `r` is under way: its
// search_path (when the plan keeps a version schema) and the marker that tells the dual-write
// trigger which application wrote. Inside `options` a space separates arguments; neither part
// has one (quote_ident never adds spaces to a plain plan name, and the path is joined by ",").
// Empty once the plan is done or rolled back.
inline std::string new_app_options(const PlanRecord& r) {
  if (!r.state.active()) {
    return "";
  }
  std::string out;
  if (const auto path = new_app_search_path(r, ","); !path.empty()) {
    out = "-c search_path=" + path + " ";
  }
  return out + "-c " + k_new_app_setting + "=" + r.name;
}

} // namespace orchestrate
