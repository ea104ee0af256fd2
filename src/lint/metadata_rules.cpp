// Rules for the kinds that change only the catalog (drop_index, set_replica_identity,
// rename_constraint): they take no long lock, but what they change can still hurt the running
// application, which the live catalog shows. And add_exclusion, the one kind that holds a lock
// for a whole index build, which lint states with the table's size.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "lint/lint.hpp"

namespace orchestrate {

namespace {

// True when `index` leads with exactly the columns of `key`, in any order.
bool serves(const Index& index, const std::vector<std::string>& key) {
  if (index.uses_expression || index.columns.size() < key.size()) {
    return false;
  }
  std::vector<std::string> lead(index.columns.begin(),
                                index.columns.begin() + static_cast<long>(key.size()));
  std::vector<std::string> want = key;
  std::sort(lead.begin(), lead.end());
  std::sort(want.begin(), want.end());
  return lead == want;
}

// A foreign key whose referencing columns only this index serves: each DELETE (or key UPDATE)
// of a referenced row then scans the whole referencing table.
void drop_index(const LintChange& c,
                const std::string& name,
                const std::string& schema,
                const LintLive& live,
                std::vector<LintWarning>& out) {
  for (const auto& [key, table] : live.catalog->tables) {
    if (table.schema != schema) {
      continue;
    }
    auto it = std::find_if(table.indexes.begin(), table.indexes.end(),
                           [&](const Index& i) { return i.name == name; });
    if (it == table.indexes.end()) {
      continue;
    }
    for (const auto& con : table.constraints) {
      if (con.type != 'f' || !serves(*it, con.columns)) {
        continue;
      }
      const bool other = std::any_of(table.indexes.begin(), table.indexes.end(),
                                     [&](const Index& i) {
                                       return i.name != name && i.valid && serves(i, con.columns);
                                     });
      if (other) {
        continue;
      }
      out.push_back(
          {"drop-index-foreign-key", c.mark,
           fmt::format("drop_index: {} is the only index serving foreign key {} of {}; without "
                       "it every DELETE or key UPDATE on {} scans the whole of {}",
                       name, con.name, table.name, con.foreign_table, table.name),
           fmt::format("keep it, or first create another index leading with the foreign key's "
                       "columns (a create_index change)")});
    }
  }
}

void replica_identity(const LintChange& c, std::vector<LintWarning>& out) {
  if (c.facts.full_replica_identity) {
    out.push_back({"replica-identity-full", c.mark,
                   fmt::format("set_replica_identity: with FULL, every UPDATE and DELETE on {} "
                               "writes the whole old row to the WAL, and a subscriber without "
                               "a key finds each row by a scan",
                               c.facts.table),
                   "give the table a primary key (identity default) or a unique index over NOT "
                   "NULL columns (index: NAME) instead, where it has one"});
  }
}

void rename_constraint(const LintChange& c,
                       const std::string& from,
                       const LintLive& live,
                       std::vector<LintWarning>& out) {
  const std::regex word("(^|[^A-Za-z0-9_$])" + from + "($|[^A-Za-z0-9_$])", std::regex::icase);
  for (const auto& f : live.functions) {
    if (std::regex_search(f.source, word)) {
      out.push_back({"dependent-function", c.mark,
                     fmt::format("rename_constraint: the body of function {} mentions {}, which "
                                 "is renamed at contract (ON CONFLICT ON CONSTRAINT, an error "
                                 "handler matching its name); found by name: check it by hand",
                                 f.name, from),
                     fmt::format("update {} to the new name before contract", f.name)});
    }
  }
}

// An exclusion constraint's index is built under ACCESS EXCLUSIVE: say on what, for how many
// rows, unless an earlier change creates the table (it is empty then).
void exclusion_lock(const LintChange& c,
                    const LockedIndexBuild& build,
                    const std::vector<LintChange>& changes,
                    const std::string& schema,
                    const LintLive& live,
                    std::vector<LintWarning>& out) {
  for (const auto& earlier : changes) {
    if (&earlier == &c) {
      break;
    }
    if (earlier.facts.creates_table && earlier.facts.table == c.facts.table) {
      return;
    }
  }
  std::string size = "its size";
  if (live.catalog != nullptr) {
    if (const Table* t = live.catalog->table(schema, c.facts.table)) {
      size = fmt::format("about {:.0f} rows by its statistics", t->estimated_rows);
    }
  }
  out.push_back(
      {"exclusion-lock", c.mark,
       fmt::format("add_exclusion: contract's ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE holds "
                   "ACCESS EXCLUSIVE on {} ({}) for as long as its {} index takes to build: "
                   "no read or write of the table gets through meanwhile (PostgreSQL has no "
                   "CONCURRENTLY or USING INDEX for it); validate and contract refuse a table "
                   "over max_table_size ({})",
                   c.facts.table, size, build.method, build.max_table_size),
       "keep max_table_size as low as the table allows and run contract at a quiet time; on a "
       "large table, enforce the rule in the application or with a trigger instead"});
}

} // namespace

std::vector<LintWarning> lint_metadata(const std::vector<LintChange>& changes,
                                       const std::string& schema,
                                       const LintLive& live) {
  std::vector<LintWarning> out;
  for (const auto& c : changes) {
    replica_identity(c, out);
    if (c.facts.locked_index_build) {
      exclusion_lock(c, *c.facts.locked_index_build, changes, schema, live, out);
    }
    if (live.catalog == nullptr) {
      continue;
    }
    for (const auto& name : c.facts.dropped_indexes) {
      drop_index(c, name, schema, live, out);
    }
    for (const auto& from : c.facts.renamed_constraints) {
      rename_constraint(c, from, live, out);
    }
  }
  return out;
}

} // namespace orchestrate
