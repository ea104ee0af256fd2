// Rules for objects that a change would break: views and rules that read a column or table the
// change removes at contract (contract's DROP would fail, or with CASCADE take the view with it),
// and functions whose body mentions them. Function bodies are text to PostgreSQL until they run,
// so that search is by name and best effort: it can miss dynamic SQL and can flag a comment.
#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "lint/lint.hpp"

namespace orchestrate {

namespace {
bool mentions_word(const std::string& text, const std::string& word) {
  const std::regex re("(^|[^A-Za-z0-9_$])" + word + "($|[^A-Za-z0-9_$])", std::regex::icase);
  return std::regex_search(text, re);
}

std::string qualified(const std::string& schema, const std::string& table) {
  return schema + "." + table;
}

void check_views(const LintChange& c,
                 const std::string& schema,
                 const LintLive& live,
                 std::vector<LintWarning>& out) {
  const ChangeFacts& f = c.facts;
  const std::string table = qualified(schema, f.table);
  for (const auto& v : live.views) {
    if (v.table != table && v.table != f.table) {
      continue;
    }
    const bool whole_table = f.removes_table;
    const bool column_hit = !v.column.empty() &&
                            std::find(f.removed.begin(), f.removed.end(), v.column) !=
                                f.removed.end();
    if (!whole_table && !column_hit) {
      continue;
    }
    const std::string what = whole_table ? "table " + f.table : f.table + "." + v.column;
    out.push_back(
        {"dependent-view", c.mark,
         fmt::format("{}: {} reads {}, which this change removes at contract; contract would "
                     "fail on it",
                     c.kind, v.view, what),
         fmt::format("redefine {} on the new schema (an sql change in a plan that runs before "
                     "this one reaches contract), or drop it if nothing uses it",
                     v.view)});
  }
}

void check_functions(const LintChange& c, const LintLive& live, std::vector<LintWarning>& out) {
  const ChangeFacts& facts = c.facts;
  for (const auto& f : live.functions) {
    if (!mentions_word(f.source, facts.table)) {
      continue;
    }
    std::string hit;
    if (facts.removes_table) {
      hit = "table " + facts.table;
    } else {
      for (const auto& column : facts.removed) {
        if (mentions_word(f.source, column)) {
          hit = facts.table + "." + column;
          break;
        }
      }
    }
    if (hit.empty()) {
      continue;
    }
    out.push_back(
        {"dependent-function", c.mark,
         fmt::format("{}: the body of function {} mentions {}, which this change removes at "
                     "contract; it will fail when called afterwards (found by name in the "
                     "function's source: best effort, check it by hand)",
                     c.kind, f.name, hit),
         fmt::format("update {} to the new name before contract (CREATE OR REPLACE FUNCTION in "
                     "an sql change)",
                     f.name)});
  }
}
} // namespace

std::vector<LintWarning> lint_dependencies(const std::vector<LintChange>& changes,
                                           const std::string& schema,
                                           const LintLive& live) {
  std::vector<LintWarning> out;
  if (live.catalog == nullptr) {
    return out;
  }
  for (const auto& c : changes) {
    if (c.facts.table.empty() || (c.facts.removed.empty() && !c.facts.removes_table)) {
      continue;
    }
    check_views(c, schema, live, out);
    check_functions(c, live, out);
  }
  return out;
}

} // namespace orchestrate
