#include "planner/merge_backfills.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "changes/steps.hpp"
#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

// The type without its length, precision or size, so that a CAST to it converts a value as an
// assignment to the column would and never truncates it: `varchar(5)` becomes `varchar`, whose
// assignment to the column then refuses a longer value. `char(n)` and `bit(n)` become `bpchar`
// and `varbit`, since a bare `char` or `bit` means a length of one.
std::string uncapped(const std::string& type) {
  std::string out;
  int depth = 0;
  for (char c : type) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (depth == 0) {
      if (c == ' ' && (out.empty() || out.back() == ' ')) {
        continue;
      }
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  std::string dims;
  while (out.size() >= 2 && out.compare(out.size() - 2, 2, "[]") == 0) {
    dims += "[]";
    out.resize(out.size() - 2);
    while (!out.empty() && out.back() == ' ') {
      out.pop_back();
    }
  }
  const std::string l = lowercase(out);
  if (l == "character" || l == "char") {
    out = "bpchar";
  } else if (l == "bit") {
    out = "varbit";
  }
  return out + dims;
}

// One copy's columns, each set only in the rows that copy has not reached (`differs`);
// elsewhere it keeps its value. The value is cast to the column's type so the CASE's two
// branches have one type (an integer into a text column is an assignment PostgreSQL allows, a
// CASE of integer and text is not).
void add_guarded(const BackfillSpec& spec, std::vector<Assignment>& out) {
  for (const auto& a : spec.sets) {
    const std::string value =
        a.type.empty() ? a.value : fmt::format("CAST({} AS {})", a.value, uncapped(a.type));
    out.push_back({.column = a.column,
                   .value = fmt::format("CASE WHEN ({}) THEN {} ELSE {} END", spec.differs, value,
                                        quote_ident(a.column)),
                   .type = a.type});
  }
}

bool same_copy_target(const BackfillSpec& a, const BackfillSpec& b) {
  return a.schema == b.schema && a.table == b.table && a.key == b.key &&
         a.key_types == b.key_types && !a.sets.empty() && !b.sets.empty();
}

// The copies of one table as one: the first one's table and key, every copy's columns.
BackfillSpec merged(const std::vector<const BackfillSpec*>& parts) {
  BackfillSpec m = *parts.front();
  m.id.clear();
  m.sets.clear();
  m.differs.clear();
  // The gates keep each change's own parity check; the merged copy needs only `differs`.
  m.invalid.clear();
  for (const auto* p : parts) {
    m.id += (m.id.empty() ? "" : "+") + p->id;
    m.differs += (m.differs.empty() ? "(" : " OR (") + p->differs + ")";
    add_guarded(*p, m.sets);
  }
  m.assignments = assignments_sql(m.sets);
  return m;
}

} // namespace

std::vector<BackfillSpec> merge_backfills(const std::vector<BackfillSpec>& copies) {
  std::vector<std::vector<const BackfillSpec*>> tables;
  for (const auto& c : copies) {
    auto same = std::find_if(tables.begin(), tables.end(), [&](const auto& parts) {
      return same_copy_target(*parts.front(), c);
    });
    if (same == tables.end()) {
      tables.push_back({&c});
    } else {
      same->push_back(&c);
    }
  }
  std::vector<BackfillSpec> out;
  for (const auto& parts : tables) {
    out.push_back(parts.size() == 1 ? *parts.front() : merged(parts));
  }
  return out;
}

} // namespace orchestrate
