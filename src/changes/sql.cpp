// sql: the escape hatch. `up` runs in one transaction at expand, or at contract with
// `on_complete: true`; `down` is the rollback. Both are SQL the plan's author wrote and
// reviewers read like code; they are run as given, so they must be safe to run twice (IF NOT
// EXISTS, CREATE OR REPLACE), because a crash between a step and its record runs it again.
// Without `down`, an `up` that ran at expand cannot be undone: rollback is then refused before
// it undoes anything. An `up` that runs at contract never needs one, since nothing rolls back
// once contract has started.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"

namespace orchestrate {

namespace {

class RawSql final : public Change {
public:
  RawSql(Located<std::string> up, std::optional<Located<std::string>> down, bool on_complete)
      : m_up(std::move(up)), m_down(std::move(down)), m_on_complete(on_complete) {}

  std::string_view kind() const override { return "sql"; }

  // What the SQL touches is unknown; it conflicts with nothing it could be checked against.
  std::vector<Touch> touches() const override { return {}; }

  void validate(const ChangeContext& ctx) const override { (void)ctx; }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    (void)ctx;
    PhaseWork w;
    if (phase == (m_on_complete ? Phase::contract : Phase::expand)) {
      // The author vouches for running it twice; orchestrate cannot.
      w.steps.push_back({.id = step_id("up"), .sql = m_up.value, .under_lock_timeout = false});
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    (void)ctx;
    if (m_on_complete || !m_down) {
      return {};
    }
    return {{.id = "rollback." + step_id("down"), .sql = m_down->value}};
  }

  std::string rollback_refused(Phase /*reached*/, const ChangeContext& ctx) const override {
    if (m_on_complete || m_down) {
      return {};
    }
    return fmt::format("{}:{}:{}: the sql change there has no `down`, so the `up` it ran at "
                       "expand cannot be undone",
                       ctx.file, mark().line, mark().column);
  }

  ChangeFacts facts() const override { return {.sql = m_up}; }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    (void)catalog;
    (void)ctx;
  }

private:
  // Named by the change's position in the file, so two sql changes never share an id.
  std::string step_id(const char* what) const {
    return fmt::format("sql.line{}.{}", mark().line, what);
  }

  Located<std::string> m_up;
  std::optional<Located<std::string>> m_down;
  bool m_on_complete;
};

bool holds_sql(const std::string& s) {
  return s.find_first_not_of(" \t\n;") != std::string::npos;
}

} // namespace

std::unique_ptr<Change> parse_sql(Fields& fields) {
  fields.expect({"up", "down", "on_complete"});
  auto up = fields.required_string("up");
  auto down = fields.optional_string("down");
  const auto on_complete = fields.optional_bool("on_complete");
  fields.finish();
  if (!holds_sql(up.value)) {
    fields.fail(up.mark, "sql: 'up' must hold SQL");
  }
  if (down && !holds_sql(down->value)) {
    fields.fail(down->mark, "sql: 'down' must hold SQL (or leave it out)");
  }
  const bool at_contract = on_complete && on_complete->value;
  if (at_contract && down) {
    fields.fail(down->mark, "sql: 'down' cannot go with 'on_complete: true': the up runs at "
                            "contract, after which nothing is rolled back");
  }
  return std::make_unique<RawSql>(std::move(up), std::move(down), at_contract);
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json sql_fields() {
  using namespace json_fields;
  return object({{"up", expr("SQL run at expand (at contract with on_complete), in one "
                                "transaction; must be safe to run twice")},
                     {"down", expr("SQL that undoes `up`, run by rollback; without it, rollback "
                                   "past this change is refused (not with on_complete)")},
                     {"on_complete", boolean("true: `up` runs at contract instead of expand "
                                             "(default false)")}},
                    {"up"});
}
} // namespace

ChangeKind change_kind_sql() {
  return {.name = "sql",
          .doc = "The escape hatch: up runs at expand in one transaction, down on rollback. Both "
                 "must be safe to run twice. `orchestrate lint` checks up with PostgreSQL's own "
                 "parser (an index built under a lock that blocks writes: CREATE INDEX without "
                 "CONCURRENTLY, ADD UNIQUE or PRIMARY KEY without USING INDEX, ADD ... EXCLUDE; a "
                 "scan or rewrite under one; ...). down may be left out: once up has run, "
                 "`orchestrate rollback` is then refused (exit 2, naming the change's "
                 "file:line:col) before it undoes anything, and `plan` and `lint` (sql-no-down) "
                 "say so. on_complete: true runs up at contract instead (`plan` prints it in "
                 "phase 5), after the changes before it; it takes no down, since nothing rolls "
                 "back once contract has started.",
          .example = text_block(R"yaml(
- sql:
    up: CREATE TABLE IF NOT EXISTS feature_flags (name text PRIMARY KEY, enabled boolean)
    down: DROP TABLE IF EXISTS feature_flags
# At contract, without down.
- sql: {up: "ANALYZE users", on_complete: true}
)yaml"),
          .parse = &parse_sql,
          .fields = &sql_fields};
}

} // namespace orchestrate
