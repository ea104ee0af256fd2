#include "planner/merge_backfills.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "changes/steps.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

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
  const std::string l = lower(out);
  if (l == "character" || l == "char") {
    out = "bpchar";
  } else if (l == "bit") {
    out = "varbit";
  }
  return out + dims;
}

// Each column set only where `reached_not` holds; elsewhere it keeps its value. The value is
// cast to the column's type so the CASE's two branches have one type (an integer into a text
// column is an assignment PostgreSQL allows, a CASE of integer and text is not).
std::vector<Assignment> guarded(const BackfillSpec& spec) {
  std::vector<Assignment> out;
  for (const auto& a : spec.sets) {
    const std::string value =
        a.type.empty() ? a.value : fmt::format("CAST({} AS {})", a.value, uncapped(a.type));
    out.push_back({.column = a.column,
                   .value = fmt::format("CASE WHEN ({}) THEN {} ELSE {} END", spec.differs, value,
                                        quote_ident(a.column)),
                   .type = a.type});
  }
  return out;
}

bool same_copy_target(const BackfillSpec& a, const BackfillSpec& b) {
  return a.schema == b.schema && a.table == b.table && a.key == b.key &&
         a.key_types == b.key_types && !a.sets.empty() && !b.sets.empty();
}

} // namespace

BackfillSpec merge_backfills(const BackfillSpec& a, const BackfillSpec& b) {
  BackfillSpec m = a;
  m.id = a.id + "+" + b.id;
  m.sets = guarded(a);
  for (auto& s : guarded(b)) {
    m.sets.push_back(std::move(s));
  }
  m.assignments = assignments_sql(m.sets);
  m.differs = fmt::format("({}) OR ({})", a.differs, b.differs);
  m.invalid = fmt::format("({}) OR ({})", a.gate_predicate(), b.gate_predicate());
  return m;
}

void add_backfills(std::vector<BackfillSpec>& into, const std::vector<BackfillSpec>& more) {
  for (const auto& b : more) {
    auto same = std::find_if(into.begin(), into.end(),
                             [&](const BackfillSpec& a) { return same_copy_target(a, b); });
    if (same == into.end()) {
      into.push_back(b);
    } else {
      *same = merge_backfills(*same, b);
    }
  }
}

} // namespace orchestrate
