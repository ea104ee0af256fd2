// add_column: a new column, added nullable so ADD COLUMN never scans or rewrites the table.
//
// - A default that is not volatile is part of ADD COLUMN (metadata only: existing rows read it
//   without a rewrite). A volatile one (random(), nextval(), an unknown function) is set with
//   SET DEFAULT after the column exists, for new rows, and the backfill gives it to existing rows.
// - `fill` is what existing rows get; the backfill copies it into rows where the column is NULL.
// - When the column will be NOT NULL, or rows need `fill` or a volatile default, a trigger gives
//   the column its value whenever a write leaves it NULL: the old application does not know the
//   column, and its inserts must still satisfy the final schema. NOT NULL itself goes through
//   CHECK (...) NOT VALID added after that trigger, VALIDATE at transition, SET NOT NULL (which
//   then skips its scan) and dropping the check.
// - `unique` builds its index CONCURRENTLY at expand and becomes a constraint USING INDEX at
//   transition; `check` and `references` are added NOT VALID and validated at transition.
#include <fmt/format.h>

#include <algorithm>

#include "changes/common.hpp"
#include "changes/fill_trigger.hpp"
#include "changes/kinds.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

struct AddColumnSpec {
  Located<std::string> table;
  Located<std::string> column;
  Located<std::string> type;
  std::optional<Located<std::string>> default_sql;
  std::optional<Located<std::string>> fill;
  bool nullable = true;
  Mark nullable_mark;
  bool unique = false;
  std::optional<Located<std::string>> check;
  std::optional<ColumnReference> references;
};

class AddColumn final : public Change {
public:
  explicit AddColumn(AddColumnSpec spec) : m_spec(std::move(spec)) {}

  std::string_view kind() const override { return "add_column"; }

  std::vector<Touch> touches() const override {
    return {{m_spec.table.value, m_spec.column.value, true, m_spec.column.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_spec.table);
    require_no_column(ctx, table, m_spec.column);
    if (m_spec.references) {
      require_reference(ctx, *m_spec.references);
    }
    if (!m_spec.nullable && !m_spec.fill && !m_spec.default_sql) {
      throw PlanError(ctx.file, m_spec.nullable_mark.line, m_spec.nullable_mark.column,
                      fmt::format("add_column: {}.{} is NOT NULL but has neither 'default' nor "
                                  "'fill'; existing rows and the old application's inserts need "
                                  "a value",
                                  table.name, m_spec.column.value));
    }
    for (const auto& name : {unique_name(), check_name(), fkey_name()}) {
      if (relation_name_taken(ctx.before, ctx.schema, name)) {
        throw PlanError(ctx.file, m_spec.column.mark.line, m_spec.column.mark.column,
                        fmt::format("add_column: the name {} it would give its index or "
                                    "constraint is already taken",
                                    name));
      }
    }
    if (needs_backfill()) {
      require_row_key(ctx, table, m_spec.table.mark);
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_spec.table.value);
    const std::string& t = m_spec.table.value;
    const std::string qualified = quote_qualified(ctx.schema, t);
    const std::string col = quote_ident(m_spec.column.value);
    const std::string id = step_id();
    PhaseWork w;
    switch (phase) {
    case Phase::expand: {
      std::string sql = fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}", qualified,
                                    col, m_spec.type.value);
      if (m_spec.default_sql && default_in_add_column()) {
        sql += " DEFAULT " + m_spec.default_sql->value;
      } else if (m_spec.default_sql) {
        // Set after ADD COLUMN, it applies to new rows only: no rewrite; existing rows get
        // their value from the backfill.
        sql += fmt::format(";\nALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", qualified, col,
                           m_spec.default_sql->value);
      }
      w.steps.push_back({id + ".add_column", sql});
      w.gate.push_back(column_exists_check(id + ".column", ctx.schema, t, m_spec.column.value,
                                           true));
      if (m_spec.unique) {
        for (auto& s : build_index_steps(id + ".unique_index", ctx.schema, t, unique_name(), true,
                                         "USING btree (" + col + ")")) {
          w.steps.push_back(std::move(s));
        }
        w.gate.push_back(index_valid_check(id + ".unique_index", ctx.schema, unique_name()));
      }
      if (m_spec.check) {
        w.steps.push_back({id + ".check",
                           add_constraint_sql(ctx.schema, t, check_name(),
                                              "CHECK (" + m_spec.check->value + ") NOT VALID")});
        w.gate.push_back(constraint_check(id + ".check", ctx.schema, t, check_name(), false));
      }
      if (m_spec.references) {
        w.steps.push_back({id + ".foreign_key",
                           add_constraint_sql(ctx.schema, t, fkey_name(), fkey_definition(ctx))});
        w.gate.push_back(constraint_check(id + ".foreign_key", ctx.schema, t, fkey_name(), false));
      }
      break;
    }
    case Phase::dual_write:
      if (needs_trigger()) {
        auto fill = fill_spec(ctx, table);
        w.steps.push_back({id + ".fill_function", fill_function_sql(fill)});
        w.steps.push_back({id + ".fill_trigger", fill_trigger_sql(fill)});
        for (auto& c : fill_gate_checks(fill, table.row_key(), id)) {
          w.gate.push_back(std::move(c));
        }
      }
      if (!m_spec.nullable) {
        // After the trigger: from now on no write can leave the column NULL, so the NOT VALID
        // check refuses nothing the application sends, including updates of rows the backfill
        // has not reached (the trigger fills them first).
        w.steps.push_back({id + ".not_null_check",
                           add_constraint_sql(ctx.schema, t, not_null_name(),
                                              fmt::format("CHECK ({} IS NOT NULL) NOT VALID", col))});
        w.gate.push_back(constraint_check(id + ".not_null_check", ctx.schema, t, not_null_name(),
                                          false));
      }
      break;
    case Phase::backfill:
      if (needs_backfill()) {
        auto spec = backfill_spec(ctx, table);
        w.backfills.push_back(spec);
        w.gate.push_back(parity_check(spec));
      }
      break;
    case Phase::transition: {
      std::vector<std::string> validated;
      if (m_spec.check) {
        validated.push_back(check_name());
      }
      if (m_spec.references) {
        validated.push_back(fkey_name());
      }
      if (!m_spec.nullable) {
        validated.push_back(not_null_name());
      }
      for (const auto& name : validated) {
        // VALIDATE takes SHARE UPDATE EXCLUSIVE: writes go on while it scans.
        w.steps.push_back({id + ".validate." + name, validate_constraint_sql(ctx.schema, t, name)});
      }
      for (const auto& name : validated) {
        if (name != not_null_name()) {
          w.gate.push_back(constraint_check(id + ".validated." + name, ctx.schema, t, name, true));
        }
      }
      if (!m_spec.nullable) {
        // The CHECK is valid, so SET NOT NULL skips its full scan; the CHECK is redundant then.
        w.steps.push_back({id + ".set_not_null",
                           fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;\n"
                                       "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                                       qualified, col, qualified, quote_ident(not_null_name()))});
        w.gate.push_back(column_not_null_check(id + ".not_null", ctx.schema, t,
                                               m_spec.column.value));
      }
      if (m_spec.unique) {
        w.steps.push_back({id + ".unique",
                           add_constraint_sql(ctx.schema, t, unique_name(),
                                              "UNIQUE USING INDEX " + quote_ident(unique_name()))});
        w.gate.push_back(constraint_check(id + ".unique", ctx.schema, t, unique_name(), true));
      }
      if (needs_backfill()) {
        w.gate.push_back(parity_check(backfill_spec(ctx, table)));
      }
      break;
    }
    case Phase::contract:
      if (needs_trigger()) {
        auto fill = fill_spec(ctx, table);
        w.steps.push_back({id + ".drop_fill", drop_fill_sql(fill)});
        w.gate.push_back(fill_gone_check(fill, id));
      }
      w.gate.push_back(column_exists_check(id + ".column", ctx.schema, t, m_spec.column.value,
                                           true));
      if (!m_spec.nullable) {
        w.gate.push_back(column_not_null_check(id + ".not_null", ctx.schema, t,
                                               m_spec.column.value));
      }
      w.gate.push_back(no_helpers_check(id + ".no_helpers", ctx.schema, t));
      break;
    }
    return w;
  }

  std::vector<Step> rollback(Phase reached, const ChangeContext& ctx) const override {
    (void)reached;
    const Table& table = *ctx.before.table(ctx.schema, m_spec.table.value);
    const std::string id = "rollback." + step_id();
    // Dropping the column takes its index, constraints and default with it. The trigger goes in
    // the same transaction: without it, an insert of the old application would break the NOT
    // NULL check that is still there.
    std::string sql = fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}",
                                  quote_qualified(ctx.schema, m_spec.table.value),
                                  quote_ident(m_spec.column.value));
    if (needs_trigger()) {
      sql = drop_fill_sql(fill_spec(ctx, table)) + ";\n" + sql;
    }
    return {{id + ".drop_column", sql}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_spec.table.value);
    if (table == nullptr) {
      return;
    }
    Column c;
    c.name = m_spec.column.value;
    c.type = m_spec.type.value;
    c.not_null = !m_spec.nullable;
    if (m_spec.default_sql) {
      c.default_sql = m_spec.default_sql->value;
      c.default_volatile = !default_in_add_column();
    }
    table->columns.push_back(c);
    if (m_spec.unique) {
      table->indexes.push_back({unique_name(), "", {c.name}, true, false, true, false,
                                unique_name()});
      table->constraints.push_back({unique_name(), 'u', "", {c.name}, true, "", {}});
    }
    if (m_spec.check) {
      table->constraints.push_back(
          {check_name(), 'c', "CHECK (" + m_spec.check->value + ")", {c.name}, true, "", {}});
    }
    if (m_spec.references) {
      table->constraints.push_back({fkey_name(), 'f', "", {c.name}, true,
                                    m_spec.references->table.value,
                                    {m_spec.references->column.value}});
    }
  }

private:
  std::string step_id() const {
    return fmt::format("add_column.{}.{}", m_spec.table.value, m_spec.column.value);
  }
  std::string unique_name() const {
    return fit_identifier(m_spec.table.value + "_" + m_spec.column.value + "_key");
  }
  std::string check_name() const {
    return fit_identifier(m_spec.table.value + "_" + m_spec.column.value + "_check");
  }
  std::string fkey_name() const {
    return fit_identifier(m_spec.table.value + "_" + m_spec.column.value + "_fkey");
  }
  std::string not_null_name() const {
    return helper_name("nn", m_spec.table.value, m_spec.column.value);
  }
  bool default_volatile() const {
    return m_spec.default_sql && expression_may_be_volatile(m_spec.default_sql->value);
  }
  // With a fill, existing rows must stay NULL until the backfill gives them the fill.
  bool default_in_add_column() const { return !m_spec.fill && !default_volatile(); }
  bool needs_backfill() const { return m_spec.fill.has_value() || default_volatile(); }
  bool needs_trigger() const { return needs_backfill() || !m_spec.nullable; }
  // What a row left NULL gets: the fill if there is one, else the default.
  std::string value_sql() const {
    return m_spec.fill ? m_spec.fill->value : m_spec.default_sql->value;
  }

  std::string fkey_definition(const ChangeContext& ctx) const {
    return fmt::format("FOREIGN KEY ({}) REFERENCES {} ({}) NOT VALID",
                       quote_ident(m_spec.column.value),
                       quote_qualified(ctx.schema, m_spec.references->table.value),
                       quote_ident(m_spec.references->column.value));
  }

  FillSpec fill_spec(const ChangeContext& ctx, const Table& table) const {
    FillSpec f;
    f.schema = ctx.schema;
    f.table = m_spec.table.value;
    f.function = helper_name("fill", m_spec.table.value, m_spec.column.value);
    f.trigger = f.function;
    f.column = m_spec.column.value;
    f.type = m_spec.type.value;
    f.value = value_sql();
    for (const auto& c : table.columns) {
      f.row_columns.push_back(c.name);
    }
    f.not_null = !m_spec.nullable;
    return f;
  }

  BackfillSpec backfill_spec(const ChangeContext& ctx, const Table& table) const {
    const std::string col = quote_ident(m_spec.column.value);
    return make_backfill(step_id(), ctx.schema, table,
                         fmt::format("{} = ({})", col, value_sql()),
                         fmt::format("{} IS NULL AND ({}) IS NOT NULL", col, value_sql()));
  }

  AddColumnSpec m_spec;
};

} // namespace

std::unique_ptr<Change> parse_add_column(Fields& fields) {
  fields.expect({"table", "column", "type", "default", "fill", "nullable", "unique", "check",
                 "references"});
  AddColumnSpec spec;
  spec.table = fields.required_identifier("table");
  spec.column = fields.required_identifier("column");
  spec.type = fields.required_string("type");
  spec.default_sql = fields.optional_string("default");
  spec.fill = fields.optional_string("fill");
  if (auto n = fields.optional_bool("nullable")) {
    spec.nullable = n->value;
    spec.nullable_mark = n->mark;
  } else {
    spec.nullable_mark = spec.column.mark;
  }
  if (auto u = fields.optional_bool("unique")) {
    spec.unique = u->value;
  }
  spec.check = fields.optional_string("check");
  spec.references = parse_column_reference(fields, "references");
  fields.finish();
  for (const auto* expr : {&spec.default_sql, &spec.fill, &spec.check}) {
    if (*expr && (*expr)->value.find_first_not_of(" \t\n") == std::string::npos) {
      fields.fail((*expr)->mark, "add_column: an expression must not be empty");
    }
  }
  if (spec.type.value.find(';') != std::string::npos) {
    fields.fail(spec.type.mark, "add_column: 'type' must be a type name");
  }
  std::string lowered = spec.type.value;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Both give every existing row a value drawn at ADD COLUMN, which rewrites the table under an
  // exclusive lock.
  if (lowered.find("serial") != std::string::npos || lowered.find("generated") != std::string::npos) {
    fields.fail(spec.type.mark,
                "add_column: serial, identity and generated columns rewrite the table when added; "
                "use an integer type with default: nextval('a_sequence') (existing rows are "
                "backfilled) instead");
  }
  return std::make_unique<AddColumn>(std::move(spec));
}

} // namespace orchestrate
