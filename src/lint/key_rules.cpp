// Rules about keys to page by: the backfill walks a table in primary-key ranges, so a change
// that copies data into a table without a primary key (or a unique NOT NULL key) cannot run,
// and a table created without one cannot be changed that way later.
#include <fmt/format.h>

#include "lint/lint.hpp"

namespace orchestrate {

std::vector<LintWarning> lint_keys(const std::vector<LintChange>& changes,
                                   const std::string& schema,
                                   const LintLive& live) {
  std::vector<LintWarning> out;
  for (const auto& c : changes) {
    const ChangeFacts& f = c.facts;
    if (f.creates_table && !f.creates_primary_key) {
      out.push_back({"no-primary-key", c.mark,
                     fmt::format("create_table {} has no primary key: replication, updates by "
                                 "key and every later backfill on it need one",
                                 f.table),
                     "add `primary_key: [id]` (or `primary_key: true` on a column)"});
    }
    if (!f.needs_backfill || live.catalog == nullptr || f.table.empty()) {
      continue;
    }
    const Table* t = live.catalog->table(schema, f.table);
    if (t != nullptr && t->row_key().empty()) {
      out.push_back({"no-key-to-page-by", c.mark,
                     fmt::format("{}: table {} has no primary key or unique NOT NULL key, so the "
                                 "backfill has nothing to page by and will refuse to run",
                                 c.kind, f.table),
                     "add a primary key first (a create_index with unique: true on a NOT NULL "
                     "column, then ALTER TABLE ... ADD PRIMARY KEY USING INDEX)"});
    }
  }
  return out;
}

} // namespace orchestrate
