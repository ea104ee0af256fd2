#include "changes/column_transition.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/expression_checks.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/ranges.hpp"

namespace orchestrate {

namespace {

// The name an added column ends with after contract.
std::string final_name(const ColumnTransition& t, const std::string& added) {
  for (const auto& [from, to] : t.renames) {
    if (from == added) {
      return to;
    }
  }
  return added;
}

// Ids and names of what belongs to one added column: the change's own when it adds just one.
std::string tag(const ColumnTransition& t, const AddedColumn& a) {
  return t.added.size() == 1 ? "" : "." + a.name;
}

std::string not_null_name(const ColumnTransition& t, const AddedColumn& a) {
  return helper_name("nn", t.table.value, t.added.size() == 1 ? t.name : a.name);
}

std::vector<ViewColumn> old_view(const ColumnTransition& t, const Table& table) {
  auto view = physical_view(table);
  if (t.up_reads_added) {
    for (const auto& a : t.added) {
      view.push_back({.name = a.name, .physical = a.name, .type = a.type});
    }
  }
  return view;
}

bool exact(const ColumnTransition& t) {
  return std::all_of(t.added.begin(), t.added.end(),
                     [](const AddedColumn& a) { return a.up_is_copy; }) &&
         std::all_of(t.old_side.begin(), t.old_side.end(),
                     [](const OldSideColumn& o) { return o.down_is_copy; });
}

std::string add_columns_sql(const ColumnTransition& t, const SyncSpec& sync) {
  std::string sql;
  auto add = [&](const std::string& part) { sql += (sql.empty() ? "" : ",\n  ") + part; };
  for (const auto& a : t.added) {
    add(fmt::format("ADD COLUMN IF NOT EXISTS {} {}{}", quote_ident(a.name), a.type,
                    a.collation ? " COLLATE " + *a.collation : ""));
    if (a.default_sql && !a.default_with_trigger) {
      add(fmt::format("ALTER COLUMN {} SET DEFAULT {}", quote_ident(a.name), *a.default_sql));
    }
  }
  if (!sync.side_column.empty()) {
    // A constant default: existing rows read '0' without a rewrite.
    add(fmt::format("ADD COLUMN IF NOT EXISTS {} \"char\" NOT NULL DEFAULT '0'",
                    quote_ident(sync.side_column)));
  }
  const std::string qualified = quote_qualified(t.schema, t.table.value);
  sql = fmt::format("ALTER TABLE {}\n  {}", qualified, sql);
  // In the same transaction as the column: a column that exists has its comment.
  for (const auto& a : t.added) {
    if (a.comment) {
      sql += fmt::format(";\nCOMMENT ON COLUMN {}.{} IS {}", qualified, quote_ident(a.name),
                         quote_literal(*a.comment));
    }
  }
  return sql;
}

// `DROP COLUMN IF EXISTS` of each column, then of the marker column (when there is one).
std::string drop_columns_sql(std::vector<std::string> columns, const SyncSpec& sync) {
  if (!sync.side_column.empty()) {
    columns.push_back(sync.side_column);
  }
  std::string out;
  for (const auto& c : columns) {
    out += fmt::format("{}DROP COLUMN IF EXISTS {}", out.empty() ? "" : ", ", quote_ident(c));
  }
  return out;
}

std::string sequence_handover_sql(const ColumnTransition& t) {
  if (!t.sequence_owner) {
    return "";
  }
  const std::string qualified = quote_literal(quote_qualified(t.schema, t.table.value));
  // A serial column owns its sequence: hand it over before the old column goes with it.
  return fmt::format(
      "DO $orc$ DECLARE s text; BEGIN\n"
      "  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = {0}::regclass AND attname = {1} "
      "AND NOT attisdropped) THEN\n"
      "    s := pg_get_serial_sequence({0}, {1});\n"
      "    IF s IS NOT NULL THEN\n"
      "      EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', s, {0}, {2});\n"
      "    END IF;\n"
      "  END IF;\nEND $orc$;\n",
      qualified, quote_literal(t.sequence_owner->first), quote_literal(t.sequence_owner->second));
}

std::string contract_sql(const ColumnTransition& t, const SyncSpec& sync) {
  const std::string qualified = quote_qualified(t.schema, t.table.value);
  std::string sql = sequence_handover_sql(t);
  const std::string drops = drop_columns_sql(t.drop_at_contract, sync);
  if (t.renames.empty()) {
    if (drops.empty()) {
      return sql.empty() ? sql : sql.substr(0, sql.size() - 2);
    }
    return sql + fmt::format("ALTER TABLE {} {}", qualified, drops);
  }
  // The temporary columns take the old names: guarded by the first of them, because once it
  // is renamed, running the step again must not drop the column that now carries the data.
  std::string body = fmt::format("    ALTER TABLE {} {};\n", qualified, drops);
  for (const auto& [from, to] : t.renames) {
    body += fmt::format("    ALTER TABLE {} RENAME COLUMN {} TO {};\n", qualified,
                        quote_ident(from), quote_ident(to));
  }
  if (t.twins_renamed) {
    const std::string renames = twins_rename_sql(t.twins, t.schema, t.table.value);
    for (std::size_t pos = 0, next; pos < renames.size(); pos = next + 1) {
      next = renames.find('\n', pos);
      body += "    " + renames.substr(pos, next - pos + 1);
    }
  }
  return sql + fmt::format(
                   "DO $orc$ BEGIN\n"
                   "  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = {}::regclass AND "
                   "attname = {} AND NOT attisdropped) THEN\n"
                   "{}"
                   "  END IF;\nEND $orc$",
                   quote_literal(qualified), quote_literal(t.renames.front().first), body);
}

Check column_type_check(const std::string& id,
                        const ColumnTransition& t,
                        const std::string& column,
                        const std::string& type) {
  return {.id = id,
          .description = fmt::format("column {}.{} is of type {}", t.table.value, column, type),
          .sql = fmt::format(
              "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({}) AND "
              "attname = {} AND NOT attisdropped AND atttypid = {}::regtype)",
              quote_literal(quote_qualified(t.schema, t.table.value)), quote_literal(column),
              quote_literal(type))};
}

// Compiles `expr` over `view` as an assignment to a column of `type`: an unknown column, a
// function that does not exist or a type with no assignment cast fails here, at validate.
LiveCheck fits(const std::string& what,
               const Located<std::string>& expr,
               const std::string& type,
               const std::vector<ViewColumn>& view,
               const Table* live) {
  return {.mark = expr.mark,
          .what = what,
          .sql = fmt::format("CREATE TEMP TABLE _orc_fit (v {}) ON COMMIT DROP;\n"
                             "EXPLAIN (COSTS OFF) INSERT INTO pg_temp._orc_fit SELECT ({}) FROM "
                             "({}) AS _v",
                             type, expr.value, view_select(view, live))};
}

// Counts the existing rows whose new side cannot be computed. One pass stops at the first
// failure (one subtransaction for the whole table); only then a second pass counts them.
LiveCheck rows_fit(const ColumnTransition& t,
                   const std::vector<const AddedColumn*>& checked,
                   const std::vector<ViewColumn>& view,
                   const Table& table) {
  std::string vars;
  std::string declare;
  std::string compute;
  for (std::size_t i = 0; i < checked.size(); ++i) {
    vars += fmt::format("  _v{} {};\n", i, checked[i]->type);
    compute += fmt::format("        _v{} := ({});\n", i, checked[i]->up.value);
    if (checked[i]->not_null) {
      compute += fmt::format(
          "        IF _v{} IS NULL THEN RAISE SQLSTATE '23502' USING MESSAGE = "
          "'the new column {} would be NULL'; END IF;\n",
          i, checked[i]->name);
    }
  }
  for (const auto& c : view) {
    declare += fmt::format("        {} {} := r.{};\n", quote_ident(c.name), c.type,
                           quote_ident(c.name));
  }
  std::string key;
  for (const auto& k : table.row_key()) {
    key += (key.empty() ? "t." : ", t.") + quote_ident(k);
  }
  const std::string each = fmt::format("      DECLARE\n{}      BEGIN\n{}      END;\n", declare,
                                       compute);
  // The view's columns and the row key, read in one scan.
  const std::string scan = fmt::format(
      "SELECT json_build_array({})::text AS _orc_key, {}",
      key.empty() ? "t.ctid" : key, view_select(view, &table).substr(7));
  return {
      .mark = checked.front()->up.mark,
      .what = t.kind + ".up",
      .sql = fmt::format(
          "CREATE FUNCTION pg_temp._orc_rows() RETURNS TABLE (bad bigint, example text, "
          "message text) LANGUAGE plpgsql AS $f$\n"
          "DECLARE\n  r record;\n  _k text;\n  _msg text;\n  _n bigint := 0;\n{0}"
          "BEGIN\n"
          "  BEGIN\n"
          "    FOR r IN {1} LOOP\n"
          "      _k := r._orc_key;\n{2}"
          "    END LOOP;\n"
          "    RETURN;\n"
          "  EXCEPTION WHEN OTHERS THEN\n    _msg := SQLERRM;\n"
          "  END;\n"
          "  FOR r IN {1} LOOP\n"
          "    BEGIN\n{2}"
          "    EXCEPTION WHEN OTHERS THEN\n      _n := _n + 1;\n"
          "    END;\n"
          "  END LOOP;\n"
          "  bad := _n;\n  example := _k;\n  message := _msg;\n  RETURN NEXT;\n"
          "END $f$;\n"
          "SELECT bad, example, message FROM pg_temp._orc_rows()",
          vars, scan, each),
      .counts_rows = true};
}

} // namespace

SyncSpec transition_sync(const ColumnTransition& t, const Table& table) {
  SyncSpec s;
  s.plan = t.plan;
  s.schema = t.schema;
  s.table = t.table.value;
  s.function = helper_name("sync", t.table.value, t.name);
  s.insert_trigger = helper_name("sync_ins", t.table.value, t.name);
  s.update_trigger = helper_name("sync_upd", t.table.value, t.name);
  s.old_view = old_view(t, table);
  s.new_view = t.new_view;
  for (const auto& a : t.added) {
    SyncTarget target{.physical = a.name,
                      .type = a.type,
                      .expr = a.up.value,
                      .column_ref = a.up_is_copy,
                      .exact_equality = exact_equality(a.type, a.collation)};
    if (a.default_sql) {
      if (a.default_volatile) {
        target.volatile_default = true;
      } else {
        target.default_sql = a.default_sql;
      }
    }
    s.up.push_back(std::move(target));
  }
  for (const auto& o : t.old_side) {
    const Column& column = *table.column(o.name);
    SyncTarget target{.physical = o.name,
                      .type = column.type,
                      .expr = o.down.value,
                      .column_ref = o.down_is_copy,
                      .exact_equality = exact_equality(column.type, column.collation)};
    if (column.default_sql) {
      if (column.default_volatile) {
        target.volatile_default = true;
      } else {
        target.default_sql = column.default_sql;
      }
    }
    s.down.push_back(std::move(target));
  }
  if (!exact(t)) {
    s.side_column = helper_name("side", t.table.value, t.name);
  }
  s.new_side_unique = t.new_side_unique;
  for (const auto& index : table.indexes) {
    const bool covers_old = std::any_of(t.old_side.begin(), t.old_side.end(), [&](const auto& o) {
      return std::find(index.columns.begin(), index.columns.end(), o.name) != index.columns.end();
    });
    s.old_side_unique = s.old_side_unique || (index.unique && (covers_old || index.uses_expression));
  }
  if (s.old_side_unique) {
    for (const auto& fk : table.referenced_by) {
      if (fk.referencing_columns.size() != fk.referenced_columns.size() ||
          fk.referencing_columns.empty()) {
        continue;
      }
      std::string match;
      for (std::size_t i = 0; i < fk.referenced_columns.size(); ++i) {
        match += fmt::format("{}c.{} = t.{}", i ? " AND " : "",
                             quote_ident(fk.referencing_columns[i]),
                             quote_ident(fk.referenced_columns[i]));
      }
      s.unreferenced.push_back(fmt::format("NOT EXISTS (SELECT 1 FROM {} c WHERE {})",
                                           quote_qualified(t.schema, fk.table), match));
    }
  }
  return s;
}

BackfillSpec transition_backfill(const ColumnTransition& t, const Table& table) {
  const SyncSpec sync = transition_sync(t, table);
  BackfillSpec b = make_backfill(t.id, t.schema, table, sync_backfill_assignments(sync),
                                 sync_pending_sql(sync));
  b.invalid = sync_invalid_sql(sync);
  return b;
}

PhaseWork transition_work(const ColumnTransition& t, Phase phase, const Table& table) {
  const std::string& id = t.id;
  const std::string& name = t.table.value;
  const std::string qualified = quote_qualified(t.schema, name);
  const SyncSpec sync = transition_sync(t, table);
  PhaseWork w;
  switch (phase) {
  case Phase::expand:
    w.steps.push_back({.id = id + ".add_columns", .sql = add_columns_sql(t, sync)});
    for (const auto& a : t.added) {
      w.gate.push_back(column_exists_check(id + ".column" + tag(t, a), t.schema, name, a.name, true));
    }
    if (!sync.side_column.empty()) {
      w.gate.push_back(
          column_exists_check(id + ".side_column", t.schema, name, sync.side_column, true));
    }
    twins_expand(t.twins, id, t.schema, name, w);
    break;
  case Phase::dual_write: {
    Step install = sync_install_step(sync, id + ".sync");
    for (const auto& a : t.added) {
      if (a.default_sql && a.default_with_trigger) {
        install.sql = fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};\n{}", qualified,
                                  quote_ident(a.name), *a.default_sql, install.sql);
      }
    }
    w.steps.push_back(std::move(install));
    for (const auto& a : t.added) {
      if (a.not_null) {
        not_null_dual_write(w, id + tag(t, a), t.schema, name, a.name, not_null_name(t, a));
      }
    }
    twins_dual_write(t.twins, id, t.schema, name, w);
    for (auto& c : sync_gate_checks(sync, table.row_key(), id)) {
      w.gate.push_back(std::move(c));
    }
    break;
  }
  case Phase::backfill: {
    auto b = transition_backfill(t, table);
    w.backfills.push_back(b);
    twins_after_copy(t.twins, id, t.schema, name, w);
    Check parity = parity_check(b);
    parity.advice = "run `orchestrate backfill` to finish the copy; a row it leaves was written "
                    "around the dual-write trigger and must be written again through either "
                    "application";
    w.gate.push_back(std::move(parity));
    break;
  }
  case Phase::transition: {
    for (const auto& a : t.added) {
      if (a.not_null) {
        not_null_transition(w, id + tag(t, a), t.schema, name, a.name, not_null_name(t, a));
      }
    }
    twins_transition(t.twins, id, t.schema, name, w);
    Check parity = parity_check(transition_backfill(t, table));
    parity.advice = "the copy is done, so these rows were written around the dual-write trigger "
                    "(a disabled trigger, session_replication_role = replica); write them again "
                    "through either application, or `orchestrate rollback`";
    w.gate.push_back(std::move(parity));
    break;
  }
  case Phase::contract:
    w.steps.push_back({.id = id + ".drop_sync",
                       .sql = drop_sync_sql(sync),
                       .ends_dual_write = qualified,
                       .drops_trigger = true});
    if (std::string swap = contract_sql(t, sync); !swap.empty()) {
      w.steps.push_back({.id = id + ".swap", .sql = std::move(swap), .ends_dual_write = qualified});
    }
    for (const auto& c : t.drop_at_contract) {
      const bool reused = std::any_of(t.renames.begin(), t.renames.end(),
                                      [&](const auto& r) { return r.second == c; });
      if (!reused) {
        w.gate.push_back(column_exists_check(id + ".old_gone." + c, t.schema, name, c, false));
      }
    }
    for (const auto& a : t.added) {
      const std::string final = final_name(t, a.name);
      w.gate.push_back(column_exists_check(id + ".present" + tag(t, a), t.schema, name, final, true));
      if (final != a.name) {
        w.gate.push_back(column_type_check(id + ".type" + tag(t, a), t, final, a.type));
      }
      if (a.not_null) {
        w.gate.push_back(column_not_null_check(id + ".not_null" + tag(t, a), t.schema, name, final));
      }
    }
    twins_contract_gate(t.twins, t.twins_renamed, id, t.schema, name, w);
    w.gate.push_back(sync_gone_check(sync, id));
    w.gate.push_back(no_helpers_check(id + ".no_helpers", t.schema, name));
    break;
  }
  return w;
}

std::vector<Step> transition_rollback(const ColumnTransition& t, const Table& table) {
  const SyncSpec sync = transition_sync(t, table);
  std::vector<std::string> added;
  for (const auto& a : t.added) {
    added.push_back(a.name);
  }
  const std::string drops = drop_columns_sql(added, sync);
  // The added columns take their twins and NOT NULL checks with them; the old side was never
  // touched, so the table is as it was.
  return {{.id = "rollback." + t.id + ".drop",
           .sql = fmt::format("{};\nALTER TABLE {} {}", drop_sync_sql(sync),
                              quote_qualified(t.schema, t.table.value), drops)}};
}

std::vector<LiveCheck> transition_live_checks(const ColumnTransition& t,
                                              const Table& table,
                                              const Table* live) {
  std::vector<LiveCheck> out;
  const auto old = old_view(t, table);
  std::vector<const AddedColumn*> computed;
  for (const auto& a : t.added) {
    if (!a.up_is_copy) {
      out.push_back(fits(t.kind + ".up", a.up, a.type, old, live));
      if (!a.up_cannot_fail) {
        computed.push_back(&a);
      }
    }
  }
  for (const auto& o : t.old_side) {
    if (!o.down_is_copy) {
      out.push_back(fits(t.kind + ".down", o.down, table.column(o.name)->type, t.new_view, live));
    }
  }
  if (!computed.empty()) {
    out.push_back(rows_fit(t, computed, old, table));
  }
  return out;
}

} // namespace orchestrate

namespace orchestrate {

void not_null_dual_write(PhaseWork& w,
                         const std::string& id,
                         const std::string& schema,
                         const std::string& table,
                         const std::string& column,
                         const std::string& nn) {
  w.steps.push_back({.id = id + ".not_null_check",
                     .sql = add_constraint_sql(schema, table, nn,
                                               fmt::format("CHECK ({} IS NOT NULL) NOT VALID",
                                                           quote_ident(column)))});
  w.gate.push_back(constraint_check(id + ".not_null_check", schema, table, nn, false));
}

void not_null_transition(PhaseWork& w,
                         const std::string& id,
                         const std::string& schema,
                         const std::string& table,
                         const std::string& column,
                         const std::string& nn) {
  const std::string qualified = quote_qualified(schema, table);
  // VALIDATE takes SHARE UPDATE EXCLUSIVE: writes go on while it scans. Then the CHECK is
  // valid, so SET NOT NULL skips its full scan and holds its lock only for a moment.
  w.steps.push_back({.id = id + ".validate." + nn, .sql = validate_constraint_sql(schema, table, nn)});
  w.steps.push_back({.id = id + ".set_not_null",
                     .sql = fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;\n"
                                        "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                                        qualified, quote_ident(column), qualified,
                                        quote_ident(nn))});
  w.gate.push_back(column_not_null_check(id + ".not_null", schema, table, column));
}

void require_replaceable_column(const ChangeContext& ctx,
                                const Table& table,
                                const Located<std::string>& column,
                                const std::string& kind) {
  auto fail = [&](const std::string& message) {
    throw PlanError(ctx.file, column.mark.line, column.mark.column, kind + ": " + message);
  };
  const Column& c = *table.column(column.value);
  for (const auto& index : table.indexes) {
    if (index.primary &&
        contains(index.columns, column.value)) {
      fail(fmt::format("{}.{} is part of the primary key; that is not supported", table.name,
                       column.value));
    }
  }
  for (const auto& fk : table.referenced_by) {
    if (std::find(fk.referenced_columns.begin(), fk.referenced_columns.end(), column.value) !=
        fk.referenced_columns.end()) {
      fail(fmt::format("{}.{} is referenced by foreign key {} on {}; drop or move it first",
                       table.name, column.value, fk.name, fk.table));
    }
  }
  if (c.identity || c.generated) {
    fail(fmt::format("{}.{} is an identity or generated column; that is not supported",
                     table.name, column.value));
  }
}

void require_no_dependent_views(const ChangeContext& ctx,
                                const Table& table,
                                const Located<std::string>& at,
                                const std::string& kind) {
  if (!table.dependent_views.empty()) {
    throw PlanError(ctx.file, at.mark.line, at.mark.column,
                    fmt::format("{}: views depend on {} ({}); contract could not drop the old "
                                "column",
                                kind, table.name, table.dependent_views.front()));
  }
}

} // namespace orchestrate
