// A parsed plan as lint sees it, and every rule family run over it.
#include "lint/lint.hpp"

#include <algorithm>

#include "changes/change.hpp"

namespace orchestrate {

namespace {
// The indentation of the literal block (`|`) at `mark`, whose lines map one to one onto the
// file; 0 when the scalar there is not a literal block.
int literal_block_indent(const std::string& text, const Mark& mark) {
  std::size_t pos = 0;
  for (int line = 1; line < mark.line && pos != std::string::npos; ++line) {
    pos = text.find('\n', pos);
    pos = pos == std::string::npos ? pos : pos + 1;
  }
  if (pos == std::string::npos) {
    return 0;
  }
  pos += static_cast<std::size_t>(mark.column - 1);
  if (pos >= text.size() || text[pos] != '|') {
    return 0;
  }
  // The first line after the indicator that is not blank sets the indentation.
  for (pos = text.find('\n', pos); pos != std::string::npos; pos = text.find('\n', pos + 1)) {
    const auto first = text.find_first_not_of(' ', pos + 1);
    if (first != std::string::npos && text[first] != '\n') {
      return static_cast<int>(first - pos - 1);
    }
  }
  return 0;
}

} // namespace

std::vector<LintChange> lint_changes(const Plan& plan) {
  // rollback_refused reads only what the change was given; the schema does not matter to it.
  const Catalog none;
  const ChangeContext ctx{.file = plan.file, .plan = plan.name.value, .schema = plan.schema,
                          .before = none};
  std::vector<LintChange> out;
  for (const auto& change : plan.changes) {
    LintChange c{.mark = change->mark(),
                 .facts = change->facts(),
                 .rollback_refused = change->rollback_refused(Phase::expand, ctx)};
    c.kind = c.facts.written_as.empty() ? std::string(change->kind()) : c.facts.written_as;
    if (c.facts.sql) {
      c.sql_block_indent = literal_block_indent(plan.body, c.facts.sql->mark);
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<LintWarning> lint_plan(const Plan& plan, const LintLive& live) {
  const std::string& schema = plan.schema;
  const auto changes = lint_changes(plan);
  std::vector<LintWarning> out;
  for (const auto& c : changes) {
    if (c.facts.sql) {
      auto w = lint_sql(c.facts.sql->value, c.facts.sql->mark, c.sql_block_indent);
      out.insert(out.end(), w.begin(), w.end());
    }
  }
  auto rollback = lint_sql_rollback(changes);
  out.insert(out.end(), rollback.begin(), rollback.end());
  auto transitions = lint_transitions(changes, schema, live);
  out.insert(out.end(), transitions.begin(), transitions.end());
  auto deps = lint_dependencies(changes, schema, live);
  out.insert(out.end(), deps.begin(), deps.end());
  auto limits = lint_view_limits(changes, schema, live);
  out.insert(out.end(), limits.begin(), limits.end());
  auto keys = lint_keys(changes, schema, live);
  out.insert(out.end(), keys.begin(), keys.end());
  auto metadata = lint_metadata(changes, schema, live);
  out.insert(out.end(), metadata.begin(), metadata.end());
  auto design = lint_design(changes);
  out.insert(out.end(), design.begin(), design.end());
  std::stable_sort(out.begin(), out.end(), [](const LintWarning& a, const LintWarning& b) {
    return a.mark.line < b.mark.line;
  });
  return out;
}

} // namespace orchestrate
