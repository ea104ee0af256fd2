// add_exclusion: an exclusion constraint (EXCLUDE USING gist (room WITH =, during WITH &&)) on
// an existing table.
//
// PostgreSQL builds an exclusion constraint's index inside ALTER TABLE, under an ACCESS
// EXCLUSIVE lock held for the whole build: there is no CONCURRENTLY, no USING INDEX and no NOT
// VALID for one. No order of steps avoids that lock, so this kind keeps it short and known:
// - validate refuses a table larger than `max_table_size` (default 1MB, pg_total_relation_size)
//   and existing rows that conflict, found by building the constraint on a temporary copy of
//   the table (PostgreSQL's own operators, operator classes and WHERE), with the pair it names;
// - nothing is enforced before contract, since the old application may write conflicting rows
//   until it is retired; transition's gate refuses to move on while rows conflict;
// - contract checks the size again before anything runs, then runs the ALTER under lock_timeout
//   with the executor's retries, so it never queues long behind a transaction, and holds the
//   lock for one build over a table of at most `max_table_size`.
// `plan` prints the table's estimated rows and the limit with the step, and lint warns with the
// same. A table an earlier change of the plan creates has no rows: the constraint is added at
// expand.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/units.hpp"

namespace orchestrate {

namespace {

constexpr const char* k_default_max_table_size = "1MB";

struct ExclusionSpec {
  Located<std::string> table{};
  Located<std::string> name{};
  std::string method = "gist";
  Located<std::string> elements{};
  std::optional<Located<std::string>> where{};
  bool deferrable = false;
  bool initially_deferred = false;
  std::string max_table_size = k_default_max_table_size;
  long long max_bytes = 0;
};

class AddExclusion final : public Change {
public:
  explicit AddExclusion(ExclusionSpec spec) : m_spec(std::move(spec)) {}

  std::string_view kind() const override { return "add_exclusion"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_spec.table.value, .modifies = false, .mark = m_spec.table.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_spec.table);
    if (index_constraint_name_taken(ctx.before, ctx.schema, table, m_spec.name.value)) {
      throw PlanError(ctx.file, m_spec.name.mark.line, m_spec.name.mark.column,
                      fmt::format("add_exclusion: the name {} is already taken",
                                  m_spec.name.value));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    PhaseWork w;
    const std::string id = step_id();
    const Table& table = *ctx.before.table(ctx.schema, m_spec.table.value);
    const Check exists = constraint_check(id + ".constraint", ctx.schema, m_spec.table.value,
                                          m_spec.name.value, true);
    if (table.created_by_plan) {
      if (phase == Phase::expand) {
        w.steps.push_back({.id = id + ".constraint", .sql = add_sql(ctx)});
      }
      if (phase == Phase::expand || phase == Phase::contract) {
        w.gate.push_back(exists);
      }
      return w;
    }
    switch (phase) {
    case Phase::transition:
      w.gate.push_back({.id = id + ".no_conflicts",
                        .description = fmt::format("no two rows of {} conflict under {}",
                                                   m_spec.table.value, m_spec.name.value),
                        .sql = conflicts_sql(ctx, "SELECT bad = 0, example FROM "
                                                  "pg_temp._orc_exclusion()"),
                        .rolled_back = true,
                        .advice = "change or delete one row of each conflicting pair, then run "
                                  "`next` again"});
      break;
    case Phase::contract:
      // The lock is held for the whole build: refuse before anything runs when the table
      // outgrew what the plan accepted.
      w.precheck.push_back(
          {.id = id + ".size",
           .description = fmt::format("{} is at most max_table_size ({}), the size the plan "
                                      "accepts an ACCESS EXCLUSIVE lock for while the "
                                      "constraint builds",
                                      m_spec.table.value, m_spec.max_table_size),
           .sql = fmt::format("SELECT pg_total_relation_size({0}::regclass) <= {1}, "
                              "format('%s is %s', {0}, "
                              "pg_size_pretty(pg_total_relation_size({0}::regclass)))",
                              quote_literal(qualified(ctx)), m_spec.max_bytes)});
      w.steps.push_back(
          {.id = id + ".constraint",
           .sql = fmt::format("-- Holds ACCESS EXCLUSIVE on {} (about {:.0f} rows at plan time; "
                              "max_table_size {}) while the {} index builds: PostgreSQL has no "
                              "CONCURRENTLY or USING INDEX for an exclusion constraint.\n{}",
                              m_spec.table.value, table.estimated_rows, m_spec.max_table_size,
                              m_spec.method, add_sql(ctx))});
      w.gate.push_back(exists);
      break;
    default:
      break;
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_spec.table.value);
    if (!table.created_by_plan) {
      return {}; // nothing is enforced before contract, after which nothing rolls back
    }
    return {{.id = "rollback." + step_id() + ".constraint",
             .sql = fmt::format("ALTER TABLE IF EXISTS {} DROP CONSTRAINT IF EXISTS {}",
                                qualified(ctx), quote_ident(m_spec.name.value))}};
  }

  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_spec.table.value);
    if (table.created_by_plan) {
      return {};
    }
    return {{.mark = m_spec.table.mark,
             .what = "add_exclusion",
             .sql = fmt::format(
                 "DO $orc$ BEGIN\n"
                 "  IF pg_total_relation_size({0}::regclass) > {1} THEN\n"
                 "    RAISE EXCEPTION USING ERRCODE = '54000', MESSAGE = format('table %s is %s "
                 "(pg_total_relation_size), over max_table_size {2}: adding an exclusion "
                 "constraint holds ACCESS EXCLUSIVE on it while the index builds; raise "
                 "max_table_size to accept that lock', {0}, "
                 "pg_size_pretty(pg_total_relation_size({0}::regclass)));\n"
                 "  END IF;\n"
                 "END $orc$",
                 quote_literal(qualified(ctx)), m_spec.max_bytes, m_spec.max_table_size)},
            {.mark = m_spec.elements.mark,
             .what = "add_exclusion",
             .sql = conflicts_sql(ctx, "SELECT bad, example, 'rows that conflict with another "
                                       "row' FROM pg_temp._orc_exclusion()"),
             .counts_rows = true,
             .advice = "change or delete one row of each conflicting pair"}};
  }

  ChangeFacts facts() const override {
    return {.table = m_spec.table.value,
            .locked_index_build = LockedIndexBuild{.method = m_spec.method,
                                                   .max_table_size = m_spec.max_table_size}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    if (Table* table = catalog.table(ctx.schema, m_spec.table.value)) {
      table->indexes.push_back({.name = m_spec.name.value,
                                .definition = "",
                                .columns = {},
                                .unique = false,
                                .primary = false,
                                .valid = true,
                                .uses_expression = true,
                                .constraint = m_spec.name.value});
      table->constraints.push_back(
          {.name = m_spec.name.value, .type = 'x', .definition = definition()});
    }
  }

private:
  std::string step_id() const {
    return fmt::format("add_exclusion.{}.{}", m_spec.table.value, m_spec.name.value);
  }

  std::string qualified(const ChangeContext& ctx) const {
    return quote_qualified(ctx.schema, m_spec.table.value);
  }

  std::string definition(bool with_deferral = true) const {
    std::string out = fmt::format("EXCLUDE USING {} ({})", m_spec.method, m_spec.elements.value);
    if (m_spec.where) {
      out += " WHERE (" + m_spec.where->value + ")";
    }
    if (with_deferral && m_spec.deferrable) {
      out += m_spec.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
    }
    return out;
  }

  std::string add_sql(const ChangeContext& ctx) const {
    return add_constraint_sql(ctx.schema, m_spec.table.value, m_spec.name.value, definition());
  }

  // Builds the constraint on a temporary copy of the table (the table is small: validate and
  // contract refuse one over max_table_size), and reports the first conflict PostgreSQL finds
  // as (bad, example); `select` reads pg_temp._orc_exclusion(). Always run rolled back.
  std::string conflicts_sql(const ChangeContext& ctx, const std::string& select) const {
    return fmt::format(
        "CREATE FUNCTION pg_temp._orc_exclusion() RETURNS TABLE (bad bigint, example text) "
        "LANGUAGE plpgsql AS $f$\n"
        "DECLARE _detail text;\n"
        "BEGIN\n"
        "  CREATE TEMP TABLE _orc_exclusion_copy ON COMMIT DROP AS SELECT * FROM {0};\n"
        "  BEGIN\n"
        "    ALTER TABLE pg_temp._orc_exclusion_copy ADD CONSTRAINT _orc_exclusion_check {1};\n"
        "  EXCEPTION WHEN exclusion_violation THEN\n"
        "    GET STACKED DIAGNOSTICS _detail = PG_EXCEPTION_DETAIL;\n"
        "    bad := 1;\n    example := _detail;\n    RETURN NEXT;\n    RETURN;\n"
        "  END;\n"
        "  bad := 0;\n  example := '';\n  RETURN NEXT;\n"
        "END $f$;\n{2}",
        qualified(ctx), definition(false), select);
  }

  ExclusionSpec m_spec;
};

} // namespace

std::unique_ptr<Change> parse_add_exclusion(Fields& fields) {
  fields.expect({"table", "name", "method", "elements", "where", "deferrable",
                 "initially_deferred", "max_table_size"});
  ExclusionSpec spec;
  spec.table = fields.required_identifier("table");
  spec.name = fields.required_identifier("name");
  if (auto method = fields.optional_identifier("method")) {
    spec.method = method->value;
  }
  spec.elements = fields.required_string("elements");
  spec.where = fields.optional_string("where");
  const auto deferrable = fields.optional_bool("deferrable");
  const auto initially_deferred = fields.optional_bool("initially_deferred");
  const auto max_size = fields.optional_string("max_table_size");
  fields.finish();
  if (spec.elements.value.find(" WITH ") == std::string::npos &&
      spec.elements.value.find(" with ") == std::string::npos) {
    fields.fail(spec.elements.mark, "add_exclusion: 'elements' must be one or more 'expression "
                                    "WITH operator', e.g. \"room WITH =, during WITH &&\"");
  }
  spec.deferrable = deferrable && deferrable->value;
  spec.initially_deferred = initially_deferred && initially_deferred->value;
  if (spec.initially_deferred && !spec.deferrable) {
    fields.fail(initially_deferred->mark,
                "add_exclusion: 'initially_deferred' needs 'deferrable: true'");
  }
  if (max_size) {
    spec.max_table_size = max_size->value;
  }
  try {
    spec.max_bytes = parse_bytes(spec.max_table_size, "max_table_size");
  } catch (const InputError& e) {
    fields.fail(max_size ? max_size->mark : fields.mark(), std::string("add_exclusion: ") +
                                                               e.what());
  }
  return std::make_unique<AddExclusion>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json add_exclusion_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"name", ident("constraint (and index) name")},
       {"method", ident("index access method (default gist)")},
       {"elements", str("the constraint's elements, e.g. \"room WITH =, during WITH &&\"")},
       {"where", expr("predicate: only rows matching it are constrained")},
       {"deferrable", boolean("DEFERRABLE (default false)")},
       {"initially_deferred", boolean("INITIALLY DEFERRED (needs deferrable; default false)")},
       {"max_table_size",
        pattern(k_size_pattern, "the largest table (pg_total_relation_size) the plan accepts an "
                                "ACCESS EXCLUSIVE lock on while the constraint builds at "
                                "contract (default 1MB), e.g. 4MB")}},
      {"table", "name", "elements"});
}
} // namespace

ChangeKind change_kind_add_exclusion() {
  return {.name = "add_exclusion",
          .doc = "Adds an exclusion constraint. PostgreSQL builds its index inside ALTER TABLE "
                 "under an ACCESS EXCLUSIVE lock (no CONCURRENTLY, USING INDEX or NOT VALID "
                 "exists for one), so no read or write of the table gets through while it builds. "
                 "orchestrate keeps that lock short and known rather than pretend: validate "
                 "refuses a table over max_table_size (default 1MB, pg_total_relation_size; raise "
                 "it to accept a longer lock: building room WITH =, during WITH && over a 13 MB "
                 "table of 150,000 rows held the lock for 44 s on a busy 2-core machine, so "
                 "measure yours) and rows that already conflict (found by building the constraint "
                 "on a temporary copy, naming the pair PostgreSQL reports). Nothing is enforced "
                 "before contract, since the old application may write conflicting rows until "
                 "then; transition's gate refuses to move on while rows conflict; contract checks "
                 "the size again before anything runs and adds the constraint under lock_timeout "
                 "with retries, so it never queues behind a long transaction. `plan` prints the "
                 "table's estimated rows with the step and `lint` warns (exclusion-lock). On a "
                 "table an earlier change creates, it is added at expand. method defaults to gist "
                 "(`=` on scalar types needs btree_gist); where makes it partial; deferrable and "
                 "initially_deferred are the constraint's.",
          .example = text_block(R"yaml(
- add_exclusion: {table: bookings, name: no_double_booking, method: gist,
                  elements: "room WITH =, during WITH &&", where: "NOT cancelled",
                  deferrable: false, initially_deferred: false, max_table_size: 4MB}
)yaml"),
          .parse = &parse_add_exclusion,
          .fields = &add_exclusion_fields};
}

} // namespace orchestrate
