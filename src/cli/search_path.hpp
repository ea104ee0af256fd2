#pragma once

#include <string>

#include "core/ident.hpp"
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

} // namespace orchestrate
