// Rules about keys to page by: the backfill walks a table in primary-key ranges, so a change
// that copies data into a table without a primary key (or a unique NOT NULL key) cannot run,
// and a table created without one cannot be changed that way later.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "lint/lint.hpp"

namespace orchestrate {

namespace {
bool creates_key(const YAML::Node& fields) {
  if (fields["primary_key"].IsDefined()) {
    return true;
  }
  const YAML::Node constraints = fields["constraints"];
  if (constraints && constraints.IsSequence()) {
    for (const auto& c : constraints) {
      if (c.IsMap() && c["type"].IsDefined() && c["type"].as<std::string>() == "primary_key") {
        return true;
      }
    }
  }
  const YAML::Node columns = fields["columns"];
  if (!columns || !columns.IsSequence()) {
    return false;
  }
  for (const auto& c : columns) {
    if (c.IsMap() && c["primary_key"].IsDefined() && c["primary_key"].as<std::string>() == "true") {
      return true;
    }
  }
  return false;
}
} // namespace

std::vector<LintWarning> lint_keys(const std::vector<LintChange>& changes,
                                   const std::string& text,
                                   const std::string& schema,
                                   const LintLive& live) {
  std::vector<LintWarning> out;
  const YAML::Node list = YAML::Load(text)["changes"];
  for (std::size_t i = 0; i < changes.size() && list && i < list.size(); ++i) {
    const auto& c = changes[i];
    if (c.kind == "create_table" && !creates_key(list[i].begin()->second)) {
      out.push_back({"no-primary-key", c.mark,
                     fmt::format("create_table {} has no primary key: replication, updates by "
                                 "key and every later backfill on it need one",
                                 c.table),
                     "add `primary_key: [id]` (or `primary_key: true` on a column)"});
    }
    if (!c.needs_backfill || live.catalog == nullptr || c.table.empty()) {
      continue;
    }
    const Table* t = live.catalog->table(schema, c.table);
    if (t != nullptr && t->row_key().empty()) {
      out.push_back({"no-key-to-page-by", c.mark,
                     fmt::format("{}: table {} has no primary key or unique NOT NULL key, so the "
                                 "backfill has nothing to page by and will refuse to run",
                                 c.kind, c.table),
                     "add a primary key first (a create_index with unique: true on a NOT NULL "
                     "column, then ALTER TABLE ... ADD PRIMARY KEY USING INDEX)"});
    }
  }
  return out;
}

} // namespace orchestrate
