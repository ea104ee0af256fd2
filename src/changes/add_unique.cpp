// add_unique: the unique index is built CONCURRENTLY at expand (writes go on; an invalid
// leftover of a failed build is dropped and rebuilt) and becomes a UNIQUE constraint with
// USING INDEX at transition, which only takes a brief lock and scans nothing.
//
// INCLUDE columns, NULLS NOT DISTINCT and storage parameters are the index's, so they hold from
// expand on. A DEFERRABLE constraint is attached at contract instead, once the old application
// is retired: PostgreSQL refuses an INSERT ... ON CONFLICT without a conflict target on a table
// with a deferrable unique constraint, so attaching it earlier could break the old
// application's writes. Until then the index checks every row at once, which is stricter than
// the deferred check and refuses nothing the constraint would accept at commit but a
// transient duplicate within one transaction.
//
// With `column`, `up` and `down`, rows that would break it are rewritten through a shadow
// column, which alone gets the key (shadow_column.hpp, DataFix); the index options above are
// not offered on that path yet.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/constraint_options.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

// What the index and the constraint carry besides their columns.
struct UniqueOptions {
  std::vector<Located<std::string>> include{};
  bool nulls_not_distinct = false;
  Deferral deferral{};
  std::optional<Located<std::string>> storage_parameters{};
};

class AddUnique final : public Change {
public:
  AddUnique(Located<std::string> table,
            Located<std::string> name,
            std::vector<Located<std::string>> columns,
            UniqueOptions options = {})
      : m_table(std::move(table)), m_name(std::move(name)), m_columns(std::move(columns)),
        m_options(std::move(options)) {}

  std::string_view kind() const override { return "add_unique"; }

  std::vector<Touch> touches() const override {
    std::vector<Touch> out;
    for (const auto& c : m_columns) {
      out.push_back({.table = m_table.value, .column = c.value, .modifies = false, .mark = c.mark});
    }
    return out;
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    for (const auto& c : m_columns) {
      require_column(ctx, table, c);
    }
    for (const auto& c : m_options.include) {
      require_column(ctx, table, c);
    }
    if (index_constraint_name_taken(ctx.before, ctx.schema, table, m_name.value)) {
      throw PlanError(ctx.file, m_name.mark.line, m_name.mark.column,
                      fmt::format("add_unique: the name {} is already taken", m_name.value));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const std::string id = fmt::format("add_unique.{}.{}", m_table.value, m_name.value);
    PhaseWork w;
    switch (phase) {
    case Phase::expand: {
      for (auto& s : build_index_steps(id + ".index", ctx.schema, m_table.value, m_name.value,
                                       true, index_definition())) {
        w.steps.push_back(std::move(s));
      }
      w.gate.push_back(index_valid_check(id + ".index", ctx.schema, m_name.value));
      break;
    }
    case Phase::transition:
      if (m_options.deferral.deferrable) {
        w.gate.push_back(index_valid_check(id + ".index", ctx.schema, m_name.value));
        break;
      }
      w.steps.push_back({.id = id + ".constraint", .sql = attach_sql(ctx)});
      w.gate.push_back(constraint_check(id + ".constraint", ctx.schema, m_table.value,
                                        m_name.value, true));
      break;
    case Phase::contract:
      if (m_options.deferral.deferrable) {
        w.steps.push_back({.id = id + ".constraint", .sql = attach_sql(ctx)});
      }
      w.gate.push_back(constraint_check(id + ".constraint", ctx.schema, m_table.value,
                                        m_name.value, true));
      w.gate.push_back(index_valid_check(id + ".index", ctx.schema, m_name.value));
      break;
    default:
      break;
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    const std::string id = fmt::format("rollback.add_unique.{}.{}", m_table.value, m_name.value);
    // The constraint owns the index once attached; dropping it drops the index too.
    return {{.id = id + ".constraint",
             .sql = fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                                quote_qualified(ctx.schema, m_table.value),
                                quote_ident(m_name.value))},
            drop_index_step(id + ".index", ctx.schema, m_name.value)};
  }

  // The index's options compile over the row, as the build will take them.
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    if (m_options.include.empty() && !m_options.storage_parameters) {
      return {};
    }
    const Mark mark = m_options.storage_parameters ? m_options.storage_parameters->mark
                                                   : m_options.include[0].mark;
    return {index_compiles("add_unique.index", mark, index_definition(),
                           physical_view(*ctx.before.table(ctx.schema, m_table.value)),
                           live_table(ctx, m_table.value))};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    if (Table* table = catalog.table(ctx.schema, m_table.value)) {
      std::vector<std::string> cols;
      for (const auto& c : m_columns) {
        cols.push_back(c.value);
      }
      // The index uses its INCLUDE columns too, as the catalog loader counts them.
      std::vector<std::string> used = cols;
      for (const auto& c : m_options.include) {
        used.push_back(c.value);
      }
      table->indexes.push_back({.name = m_name.value,
                                .columns = used,
                                .unique = true,
                                .constraint = m_name.value,
                                .immediate = !m_options.deferral.deferrable});
      table->constraints.push_back({.name = m_name.value, .type = 'u', .columns = cols});
    }
  }

private:
  // Everything after "ON <table> ".
  std::string index_definition() const {
    std::string out = "USING btree (" + column_list(m_columns) + ")";
    if (!m_options.include.empty()) {
      out += " INCLUDE (" + column_list(m_options.include) + ")";
    }
    if (m_options.nulls_not_distinct) {
      out += " NULLS NOT DISTINCT";
    }
    return out + storage_parameters_sql(m_options.storage_parameters);
  }

  // The constraint takes the index with everything it carries.
  std::string attach_sql(const ChangeContext& ctx) const {
    return add_constraint_sql(ctx.schema, m_table.value, m_name.value,
                              "UNIQUE USING INDEX " + quote_ident(m_name.value) +
                                  deferral_sql(m_options.deferral));
  }

  Located<std::string> m_table;
  Located<std::string> m_name;
  std::vector<Located<std::string>> m_columns;
  UniqueOptions m_options;
};

} // namespace

std::unique_ptr<Change> parse_add_unique(Fields& fields) {
  fields.expect({"table", "name", "columns", "include", "nulls_not_distinct", "deferrable",
                 "initially_deferred", "storage_parameters", "column", "up", "down"});
  auto table = fields.required_identifier("table");
  auto name = fields.required_identifier("name");
  auto columns = fields.required_identifier_list("columns");
  UniqueOptions options;
  if (fields.optional_node("include").IsDefined()) {
    options.include = fields.required_identifier_list("include");
  }
  const auto nulls = fields.optional_bool("nulls_not_distinct");
  options.nulls_not_distinct = nulls && nulls->value;
  options.deferral = parse_deferral(fields, "add_unique");
  options.storage_parameters = parse_storage_parameters(fields, "add_unique");
  const DataFix fix = read_data_fix(fields);
  fields.finish();
  if (fix.given()) {
    if (!options.include.empty() || options.nulls_not_distinct || options.deferral.deferrable ||
        options.storage_parameters) {
      fields.fail(fields.mark(), "add_unique: include, nulls_not_distinct, deferrable and "
                                 "storage_parameters cannot be combined with column/up/down "
                                 "(a data fix builds a plain unique index): add the options in "
                                 "a later plan, or fix the rows first");
    }
    ShadowRule rule{.name = name, .type = 'u'};
    for (const auto& c : columns) {
      rule.columns.push_back(c.value);
    }
    return data_fix_change(fix, "add_unique", table, std::move(rule), fields);
  }
  return std::make_unique<AddUnique>(std::move(table), std::move(name), std::move(columns),
                                     std::move(options));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json add_unique_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"name", ident("constraint name")},
       {"columns", ident_list("columns of the unique key")},
       {"include", ident_list("INCLUDE columns, stored in the index but not part of the key")},
       {"nulls_not_distinct", boolean("NULLS NOT DISTINCT: one NULL key at most")},
       {"deferrable", boolean("DEFERRABLE, attached at contract (default false)")},
       {"initially_deferred", boolean("INITIALLY DEFERRED; implies deferrable")},
       {"storage_parameters", storage_parameters()},
       {"column", ident("with up: the column of the key whose rows up rewrites to be unique")},
       {"up", expr("old row -> the column's new value, unique over the key")},
       {"down", expr("new row -> the old column's value (default: the column itself)")}},
      {"table", "name", "columns"});
}
} // namespace

ChangeKind change_kind_add_unique() {
  return {.name = "add_unique",
          .doc = "Adds a unique constraint without blocking writes: its index is built "
                 "CONCURRENTLY at expand and attached USING INDEX at transition. Its name must be "
                 "free among the schema's relations (tables, indexes, views, sequences) and among "
                 "its table's constraints, as PostgreSQL scopes it. include, nulls_not_distinct "
                 "and storage_parameters are the index's, so they hold from expand (not offered "
                 "with up yet). A deferrable (or initially_deferred) constraint is attached at "
                 "contract, once the old application is retired, because PostgreSQL refuses "
                 "INSERT ... ON CONFLICT without a target on a table with a deferrable unique "
                 "constraint; until then the index checks each row at once (so a duplicate that "
                 "lasts only until commit is refused before contract). With column (one of "
                 "columns) and up, existing duplicates are fixed rather than refused: the column "
                 "moves to a shadow column holding up of each value, which alone gets the key "
                 "(its unique index built CONCURRENTLY at expand and attached USING INDEX at "
                 "transition); the old application keeps writing the old column, duplicates "
                 "included, and gets down of the new one's writes (default: the value as it is). "
                 "validate counts the rows up still leaves duplicated, with an example key. Until "
                 "the backfill has copied a row the new unique index does not see it (the new "
                 "application may rely on the key from transition on).",
          .example = text_block(R"yaml(
- add_unique: {table: users, name: users_email_key, columns: [email]}
# The index's options, and a deferrable constraint (attached at contract).
- add_unique: {table: users, name: users_handle_key, columns: [handle], include: [name],
               nulls_not_distinct: true, storage_parameters: fillfactor=70, deferrable: true}
# Existing duplicates fixed by up, through a shadow column.
- add_unique: {table: vouchers, name: vouchers_code_key, columns: [code], column: code,
               up: "code || '-' || id"}
)yaml"),
          .parse = &parse_add_unique,
          .fields = &add_unique_fields};
}

} // namespace orchestrate
