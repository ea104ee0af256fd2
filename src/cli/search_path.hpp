#pragma once

#include <string>

#include "core/ident.hpp"
#include "core/work.hpp"
#include "state/store.hpp"

namespace orchestrate {

// Which application a connection string is for: the one deployed when the plan started, or
// the one that expects the plan's final shape.
enum class App { old_app, new_app };

// The search_path `app` must use while plan `r` is under way: its version schema, then the
// plan's own schema, joined by `separator`. Empty when the plain search_path will do: the plan
// keeps no version schemas (it only adds tables), or it is done (contract dropped them) or
// rolled back.
inline std::string app_search_path(const PlanRecord& r, App app, const std::string& separator) {
  const std::string& schema =
      app == App::new_app ? r.work.version_schema : r.work.old_version_schema;
  if (schema.empty() || !r.state.active()) {
    return "";
  }
  return quote_ident(schema) + separator + quote_ident(r.work.base_schema);
}

// The `-c` argument that marks the new application's sessions (empty for the old one, and once
// the plan is done or rolled back).
inline std::string app_marker(const PlanRecord& r, App app) {
  if (app == App::old_app || !r.state.active()) {
    return "";
  }
  return std::string("-c ") + k_new_app_setting + "=" + r.name;
}

// The `options` `app` connects with while plan `r` is under way: its search_path (when the plan
// keeps version schemas) and, for the new application, the marker that tells the dual-write
// trigger which application wrote. Inside `options` a space separates arguments; neither part
// has one (quote_ident never adds spaces to a plain plan name, and the path is joined by ",").
// Empty once the plan is done or rolled back, and for an old application that needs nothing.
inline std::string app_options(const PlanRecord& r, App app) {
  if (!r.state.active()) {
    return "";
  }
  std::string out;
  if (const auto path = app_search_path(r, app, ","); !path.empty()) {
    out = "-c search_path=" + path;
  }
  const std::string marker = app_marker(r, app);
  return out + (out.empty() || marker.empty() ? "" : " ") + marker;
}

} // namespace orchestrate
