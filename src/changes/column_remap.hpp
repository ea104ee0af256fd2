#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "changes/change.hpp"
#include "changes/column_transition.hpp"
#include "core/work.hpp"

namespace orchestrate {

// Data moving from some columns to others under new names (split_column, merge_columns). The
// new columns are added at expand; the dual-write trigger computes them from the old ones (`up`,
// over the row as the old application sees it) and the old ones from them (`down`, over the
// row as the new application sees it), depending on which side a statement wrote; the backfill
// fills existing rows; contract drops the old columns. The new application simply uses the new
// names, so no version schema is needed.
struct RemapTarget {
  Located<std::string> name{};
  std::string type{};
  Located<std::string> expr{};
};

struct RemapSpec {
  std::string kind{};
  std::string id{};                     // for step ids
  Located<std::string> table{};
  std::vector<Located<std::string>> from{};
  std::vector<RemapTarget> into{};      // new columns, each with its up
  std::vector<RemapTarget> down{};      // old columns (name, expr; type is taken from the table)
};

// Reads one {name, type, up} mapping of a plan; `what` names it in errors.
RemapTarget parse_remap_target(const YAML::Node& node, const std::string& file,
                               const std::string& what);

void validate_remap(const RemapSpec& spec, const ChangeContext& ctx);
ColumnTransition remap_transition(const RemapSpec& spec, const ChangeContext& ctx);
std::vector<Touch> remap_touches(const RemapSpec& spec);
// The old columns go at contract; the new ones are copied by their `up`, the old by `down`.
ChangeFacts remap_facts(const RemapSpec& spec);
void remap_apply(const RemapSpec& spec, Catalog& catalog, const ChangeContext& ctx);

} // namespace orchestrate
