// rename_column: a new column under the new name, kept equal to the old one by a trigger,
// backfilled, constrained like the old one, and finally the only one left.
#include <fmt/format.h>

#include "changes/common.hpp"
#include "changes/kinds.hpp"
#include "changes/sync_trigger.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/sql_text.hpp"

namespace orchestrate {

namespace {

// An object on the old column and the twin expand builds on the new one.
struct Twin {
  std::string old_name;
  std::string new_name;
  std::string definition; // rewritten to the new column
  bool unique_constraint = false; // an index backing a UNIQUE constraint
  bool unique = false;
  char type = 'i';                // 'i' index, 'c' check, 'f' foreign key
};

std::string twin_name(const std::string& name, const std::string& from, const std::string& to) {
  auto pos = name.find(from);
  if (pos != std::string::npos) {
    return fit_identifier(name.substr(0, pos) + to + name.substr(pos + from.size()));
  }
  return fit_identifier(name + "_" + to);
}

class RenameColumn final : public Change {
public:
  RenameColumn(Located<std::string> table, Located<std::string> from, Located<std::string> to)
      : m_table(std::move(table)), m_from(std::move(from)), m_to(std::move(to)) {}

  std::string_view kind() const override { return "rename_column"; }

  std::vector<Touch> touches() const override {
    return {{m_table.value, m_from.value, true, m_from.mark},
            {m_table.value, m_to.value, true, m_to.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    const Column& column = require_column(ctx, table, m_from);
    require_no_column(ctx, table, m_to);
    auto fail = [&](const std::string& message) {
      throw PlanError(ctx.file, m_from.mark.line, m_from.mark.column, message);
    };
    for (const auto& index : table.indexes) {
      if (index.primary && contains(index.columns, m_from.value)) {
        fail(fmt::format("{}.{} is part of the primary key; renaming a key column is not "
                         "supported",
                         table.name, m_from.value));
      }
    }
    for (const auto& fk : table.referenced_by) {
      if (contains(fk.referenced_columns, m_from.value)) {
        fail(fmt::format("{}.{} is referenced by foreign key {} on {}; drop or move it first",
                         table.name, m_from.value, fk.name, fk.table));
      }
    }
    if (column.identity || column.generated) {
      fail(fmt::format("{}.{} is an identity or generated column; renaming it is not supported",
                       table.name, m_from.value));
    }
    require_row_key(ctx, table, m_table.mark);
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_table.value);
    const Column& column = *table.column(m_from.value);
    const std::string id = fmt::format("rename_column.{}.{}", m_table.value, m_to.value);
    const std::string qualified = quote_qualified(ctx.schema, m_table.value);
    PhaseWork w;
    auto twins = find_twins(table);
    auto sync = sync_spec(ctx, table, column);
    switch (phase) {
    case Phase::expand: {
      std::string add = fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}{}", qualified,
                                    quote_ident(m_to.value), column.type,
                                    column.collation ? " COLLATE " + *column.collation : "");
      // The default is set after the column exists, so existing rows stay NULL (no rewrite)
      // until the backfill copies them. A volatile default moves only at contract.
      if (column.default_sql && !column.default_volatile) {
        add += fmt::format(", ALTER COLUMN {} SET DEFAULT {}", quote_ident(m_to.value),
                           *column.default_sql);
      }
      w.steps.push_back({id + ".add_column", add});
      w.gate.push_back(column_exists_check(id + ".column", ctx.schema, m_table.value, m_to.value,
                                           true));
      for (const auto& t : twins) {
        if (t.type == 'i') {
          for (auto& s : build_index_steps(id + ".index." + t.new_name, ctx.schema,
                                           m_table.value, t.new_name, t.unique, t.definition)) {
            w.steps.push_back(std::move(s));
          }
          w.gate.push_back(index_valid_check(id + ".index." + t.new_name, ctx.schema, t.new_name));
        } else {
          w.steps.push_back({id + ".constraint." + t.new_name,
                             add_constraint_sql(ctx.schema, m_table.value, t.new_name,
                                                t.definition + " NOT VALID")});
          w.gate.push_back(constraint_check(id + ".constraint." + t.new_name, ctx.schema,
                                            m_table.value, t.new_name, false));
        }
      }
      break;
    }
    case Phase::dual_write:
      w.steps.push_back({id + ".sync_function", sync_function_sql(sync)});
      w.steps.push_back({id + ".sync_trigger", sync_trigger_sql(sync)});
      if (column.not_null) {
        // NOT NULL goes through a CHECK that is NOT VALID now and validated at transition, so
        // no step scans the table under a lock that blocks writes. It comes after the trigger:
        // before it, every write of the old application leaves the new column NULL and would
        // be refused.
        const std::string nn = not_null_name();
        w.steps.push_back({id + ".not_null_check",
                           add_constraint_sql(ctx.schema, m_table.value, nn,
                                              fmt::format("CHECK ({} IS NOT NULL) NOT VALID",
                                                          quote_ident(m_to.value)))});
        w.gate.push_back(constraint_check(id + ".not_null_check", ctx.schema, m_table.value, nn,
                                          false));
      }
      for (auto& c : sync_gate_checks(sync, table.row_key(), id)) {
        w.gate.push_back(std::move(c));
      }
      break;
    case Phase::backfill: {
      auto spec = backfill_spec(ctx, table);
      w.backfills.push_back(spec);
      w.gate.push_back(parity_check(spec));
      break;
    }
    case Phase::transition: {
      std::vector<std::string> validated;
      if (column.not_null) {
        validated.push_back(not_null_name());
      }
      for (const auto& t : twins) {
        if (t.type != 'i') {
          validated.push_back(t.new_name);
        }
      }
      for (const auto& name : validated) {
        // VALIDATE takes SHARE UPDATE EXCLUSIVE: writes go on while it scans.
        w.steps.push_back({id + ".validate." + name,
                           validate_constraint_sql(ctx.schema, m_table.value, name)});
      }
      if (column.not_null) {
        // The CHECK is VALID now, so SET NOT NULL skips its full scan and holds its lock only
        // for a moment; the CHECK is redundant afterwards.
        w.steps.push_back(
            {id + ".set_not_null",
             fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;\n"
                         "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                         qualified, quote_ident(m_to.value), qualified,
                         quote_ident(not_null_name()))});
        w.gate.push_back(column_not_null_check(id + ".not_null", ctx.schema, m_table.value,
                                               m_to.value));
      }
      for (const auto& t : twins) {
        if (t.type != 'i') {
          w.gate.push_back(constraint_check(id + ".validated." + t.new_name, ctx.schema,
                                            m_table.value, t.new_name, true));
        } else if (t.unique_constraint) {
          w.steps.push_back(
              {id + ".unique." + t.new_name,
               add_constraint_sql(ctx.schema, m_table.value, t.new_name,
                                  "UNIQUE USING INDEX " + quote_ident(t.new_name))});
          w.gate.push_back(constraint_check(id + ".unique." + t.new_name, ctx.schema,
                                            m_table.value, t.new_name, true));
        }
      }
      w.gate.push_back(parity_check(backfill_spec(ctx, table)));
      break;
    }
    case Phase::contract: {
      std::string sql = drop_sync_sql(sync) + ";\n";
      if (column.default_sql && column.default_volatile) {
        sql += fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};\n", qualified,
                           quote_ident(m_to.value), *column.default_sql);
        sql += owned_sequence_sql(ctx, column);
      }
      sql += fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}", qualified,
                         quote_ident(m_from.value));
      // One transaction: the trigger, its function and the old column go together, so no
      // write ever sees the old column without its sync.
      w.steps.push_back({id + ".drop_old", sql});
      w.gate.push_back(column_exists_check(id + ".old_gone", ctx.schema, m_table.value,
                                           m_from.value, false));
      w.gate.push_back(column_exists_check(id + ".new_present", ctx.schema, m_table.value,
                                           m_to.value, true));
      if (column.not_null) {
        w.gate.push_back(column_not_null_check(id + ".not_null", ctx.schema, m_table.value,
                                               m_to.value));
      }
      for (const auto& t : twins) {
        if (t.type == 'i') {
          w.gate.push_back(index_valid_check(id + ".index." + t.new_name, ctx.schema, t.new_name));
        }
      }
      w.gate.push_back(sync_gone_check(sync, id));
      w.gate.push_back(no_helpers_check(id + ".no_helpers", ctx.schema, m_table.value));
      break;
    }
    }
    return w;
  }

  std::vector<Step> rollback(Phase reached, const ChangeContext& ctx) const override {
    (void)reached;
    const Table& table = *ctx.before.table(ctx.schema, m_table.value);
    const std::string id = fmt::format("rollback.rename_column.{}.{}", m_table.value, m_to.value);
    auto sync = sync_spec(ctx, table, *table.column(m_from.value));
    // Dropping the new column takes its indexes and constraints with it; the old column was
    // never touched, so the table is as it was. One transaction: without the trigger, a write
    // to a row the backfill has not reached would leave the new column NULL and fail its NOT
    // NULL check.
    return {{id + ".drop",
             fmt::format("{};\nALTER TABLE {} DROP COLUMN IF EXISTS {}", drop_sync_sql(sync),
                         quote_qualified(ctx.schema, m_table.value), quote_ident(m_to.value))}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_table.value);
    if (table == nullptr) {
      return;
    }
    if (Column* c = table->column(m_from.value)) {
      c->name = m_to.value;
    }
    for (auto& index : table->indexes) {
      for (auto& c : index.columns) {
        if (c == m_from.value) {
          c = m_to.value;
        }
      }
    }
    for (auto& con : table->constraints) {
      for (auto& c : con.columns) {
        if (c == m_from.value) {
          c = m_to.value;
        }
      }
    }
  }

private:
  static bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }

  std::string not_null_name() const { return helper_name("nn", m_table.value, m_to.value); }

  std::vector<Twin> find_twins(const Table& table) const {
    std::vector<Twin> twins;
    for (const auto& index : table.indexes) {
      if (index.primary || !(contains(index.columns, m_from.value) ||
                             mentions_identifier(index.definition, m_from.value))) {
        continue;
      }
      auto using_pos = index.definition.find(" USING ");
      if (using_pos == std::string::npos) {
        continue;
      }
      Twin t;
      t.old_name = index.name;
      t.new_name = twin_name(index.name, m_from.value, m_to.value);
      t.definition =
          replace_identifier(index.definition.substr(using_pos + 1), m_from.value, m_to.value);
      t.unique = index.unique;
      t.unique_constraint = index.constraint.has_value();
      t.type = 'i';
      twins.push_back(std::move(t));
    }
    for (const auto& con : table.constraints) {
      if ((con.type != 'c' && con.type != 'f') || !contains(con.columns, m_from.value)) {
        continue;
      }
      Twin t;
      t.old_name = con.name;
      t.new_name = twin_name(con.name, m_from.value, m_to.value);
      t.type = con.type;
      if (con.type == 'f') {
        // Only the local column list names our column; the referenced side stays as it is.
        auto ref = con.definition.find(" REFERENCES ");
        t.definition = replace_identifier(con.definition.substr(0, ref), m_from.value,
                                          m_to.value) +
                       con.definition.substr(ref);
      } else {
        t.definition = replace_identifier(con.definition, m_from.value, m_to.value);
      }
      // pg_get_constraintdef() of a NOT VALID constraint already says so.
      const std::string suffix = " NOT VALID";
      if (t.definition.size() > suffix.size() &&
          t.definition.compare(t.definition.size() - suffix.size(), suffix.size(), suffix) == 0) {
        t.definition.resize(t.definition.size() - suffix.size());
      }
      twins.push_back(std::move(t));
    }
    return twins;
  }

  SyncSpec sync_spec(const ChangeContext& ctx, const Table& table, const Column& column) const {
    SyncSpec s;
    s.schema = ctx.schema;
    s.table = m_table.value;
    s.function = helper_name("sync", m_table.value, m_to.value);
    s.trigger = s.function;
    s.old_view = physical_view(table);
    s.new_view = s.old_view;
    for (auto& c : s.new_view) {
      if (c.name == m_from.value) {
        c.name = m_to.value;
        c.physical = m_to.value;
      }
    }
    s.up.push_back({m_to.value, column.type, m_from.value, true});
    s.down.push_back({m_from.value, column.type, m_to.value, true});
    if (column.default_sql && !column.default_volatile) {
      s.defaults.push_back({m_from.value, *column.default_sql});
      s.defaults.push_back({m_to.value, *column.default_sql});
    }
    return s;
  }

  BackfillSpec backfill_spec(const ChangeContext& ctx, const Table& table) const {
    const std::string to = quote_ident(m_to.value);
    const std::string from = quote_ident(m_from.value);
    return make_backfill(fmt::format("rename_column.{}.{}", m_table.value, m_to.value),
                         ctx.schema, table, fmt::format("{} = {}", to, from),
                         fmt::format("{} IS DISTINCT FROM {}", to, from));
  }

  std::string owned_sequence_sql(const ChangeContext& ctx, const Column& column) const {
    (void)column;
    // A serial column owns its sequence; hand it to the new column before the old one goes,
    // or dropping the old column would drop the sequence too.
    return fmt::format(
        "DO $orc$ DECLARE s text; BEGIN\n"
        "  s := pg_get_serial_sequence({}, {});\n"
        "  IF s IS NOT NULL THEN\n"
        "    EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', s, {}, {});\n"
        "  END IF;\nEND $orc$;\n",
        quote_literal(quote_qualified(ctx.schema, m_table.value)), quote_literal(m_from.value),
        quote_literal(quote_qualified(ctx.schema, m_table.value)), quote_literal(m_to.value));
  }

  Located<std::string> m_table;
  Located<std::string> m_from;
  Located<std::string> m_to;
};

} // namespace

std::unique_ptr<Change> parse_rename_column(Fields& fields) {
  fields.expect({"table", "from", "to"});
  auto table = fields.required_identifier("table");
  auto from = fields.required_identifier("from");
  auto to = fields.required_identifier("to");
  fields.finish();
  if (from.value == to.value) {
    fields.fail(to.mark, "rename_column: 'to' is the same as 'from'");
  }
  return std::make_unique<RenameColumn>(std::move(table), std::move(from), std::move(to));
}

} // namespace orchestrate
