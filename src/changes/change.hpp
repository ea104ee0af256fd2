#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "changes/facts.hpp"
#include "core/catalog.hpp"
#include "core/work.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// What a change sees while it is planned: the plan it belongs to and the schema as it stands
// before this change (the live schema with the plan's earlier changes applied).
struct ChangeContext {
  std::string file{};
  std::string plan{};
  std::string schema{};
  const Catalog& before;
  // The live schema, for live checks: an expression compiles over a table as it exists now,
  // where a column an earlier change of the plan adds is a NULL of its type. Null: `before`.
  const Catalog* live = nullptr;
};

// How a change touches a column, for refusing two changes that conflict.
struct Touch {
  std::string table{};
  std::string column{}; // empty: the whole table
  bool modifies = true;
  Mark mark{};
};

// Something `validate` (and `start`) checks against the live database before anything runs, in
// a transaction that is always rolled back. The SQL is one or more statements; when
// `counts_rows` is set, the last one returns one row (count, example key, message) and a count
// above zero refuses the plan. An error refuses it too, pointing at `mark`.
struct LiveCheck {
  Mark mark{};
  std::string what{}; // "change_type.up", for the message
  std::string sql{};
  bool counts_rows = false;
  // The rows counted are shown by `validate` but do not refuse the plan (the change skips
  // them, and says how in `advice`).
  bool notice_only = false;
  // What to do about the rows counted; empty: fix them or write an expression that accepts them.
  std::string advice{};
};

// One kind of schema change. Changes return the SQL they need; they never run it. The planner
// concatenates their work phase by phase, `plan` prints it, and the runner executes it.
class Change {
public:
  virtual ~Change() = default;
  virtual std::string_view kind() const = 0;
  Mark mark() const { return m_mark; }
  void set_mark(Mark mark) { m_mark = mark; }

  virtual std::vector<Touch> touches() const = 0;
  // Throws PlanError, positioned at the offending field, when the change cannot apply.
  virtual void validate(const ChangeContext& ctx) const = 0;
  // Steps, gate checks and backfills of one phase. A phase the change does not need is empty.
  virtual PhaseWork work(Phase phase, const ChangeContext& ctx) const = 0;
  // Steps that undo every phase up to and including `reached`, leaving the schema as before.
  virtual std::vector<Step> rollback(Phase reached, const ChangeContext& ctx) const = 0;
  // Why rollback from `reached` cannot undo this change (an sql change without `down`), with
  // the change's file:line:col; empty when it can. Rollback then refuses to start.
  virtual std::string rollback_refused(Phase reached, const ChangeContext& ctx) const {
    (void)reached;
    (void)ctx;
    return {};
  }
  // What to check against the live database at `validate` (expressions, existing rows).
  virtual std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const {
    (void)ctx;
    return {};
  }
  // What the change says about itself from its parsed fields (facts.hpp), for lint. By
  // default: the table it touches first, and nothing else.
  virtual ChangeFacts facts() const {
    const auto touched = touches();
    return {.table = touched.empty() ? std::string() : touched.front().table};
  }
  // Updates a catalog to the shape this change leaves behind, so later changes see it.
  virtual void apply(Catalog& catalog, const ChangeContext& ctx) const = 0;

private:
  Mark m_mark;
};

class Fields;
using ChangeParser = std::unique_ptr<Change> (*)(Fields& fields);

// The parser of a change kind, or nullptr when the kind is unknown.
ChangeParser find_change_parser(std::string_view kind);
std::vector<std::string> change_kinds();

} // namespace orchestrate
