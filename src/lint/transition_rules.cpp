// Rules on column transitions: expressions that narrow silently, and backfills that fire the
// table's own triggers.
#include <fmt/format.h>

#include <regex>

#include "lint/lint.hpp"

namespace orchestrate {

namespace {

// What in an expression narrows a value instead of failing: an explicit cast to a length or
// precision (truncates or rounds where an assignment would fail), or a rounding function.
std::string narrowing_part(const std::string& expr) {
  static const std::regex k_cast(
      R"((::\s*|\bAS\s+)(varchar|character\s+varying|char|character|bpchar|numeric|decimal|bit)\s*\([^)]*\))",
      std::regex::icase);
  static const std::regex k_rounding(R"(\b(round|trunc|floor|ceil|ceiling|left)\s*\()",
                                     std::regex::icase);
  std::smatch m;
  if (std::regex_search(expr, m, k_cast) || std::regex_search(expr, m, k_rounding)) {
    return m.str(0);
  }
  return "";
}

} // namespace

std::vector<LintWarning> lint_transitions(const std::vector<LintChange>& changes,
                                          const std::string& schema,
                                          const LintLive& live) {
  std::vector<LintWarning> out;
  for (const auto& c : changes) {
    for (const auto& e : c.facts.expressions) {
      const std::string& which = e.role;
      const std::string part = narrowing_part(e.sql.value);
      if (part.empty()) {
        continue;
      }
      const bool up = which != "down";
      out.push_back(
          {"narrowing-expression", e.sql.mark,
           fmt::format("{} of {} narrows with `{}`: a value that does not fit is {} silently, "
                       "where ALTER COLUMN TYPE would fail",
                       which, c.kind, part, up ? "cut or rounded" : "cut or rounded for the old "
                                                                     "application (the new "
                                                                     "application keeps what it "
                                                                     "wrote)"),
           up ? "leave out the cast so the value is assigned as ALTER COLUMN TYPE would (an "
                "error when it does not fit), and fix the rows `validate` reports"
              : "make sure the old application can live with the narrowed value, or widen "
                "its column first"});
    }
    if (live.catalog == nullptr || !c.facts.needs_backfill || live.may_quiet_triggers) {
      continue;
    }
    const Table* table = live.catalog->table(schema, c.facts.table);
    if (table == nullptr) {
      continue;
    }
    std::string own;
    for (const auto& t : table->triggers) {
      if (t.rfind("_orc_", 0) != 0) {
        own += (own.empty() ? "" : ", ") + t;
      }
    }
    if (!own.empty()) {
      out.push_back(
          {"backfill-fires-triggers", c.mark,
           fmt::format("the backfill writes every row of {}, and its triggers ({}) fire for each "
                       "copied row (an updated_at moves, an audit row is written): this role "
                       "may not set session_replication_role to keep them quiet",
                       c.facts.table, own),
           "GRANT SET ON PARAMETER session_replication_role TO the role orchestrate connects as "
           "(PostgreSQL 15), or run the backfill as a superuser"});
    }
  }
  return out;
}

} // namespace orchestrate
