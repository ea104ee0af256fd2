// What a view cannot do. rename_table and drop_table leave a view under the old name from
// expand to contract; PostgreSQL refuses COPY and TRUNCATE on a view, and pg_dump -t of a view
// dumps its definition and no rows. pg_stat_statements is the only record of what the
// application runs, so the rule reads it where it is installed and stays silent elsewhere.
#include <fmt/format.h>

#include <regex>

#include "lint/lint.hpp"

namespace orchestrate {

namespace {
// COPY <table> / COPY <schema>.<table> / TRUNCATE [TABLE] [ONLY] <list naming the table>.
bool names_table(const std::string& query, const std::string& schema, const std::string& table) {
  const std::string name = "(\"?" + schema + "\"?\\.)?\"?" + table + "\"?";
  const std::regex copy("^\\s*copy\\s+" + name + "($|[^A-Za-z0-9_$.\"])", std::regex::icase);
  const std::regex truncate("^\\s*truncate\\b(.*[\\s,])?" + name + "($|[^A-Za-z0-9_$.\"])",
                            std::regex::icase);
  return std::regex_search(query, copy) || std::regex_search(query, truncate);
}

std::string one_line(const std::string& query) {
  std::string out;
  for (char c : query) {
    out += (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
  }
  if (out.size() > 120) {
    out.resize(117);
    out += "...";
  }
  return out;
}
} // namespace

std::vector<LintWarning> lint_view_limits(const std::vector<LintChange>& changes,
                                          const std::string& schema,
                                          const LintLive& live) {
  std::vector<LintWarning> out;
  if (live.catalog == nullptr) {
    return out;
  }
  for (const auto& c : changes) {
    const ChangeFacts& f = c.facts;
    if (!f.removes_table || f.table.empty()) {
      continue;
    }
    for (const auto& s : live.copy_or_truncate) {
      if (!names_table(s.query, schema, f.table)) {
        continue;
      }
      const bool copy = std::regex_search(s.query, std::regex("^\\s*copy", std::regex::icase));
      out.push_back(
          {"view-limits", c.mark,
           fmt::format("{}: from expand to contract {} is a view, and pg_stat_statements shows "
                       "`{}` ({} calls), which fails on a view{}",
                       c.kind, f.table, one_line(s.query), s.calls,
                       copy ? " (pg_dump -t of it dumps no rows either)" : ""),
           !f.table_renamed_to.empty()
               ? fmt::format("move that {} to the new name as soon as expand has run (the table "
                             "is there under it from then on), or hold it until contract",
                             copy ? "COPY" : "TRUNCATE")
               : std::string("stop running it before expand: a dropped table has no other "
                             "name to reach it by")});
    }
  }
  return out;
}

} // namespace orchestrate
