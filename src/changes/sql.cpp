// sql: the escape hatch. `up` runs at expand in one transaction and `down` is the rollback;
// the other phases have nothing to do. Both are SQL the plan's author wrote and reviewers
// read like code; they are run as given, so they must be safe to run twice (IF NOT EXISTS,
// CREATE OR REPLACE), because a crash between a step and its record runs it again.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kinds.hpp"
#include "core/errors.hpp"

namespace orchestrate {

namespace {

class RawSql final : public Change {
public:
  RawSql(Located<std::string> up, Located<std::string> down)
      : m_up(std::move(up)), m_down(std::move(down)) {}

  std::string_view kind() const override { return "sql"; }

  // What the SQL touches is unknown; it conflicts with nothing it could be checked against.
  std::vector<Touch> touches() const override { return {}; }

  void validate(const ChangeContext& ctx) const override { (void)ctx; }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    (void)ctx;
    PhaseWork w;
    if (phase == Phase::expand) {
      // The author vouches for running it twice; orchestrate cannot.
      w.steps.push_back({step_id("up"), m_up.value, true, false});
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    (void)ctx;
    return {{"rollback." + step_id("down"), m_down.value}};
  }

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
  Located<std::string> m_down;
};

} // namespace

std::unique_ptr<Change> parse_sql(Fields& fields) {
  fields.expect({"up", "down"});
  auto up = fields.required_string("up");
  auto down = fields.required_string("down");
  fields.finish();
  for (const auto* s : {&up, &down}) {
    if (s->value.find_first_not_of(" \t\n;") == std::string::npos) {
      fields.fail(s->mark, "sql: 'up' and 'down' must hold SQL");
    }
  }
  return std::make_unique<RawSql>(std::move(up), std::move(down));
}

} // namespace orchestrate
