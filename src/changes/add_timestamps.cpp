// add_timestamps: created_at and updated_at on a table that has neither.
//
// Both columns are one column transition (column_transition.hpp), like add_column with a fill:
// added nullable with their default for new rows (now() unless the plan says otherwise), so
// ADD COLUMN never rewrites the table; the dual-write trigger gives the old application's
// inserts the default and keeps every value the new application writes as given; the backfill
// gives existing rows the plan's `fill` (a constant, another column, or now(): the time of the
// backfill batch's transaction); NOT NULL goes through a CHECK validated at transition.
//
// updated_at must also move when the old application, which does not know it, updates a row:
// from dual-write on, a touch trigger (touch_trigger.hpp) sets it to now() on every UPDATE that
// does not write it, and never rewrites a value an UPDATE wrote. `updated_by: database` keeps
// that trigger after contract, for both applications; `updated_by: application` makes it skip
// the new application's sessions and drops it at contract, when only the new application
// writes.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "changes/column_transition.hpp"
#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/touch_trigger.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/ranges.hpp"

namespace orchestrate {

namespace {

struct AddTimestampsSpec {
  Located<std::string> table;
  Located<std::string> created_at{"created_at", {}};
  Located<std::string> updated_at{"updated_at", {}};
  Located<std::string> type{"timestamptz", {}};
  Located<std::string> default_sql{"now()", {}};
  Located<std::string> fill;
  Located<std::string> updated_fill;
  bool application_sets_updated_at = false;
};

// Fills that cannot fail on any row, so validate need not scan the table for them.
bool cannot_fail(const std::string& fill) {
  return fill == "now()" || fill == "current_timestamp" || fill == "CURRENT_TIMESTAMP" ||
         fill == "transaction_timestamp()";
}

class AddTimestamps final : public Change {
public:
  explicit AddTimestamps(AddTimestampsSpec spec) : m_spec(std::move(spec)) {}

  std::string_view kind() const override { return "add_timestamps"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_spec.table.value,
             .column = m_spec.created_at.value,
             .mark = m_spec.created_at.mark},
            {.table = m_spec.table.value,
             .column = m_spec.updated_at.value,
             .mark = m_spec.updated_at.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_spec.table);
    require_no_column(ctx, table, m_spec.created_at);
    require_no_column(ctx, table, m_spec.updated_at);
    require_row_key(ctx, table, m_spec.table.mark);
    const TouchSpec touch = touch_spec(ctx);
    for (const auto& name : {touch_named_trigger(touch), touch_advance_trigger(touch)}) {
      if (contains(table.triggers, name)) {
        throw PlanError(ctx.file, m_spec.updated_at.mark.line, m_spec.updated_at.mark.column,
                        fmt::format("add_timestamps: {} already has a trigger named {}",
                                    table.name, name));
      }
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const TouchSpec touch = touch_spec(ctx);
    PhaseWork w = transition_work(describe(ctx), phase, table_of(ctx));
    if (phase == Phase::dual_write) {
      // After the dual-write trigger exists, and named to fire after it, so it advances the
      // row the dual-write produced.
      w.steps.push_back(touch_install_step(touch, step_id() + ".touch"));
      w.gate.push_back(touch_check(touch, step_id() + ".touch", true));
    } else if (phase == Phase::contract) {
      if (m_spec.application_sets_updated_at) {
        w.steps.push_back({.id = step_id() + ".drop_touch",
                           .sql = drop_touch_sql(touch),
                           .ends_dual_write = quote_qualified(ctx.schema, m_spec.table.value),
                           .drops_trigger = true});
        w.gate.push_back(touch_check(touch, step_id() + ".touch_gone", false));
      } else {
        w.gate.push_back(touch_check(touch, step_id() + ".touch", true));
      }
    }
    return w;
  }

  // One transaction: the touch triggers go first (one names updated_at), then the engine's
  // drop of the dual-write trigger, both columns and the marker.
  std::vector<Step> rollback(Phase, const ChangeContext& ctx) const override {
    std::vector<Step> steps = transition_rollback(describe(ctx), table_of(ctx));
    steps.front().sql = drop_touch_sql(touch_spec(ctx)) + ";\n" + steps.front().sql;
    return steps;
  }

  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    const Table* live = live_table(ctx, m_spec.table.value);
    auto out = transition_live_checks(describe(ctx), table_of(ctx), live);
    out.push_back(default_compiles("add_timestamps.default", m_spec.default_sql, m_spec.type.value,
                                   physical_view(table_of(ctx)), live));
    return out;
  }

  // updated_fill defaults to fill (the same expression at the same place).
  ChangeFacts facts() const override {
    ChangeFacts f{.table = m_spec.table.value, .needs_backfill = true};
    f.expressions.push_back({.role = "fill", .sql = m_spec.fill});
    const Mark& a = m_spec.fill.mark;
    const Mark& b = m_spec.updated_fill.mark;
    if (a.line != b.line || a.column != b.column) {
      f.expressions.push_back({.role = "fill", .sql = m_spec.updated_fill});
    }
    return f;
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_spec.table.value);
    if (table == nullptr) {
      return;
    }
    for (const auto* name : {&m_spec.created_at, &m_spec.updated_at}) {
      Column c;
      c.name = name->value;
      c.type = m_spec.type.value;
      c.not_null = true;
      c.default_sql = m_spec.default_sql.value;
      table->columns.push_back(c);
    }
    if (!m_spec.application_sets_updated_at) {
      const TouchSpec touch = touch_spec(ctx);
      table->triggers.push_back(touch_named_trigger(touch));
      table->triggers.push_back(touch_advance_trigger(touch));
    }
  }

private:
  std::string step_id() const { return "add_timestamps." + m_spec.table.value; }

  const Table& table_of(const ChangeContext& ctx) const {
    return *ctx.before.table(ctx.schema, m_spec.table.value);
  }

  TouchSpec touch_spec(const ChangeContext& ctx) const {
    const Table* table = ctx.before.table(ctx.schema, m_spec.table.value);
    const auto key = table != nullptr ? table->row_key() : std::vector<std::string>{};
    return {.plan = ctx.plan,
            .schema = ctx.schema,
            .table = m_spec.table.value,
            .column = m_spec.updated_at.value,
            .probe_column = key.empty() ? m_spec.created_at.value : key.front(),
            .old_app_only = m_spec.application_sets_updated_at};
  }

  // Each added column keeps what a write gave it (its default, for an INSERT that leaves it
  // out), else takes the fill: the old application never writes it, so `up` only ever fills a
  // row the backfill or its first write reaches.
  ColumnTransition describe(const ChangeContext& ctx) const {
    const Table& table = table_of(ctx);
    ColumnTransition t;
    t.kind = "add_timestamps";
    t.id = step_id();
    t.plan = ctx.plan;
    t.schema = ctx.schema;
    t.table = m_spec.table;
    t.name = "timestamps";
    t.up_reads_added = true;
    t.new_view = physical_view(table);
    const std::pair<const Located<std::string>*, const Located<std::string>*> columns[] = {
        {&m_spec.created_at, &m_spec.fill}, {&m_spec.updated_at, &m_spec.updated_fill}};
    for (const auto& [name, fill] : columns) {
      AddedColumn a{.name = name->value,
                    .type = m_spec.type.value,
                    .default_sql = m_spec.default_sql.value,
                    .not_null = true,
                    .up = {fmt::format("COALESCE({}, ({}))", quote_ident(name->value), fill->value),
                           fill->mark},
                    .up_cannot_fail = cannot_fail(fill->value)};
      t.added.push_back(std::move(a));
      t.new_view.push_back(
          {.name = name->value, .physical = name->value, .type = m_spec.type.value});
    }
    return t;
  }

  AddTimestampsSpec m_spec;
};

} // namespace

std::unique_ptr<Change> parse_add_timestamps(Fields& fields) {
  fields.expect({"table", "fill", "updated_fill", "created_at", "updated_at", "type", "default",
                 "updated_by"});
  AddTimestampsSpec spec;
  spec.table = fields.required_identifier("table");
  spec.fill = fields.required_string("fill");
  spec.updated_fill = fields.optional_string("updated_fill").value_or(spec.fill);
  if (auto c = fields.optional_identifier("created_at")) {
    spec.created_at = *c;
  } else {
    spec.created_at.mark = spec.table.mark;
  }
  if (auto u = fields.optional_identifier("updated_at")) {
    spec.updated_at = *u;
  } else {
    spec.updated_at.mark = spec.table.mark;
  }
  if (auto t = fields.optional_string("type")) {
    spec.type = *t;
  }
  if (auto d = fields.optional_string("default")) {
    spec.default_sql = *d;
  }
  const auto by = fields.optional_string("updated_by");
  fields.finish();
  for (const auto* expr : {&spec.fill, &spec.updated_fill, &spec.default_sql}) {
    if (expr->value.find_first_not_of(" \t\n") == std::string::npos) {
      fields.fail(expr->mark, "add_timestamps: an expression must not be empty");
    }
  }
  static const char* const k_types[] = {"timestamptz", "timestamp with time zone", "timestamp",
                                        "timestamp without time zone"};
  if (std::none_of(std::begin(k_types), std::end(k_types),
                   [&](const char* t) { return spec.type.value == t; })) {
    fields.fail(spec.type.mark, "add_timestamps: 'type' must be timestamptz or timestamp");
  }
  // Orchestrate compares and declares by the catalog's spelling of the type.
  spec.type.value = spec.type.value.find("tz") != std::string::npos ||
                            spec.type.value.find("with time zone") != std::string::npos
                        ? "timestamp with time zone"
                        : "timestamp without time zone";
  if (spec.created_at.value == spec.updated_at.value) {
    fields.fail(spec.updated_at.mark, "add_timestamps: 'created_at' and 'updated_at' must differ");
  }
  if (by) {
    if (by->value == "application") {
      spec.application_sets_updated_at = true;
    } else if (by->value != "database") {
      fields.fail(by->mark, "add_timestamps: 'updated_by' must be database (a trigger kept after "
                            "contract advances updated_at) or application (the new application "
                            "sets it; the trigger covers the old one until contract)");
    }
  }
  return std::make_unique<AddTimestamps>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json add_timestamps_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table without creation/update timestamps")},
       {"fill", expr("existing rows' created_at (and updated_at): a constant, a column, or now() "
                     "for the backfill's transaction time")},
       {"updated_fill", expr("existing rows' updated_at, when it differs from fill")},
       {"created_at", ident("name of the creation column (default created_at)")},
       {"updated_at", ident("name of the update column (default updated_at)")},
       {"type", {{"type", "string"},
                 {"enum", {"timestamptz", "timestamp with time zone", "timestamp",
                           "timestamp without time zone"}},
                 {"description", "the type of both columns (default timestamptz)"}}},
       {"default", expr("SQL default for new rows (default now())")},
       {"updated_by", {{"type", "string"},
                       {"enum", {"database", "application"}},
                       {"description", "database: a trigger advances updated_at and stays after "
                                       "contract (default); application: the new application "
                                       "sets it, the trigger covers the old one until contract"}}}},
      {"table", "fill"});
}
} // namespace

ChangeKind change_kind_add_timestamps() {
  return {.name = "add_timestamps",
          .doc = "Adds created_at and updated_at to a table that has neither, both ending NOT "
                 "NULL. fill: what existing rows get (a constant, a column, or now(): the time of "
                 "the backfill batch that reaches them); updated_fill: updated_at's, when it "
                 "differs; default: new rows' (now()). created_at and updated_at name the "
                 "columns, type is timestamptz (default) or timestamp. From dual-write on, a "
                 "trigger sets updated_at to now() on every UPDATE that does not write it (the "
                 "old application's included) and keeps whatever an UPDATE wrote, even the value "
                 "the row held. updated_by: database (default) keeps that trigger after contract; "
                 "application drops it there, and until then it skips the new application, which "
                 "sets updated_at itself.",
          .example = text_block(R"yaml(
- add_timestamps: {table: orders, fill: placed_at, updated_fill: now()}
)yaml"),
          .parse = &parse_add_timestamps,
          .fields = &add_timestamps_fields};
}

} // namespace orchestrate
