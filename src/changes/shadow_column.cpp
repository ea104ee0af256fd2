#include "changes/shadow_column.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "changes/common.hpp"
#include "changes/sync_trigger.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/sql_text.hpp"

namespace orchestrate {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// An index or constraint on the column and the twin expand builds on the temporary column;
// contract gives the twin the original's name once the original is gone with the old column.
struct Twin {
  std::string name;   // the original's
  std::string twin;   // the twin's while the change runs
  std::string definition;
  bool unique = false;
  bool unique_constraint = false;
  char type = 'i';    // 'i' index, 'c' check, 'f' foreign key
};

std::string strip_not_valid(std::string definition) {
  const std::string suffix = " NOT VALID";
  if (definition.size() > suffix.size() &&
      definition.compare(definition.size() - suffix.size(), suffix.size(), suffix) == 0) {
    definition.resize(definition.size() - suffix.size());
  }
  return definition;
}

std::vector<Twin> find_twins(const Table& table, const std::string& from, const std::string& to) {
  std::vector<Twin> twins;
  for (const auto& index : table.indexes) {
    if (index.primary ||
        !(contains(index.columns, from) || mentions_identifier(index.definition, from))) {
      continue;
    }
    auto using_pos = index.definition.find(" USING ");
    if (using_pos == std::string::npos) {
      continue;
    }
    Twin t;
    t.name = index.name;
    t.twin = fit_identifier("_orc_" + index.name);
    t.definition = replace_identifier(index.definition.substr(using_pos + 1), from, to);
    t.unique = index.unique;
    t.unique_constraint = index.constraint.has_value();
    twins.push_back(std::move(t));
  }
  for (const auto& con : table.constraints) {
    if ((con.type != 'c' && con.type != 'f') || !contains(con.columns, from)) {
      continue;
    }
    Twin t;
    t.name = con.name;
    t.twin = fit_identifier("_orc_" + con.name);
    t.type = con.type;
    if (con.type == 'f') {
      auto ref = con.definition.find(" REFERENCES ");
      t.definition = replace_identifier(con.definition.substr(0, ref), from, to) +
                     con.definition.substr(ref);
    } else {
      t.definition = replace_identifier(con.definition, from, to);
    }
    t.definition = strip_not_valid(t.definition);
    twins.push_back(std::move(t));
  }
  return twins;
}

std::string id_of(const ShadowSpec& spec) {
  return fmt::format("{}.{}.{}", spec.kind, spec.table.value, spec.column.value);
}

std::string not_null_name(const ShadowSpec& spec) {
  return helper_name("nn", spec.table.value, spec.column.value);
}

// The temporary column's default: the column's own, as the new type. A volatile one (a
// sequence) moves only at contract so that no value is drawn twice.
std::optional<std::string> shadow_default(const ShadowSpec& spec, const Column& column) {
  if (!column.default_sql || column.default_volatile) {
    return std::nullopt;
  }
  if (column.type == spec.type) {
    return *column.default_sql;
  }
  return fmt::format("CAST(({}) AS {})", *column.default_sql, spec.type);
}

SyncSpec sync_spec(const ShadowSpec& spec, const ChangeContext& ctx, const Table& table) {
  const Column& column = *table.column(spec.column.value);
  const std::string temp = shadow_column_name(spec.column.value);
  SyncSpec s;
  s.schema = ctx.schema;
  s.table = spec.table.value;
  s.function = helper_name("sync", spec.table.value, spec.column.value);
  s.trigger = s.function;
  s.old_view = physical_view(table);
  s.new_view = s.old_view;
  for (auto& c : s.new_view) {
    if (c.name == spec.column.value) {
      c.physical = temp;
      c.type = spec.type;
    }
  }
  s.up.push_back({temp, spec.type, spec.up, false});
  if (spec.down.empty()) {
    s.down.push_back({spec.column.value, column.type, temp, true});
  } else {
    s.down.push_back({spec.column.value, column.type, spec.down, false});
  }
  if (auto d = shadow_default(spec, column)) {
    s.defaults.push_back({temp, *d});
  }
  if (column.default_sql && !column.default_volatile) {
    s.defaults.push_back({spec.column.value, *column.default_sql});
  }
  return s;
}

BackfillSpec backfill_spec(const ShadowSpec& spec, const ChangeContext& ctx, const Table& table) {
  const std::string temp = quote_ident(shadow_column_name(spec.column.value));
  return make_backfill(id_of(spec), ctx.schema, table, fmt::format("{} = ({})", temp, spec.up),
                       fmt::format("{} IS DISTINCT FROM ({})", temp, spec.up));
}

Check column_type_check(const std::string& id, const ChangeContext& ctx, const std::string& table,
                        const std::string& column, const std::string& type) {
  return {id, fmt::format("column {}.{} is of type {}", table, column, type),
          fmt::format("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({}) "
                      "AND attname = {} AND NOT attisdropped AND atttypid = {}::regtype)",
                      quote_literal(quote_qualified(ctx.schema, table)), quote_literal(column),
                      quote_literal(type)),
          false, std::nullopt};
}

std::string contract_sql(const ShadowSpec& spec,
                         const ChangeContext& ctx,
                         const Column& column,
                         const std::vector<Twin>& twins,
                         const SyncSpec& sync) {
  const std::string qualified = quote_qualified(ctx.schema, spec.table.value);
  const std::string temp = shadow_column_name(spec.column.value);
  std::string body;
  if (column.default_volatile) {
    // A serial column owns its sequence: hand it over before the old column goes with it.
    body += fmt::format(
        "    s := pg_get_serial_sequence({0}, {1});\n"
        "    IF s IS NOT NULL THEN\n"
        "      EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', s, {0}, {2});\n"
        "    END IF;\n",
        quote_literal(qualified), quote_literal(spec.column.value), quote_literal(temp));
  }
  body += fmt::format("    ALTER TABLE {} DROP COLUMN {};\n", qualified,
                      quote_ident(spec.column.value));
  body += fmt::format("    ALTER TABLE {} RENAME COLUMN {} TO {};\n", qualified, quote_ident(temp),
                      quote_ident(spec.column.value));
  if (column.default_sql && column.default_volatile) {
    body += fmt::format("    ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};\n", qualified,
                        quote_ident(spec.column.value), *column.default_sql);
  }
  for (const auto& t : twins) {
    if (t.type == 'i' && !t.unique_constraint) {
      body += fmt::format("    ALTER INDEX {} RENAME TO {};\n",
                          quote_qualified(ctx.schema, t.twin), quote_ident(t.name));
    } else {
      // Renaming a UNIQUE constraint renames the index behind it too.
      body += fmt::format("    ALTER TABLE {} RENAME CONSTRAINT {} TO {};\n", qualified,
                          quote_ident(t.twin), quote_ident(t.name));
    }
  }
  // Guarded by the temporary column: once it is renamed, running the step again must not
  // drop the column that now carries the data.
  return fmt::format(
      "{};\n"
      "DO $orc$ DECLARE s text; BEGIN\n"
      "  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = {}::regclass AND attname = {} "
      "AND NOT attisdropped) THEN\n"
      "{}"
      "  END IF;\nEND $orc$",
      drop_sync_sql(sync), quote_literal(qualified), quote_literal(temp), body);
}

} // namespace

std::string shadow_column_name(const std::string& column) {
  return fit_identifier("_orc_new_" + column);
}

void validate_shadow(const ShadowSpec& spec, const ChangeContext& ctx) {
  const Table& table = require_table(ctx, spec.table);
  const Column& column = require_column(ctx, table, spec.column);
  auto fail = [&](const std::string& message) {
    throw PlanError(ctx.file, spec.column.mark.line, spec.column.mark.column, message);
  };
  for (const auto& index : table.indexes) {
    if (index.primary && contains(index.columns, spec.column.value)) {
      fail(fmt::format("{}: {}.{} is part of the primary key; that is not supported", spec.kind,
                       table.name, spec.column.value));
    }
  }
  for (const auto& fk : table.referenced_by) {
    if (contains(fk.referenced_columns, spec.column.value)) {
      fail(fmt::format("{}: {}.{} is referenced by foreign key {} on {}; drop or move it first",
                       spec.kind, table.name, spec.column.value, fk.name, fk.table));
    }
  }
  if (column.identity || column.generated) {
    fail(fmt::format("{}: {}.{} is an identity or generated column; that is not supported",
                     spec.kind, table.name, spec.column.value));
  }
  if (!table.dependent_views.empty()) {
    throw PlanError(ctx.file, spec.table.mark.line, spec.table.mark.column,
                    fmt::format("{}: views depend on {} ({}); contract could not drop the old "
                                "column",
                                spec.kind, table.name, table.dependent_views.front()));
  }
  Located<std::string> temp{shadow_column_name(spec.column.value), spec.column.mark};
  require_no_column(ctx, table, temp);
  require_row_key(ctx, table, spec.table.mark);
}

PhaseWork shadow_work(const ShadowSpec& spec, Phase phase, const ChangeContext& ctx) {
  const Table& table = *ctx.before.table(ctx.schema, spec.table.value);
  const Column& column = *table.column(spec.column.value);
  const std::string id = id_of(spec);
  const std::string qualified = quote_qualified(ctx.schema, spec.table.value);
  const std::string temp = shadow_column_name(spec.column.value);
  const auto twins = find_twins(table, spec.column.value, temp);
  const auto sync = sync_spec(spec, ctx, table);
  PhaseWork w;
  switch (phase) {
  case Phase::expand: {
    std::string add = fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}", qualified,
                                  quote_ident(temp), spec.type);
    if (column.collation && column.type == spec.type) {
      add += " COLLATE " + *column.collation;
    }
    // The default is set after the column exists, so existing rows stay NULL (no rewrite)
    // until the backfill fills them.
    if (auto d = shadow_default(spec, column)) {
      add += fmt::format(", ALTER COLUMN {} SET DEFAULT {}", quote_ident(temp), *d);
    }
    w.steps.push_back({id + ".add_column", add});
    w.gate.push_back(column_exists_check(id + ".column", ctx.schema, spec.table.value, temp, true));
    for (const auto& t : twins) {
      if (t.type == 'i') {
        for (auto& s : build_index_steps(id + ".index." + t.name, ctx.schema, spec.table.value,
                                         t.twin, t.unique, t.definition)) {
          w.steps.push_back(std::move(s));
        }
        w.gate.push_back(index_valid_check(id + ".index." + t.name, ctx.schema, t.twin));
      } else {
        w.steps.push_back({id + ".constraint." + t.name,
                           add_constraint_sql(ctx.schema, spec.table.value, t.twin,
                                              t.definition + " NOT VALID")});
        w.gate.push_back(
            constraint_check(id + ".constraint." + t.name, ctx.schema, spec.table.value, t.twin,
                             false));
      }
    }
    break;
  }
  case Phase::dual_write:
    w.steps.push_back({id + ".sync_function", sync_function_sql(sync)});
    w.steps.push_back({id + ".sync_trigger", sync_trigger_sql(sync)});
    if (spec.not_null) {
      // After the trigger: before it, the old application's writes leave the column NULL.
      w.steps.push_back({id + ".not_null_check",
                         add_constraint_sql(ctx.schema, spec.table.value, not_null_name(spec),
                                            fmt::format("CHECK ({} IS NOT NULL) NOT VALID",
                                                        quote_ident(temp)))});
      w.gate.push_back(constraint_check(id + ".not_null_check", ctx.schema, spec.table.value,
                                        not_null_name(spec), false));
    }
    for (auto& c : sync_gate_checks(sync, table.row_key(), id)) {
      w.gate.push_back(std::move(c));
    }
    break;
  case Phase::backfill: {
    auto b = backfill_spec(spec, ctx, table);
    w.backfills.push_back(b);
    w.gate.push_back(parity_check(b));
    break;
  }
  case Phase::transition: {
    std::vector<std::string> to_validate;
    if (spec.not_null) {
      to_validate.push_back(not_null_name(spec));
    }
    for (const auto& t : twins) {
      if (t.type != 'i') {
        to_validate.push_back(t.twin);
      }
    }
    for (const auto& name : to_validate) {
      // VALIDATE takes SHARE UPDATE EXCLUSIVE: writes go on while it scans.
      w.steps.push_back({id + ".validate." + name,
                         validate_constraint_sql(ctx.schema, spec.table.value, name)});
      if (!spec.not_null || name != not_null_name(spec)) {
        w.gate.push_back(constraint_check(id + ".validated." + name, ctx.schema,
                                          spec.table.value, name, true));
      }
    }
    if (spec.not_null) {
      // The CHECK is valid now, so SET NOT NULL skips its scan; the CHECK is redundant after.
      w.steps.push_back({id + ".set_not_null",
                         fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;\n"
                                     "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                                     qualified, quote_ident(temp), qualified,
                                     quote_ident(not_null_name(spec)))});
      w.gate.push_back(
          column_not_null_check(id + ".not_null", ctx.schema, spec.table.value, temp));
    }
    for (const auto& t : twins) {
      if (t.type == 'i' && t.unique_constraint) {
        w.steps.push_back({id + ".unique." + t.name,
                           add_constraint_sql(ctx.schema, spec.table.value, t.twin,
                                              "UNIQUE USING INDEX " + quote_ident(t.twin))});
        w.gate.push_back(
            constraint_check(id + ".unique." + t.name, ctx.schema, spec.table.value, t.twin,
                             true));
      }
    }
    w.gate.push_back(parity_check(backfill_spec(spec, ctx, table)));
    break;
  }
  case Phase::contract:
    w.steps.push_back({id + ".swap", contract_sql(spec, ctx, column, twins, sync)});
    w.gate.push_back(column_exists_check(id + ".temporary_gone", ctx.schema, spec.table.value,
                                         temp, false));
    w.gate.push_back(column_type_check(id + ".type", ctx, spec.table.value, spec.column.value,
                                       spec.type));
    if (spec.not_null) {
      w.gate.push_back(column_not_null_check(id + ".not_null", ctx.schema, spec.table.value,
                                             spec.column.value));
    }
    for (const auto& t : twins) {
      if (t.type == 'i') {
        w.gate.push_back(index_valid_check(id + ".index." + t.name, ctx.schema, t.name));
      } else {
        w.gate.push_back(constraint_check(id + ".constraint." + t.name, ctx.schema,
                                          spec.table.value, t.name, true));
      }
    }
    w.gate.push_back(sync_gone_check(sync, id));
    w.gate.push_back(no_helpers_check(id + ".no_helpers", ctx.schema, spec.table.value));
    break;
  }
  return w;
}

std::vector<Step> shadow_rollback(const ShadowSpec& spec, const ChangeContext& ctx) {
  const Table& table = *ctx.before.table(ctx.schema, spec.table.value);
  const std::string id = "rollback." + id_of(spec);
  // The temporary column takes its twins and the NOT NULL check with it; the old column was
  // never touched. One transaction: without the trigger, a write to a row the backfill has not
  // reached would leave the temporary column NULL and fail its NOT NULL check.
  return {{id + ".drop",
           fmt::format("{};\nALTER TABLE {} DROP COLUMN IF EXISTS {}",
                       drop_sync_sql(sync_spec(spec, ctx, table)),
                       quote_qualified(ctx.schema, spec.table.value),
                       quote_ident(shadow_column_name(spec.column.value)))}};
}

std::vector<Touch> shadow_touches(const ShadowSpec& spec) {
  return {{spec.table.value, spec.column.value, true, spec.column.mark}};
}

VersionedColumn shadow_versioned(const ShadowSpec& spec) {
  return {spec.table.value, spec.column.value, shadow_column_name(spec.column.value)};
}

void shadow_apply(const ShadowSpec& spec, Catalog& catalog, const ChangeContext& ctx) {
  Table* table = catalog.table(ctx.schema, spec.table.value);
  if (table == nullptr) {
    return;
  }
  if (Column* c = table->column(spec.column.value)) {
    if (c->type != spec.type) {
      c->collation.reset();
    }
    c->type = spec.type;
    c->not_null = c->not_null || spec.not_null;
  }
}

} // namespace orchestrate
