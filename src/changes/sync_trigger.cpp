#include "changes/sync_trigger.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

std::string ref(const std::string& row, const std::string& column) {
  return row + quote_ident(column);
}

bool flagged(const SyncSpec& spec) {
  return !spec.side_column.empty();
}

// OR over a side: the statement changed one of its columns.
std::string changed(const std::vector<SyncTarget>& side) {
  std::vector<std::string> parts;
  for (const auto& t : side) {
    parts.push_back(differs_sql(ref("NEW.", t.physical), ref("OLD.", t.physical), t));
  }
  return parts.empty() ? "false" : "(" + join(parts, " OR ") + ")";
}

// AND over a side: every column holds its default (NULL without one). A volatile default
// cannot be evaluated again to compare, so such a column counts as `unknown`.
std::string at_defaults(const std::vector<SyncTarget>& side, const char* unknown) {
  std::vector<std::string> parts;
  for (const auto& t : side) {
    if (t.volatile_default) {
      parts.emplace_back(unknown);
    } else {
      // The default as the column stores it (numeric(10,2) keeps 1.00 of 100 / 100.0).
      parts.push_back("NOT " + differs_sql(ref("NEW.", t.physical),
                                           fmt::format("CAST(({}) AS {})",
                                                       t.default_sql.value_or("NULL"), t.type),
                                           t));
    }
  }
  return parts.empty() ? "true" : "(" + join(parts, " AND ") + ")";
}

// For an exact round trip: the two sides of the row `row` ("NEW.", "t." or "") disagree.
std::string disagree(const SyncSpec& spec, const std::string& row) {
  std::vector<std::string> parts;
  for (const auto& t : spec.up) {
    parts.push_back(differs_sql(ref(row, t.physical), ref(row, t.expr), t));
  }
  return "(" + join(parts, " OR ") + ")";
}

// A row no write and no backfill has reached since expand.
std::string unreached(const SyncSpec& spec, const std::string& row) {
  if (flagged(spec)) {
    return ref(row, spec.side_column) + " = '0'";
  }
  return disagree(spec, row);
}

std::string new_app_sql(const SyncSpec& spec) {
  return new_app_session_sql(spec.plan);
}

// Evaluates `targets` over `view` into local variables `<prefix>N`. Column references copy
// directly; expressions see the view's columns as PL/pgSQL variables of the same name, so they
// read exactly as in the plan.
std::string evaluate(const std::vector<SyncTarget>& targets,
                     const std::vector<ViewColumn>& view,
                     const std::string& prefix) {
  std::string out;
  bool any_expression = false;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].column_ref) {
      out += fmt::format("    {}{} := {};\n", prefix, i, ref("NEW.", targets[i].expr));
    } else {
      any_expression = true;
    }
  }
  if (any_expression) {
    out += "    DECLARE\n";
    for (const auto& c : view) {
      out += fmt::format("      {} {} := {};\n", quote_ident(c.name), c.type,
                         ref("NEW.", c.physical));
    }
    out += "    BEGIN\n";
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (!targets[i].column_ref) {
        out += fmt::format("      {}{} := ({});\n", prefix, i, targets[i].expr);
      }
    }
    out += "    END;\n";
  }
  return out;
}

std::string evaluate_and_assign(const std::vector<SyncTarget>& targets,
                                const std::vector<ViewColumn>& view,
                                const std::string& prefix) {
  if (targets.empty()) {
    return "    NULL;\n";
  }
  std::string out = evaluate(targets, view, prefix);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    out += fmt::format("    {} := {}{};\n", ref("NEW.", targets[i].physical), prefix, i);
  }
  return out;
}

bool needs_pinned_path(const SyncSpec& spec) {
  auto named = [](const SyncTarget& t) {
    return !t.column_ref ||
           (t.default_sql && t.default_sql->find('(') != std::string::npos);
  };
  return std::any_of(spec.up.begin(), spec.up.end(), named) ||
         std::any_of(spec.down.begin(), spec.down.end(), named);
}

std::string create_trigger_sql(const SyncSpec& spec,
                               const std::string& name,
                               const char* event,
                               const std::string& when) {
  const std::string table = quote_qualified(spec.schema, spec.table);
  return fmt::format(
      "  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = {}::regclass AND tgname = {}) "
      "THEN\n"
      "    CREATE TRIGGER {} BEFORE {} ON {} FOR EACH ROW {}EXECUTE FUNCTION {}();\n"
      "  END IF;\n",
      quote_literal(table), quote_literal(name), quote_ident(name), event, table,
      when.empty() ? "" : "WHEN (" + when + ") ", quote_qualified(spec.schema, spec.function));
}

// Fires both triggers on real rows, inside a subtransaction that is always rolled back: an
// unmarked write of a row not reached yet (the old side's path) and, where the old side has
// columns, a marked write of the new side (the new side's path).
std::string probe_sql(const SyncSpec& spec) {
  const std::string table = quote_qualified(spec.schema, spec.table);
  const std::string touch =
      quote_ident(flagged(spec) ? spec.side_column : spec.up.front().expr);
  std::string out = "DO $orc$ DECLARE _row tid; BEGIN\n  BEGIN\n";
  out += fmt::format(
      "    SELECT ctid INTO _row FROM {0} WHERE {1} LIMIT 1 FOR UPDATE SKIP LOCKED;\n"
      "    IF _row IS NOT NULL THEN\n"
      "      UPDATE {0} SET {2} = {2} WHERE ctid = _row;\n"
      "    END IF;\n",
      table, unreached(spec, ""), touch);
  if (flagged(spec) && !spec.down.empty()) {
    std::vector<std::string> assign;
    for (const auto& t : spec.up) {
      assign.push_back(quote_ident(t.physical) + " = " + view_eval(t, spec.old_view, ""));
    }
    out += fmt::format(
        "    SELECT ctid INTO _row FROM {0} WHERE {1} = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;\n"
        "    IF _row IS NOT NULL THEN\n"
        "      PERFORM pg_catalog.set_config('{2}', {3}, true);\n"
        "      UPDATE {0} SET {4} WHERE ctid = _row;\n"
        "    END IF;\n",
        table, quote_ident(spec.side_column), k_new_app_setting, quote_literal(spec.plan),
        join(assign, ", "));
  }
  out += "    RAISE SQLSTATE 'OR000';\n"
         "  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;\n"
         "  END;\nEND $orc$";
  return out;
}

} // namespace

std::string new_app_session_sql(const std::string& plan) {
  return fmt::format("COALESCE({} = ANY (pg_catalog.string_to_array(pg_catalog.replace("
                     "pg_catalog.current_setting('{}', true), ' ', ''), ',')), false)",
                     quote_literal(plan), k_new_app_setting);
}

bool exact_equality(const std::string& type, const std::optional<std::string>& collation) {
  static const std::array<const char*, 16> k_exact = {
      "smallint", "integer", "bigint", "boolean", "text", "uuid", "date", "bytea", "jsonb",
      "timestamp with time zone", "timestamp without time zone", "time without time zone",
      "oid", "inet", "macaddr", "\"char\""};
  if (collation) {
    return false;
  }
  for (const char* t : k_exact) {
    if (type == t) {
      return true;
    }
  }
  // varchar(n) and char(n) compare like text.
  return type.rfind("character varying", 0) == 0 || type.rfind("character(", 0) == 0;
}

std::string differs_sql(const std::string& a, const std::string& b, const SyncTarget& target) {
  if (target.exact_equality) {
    return fmt::format("{} IS DISTINCT FROM {}", a, b);
  }
  return fmt::format("({})::text COLLATE \"C\" IS DISTINCT FROM ({})::text COLLATE \"C\"", a, b);
}

std::string view_eval(const SyncTarget& target,
                      const std::vector<ViewColumn>& view,
                      const std::string& alias) {
  const std::string prefix = alias.empty() ? "" : alias + ".";
  if (target.column_ref) {
    return prefix + quote_ident(target.expr);
  }
  const bool identity = std::all_of(view.begin(), view.end(), [](const ViewColumn& c) {
    return c.name == c.physical;
  });
  if (identity) {
    return fmt::format("CAST(({}) AS {})", target.expr, target.type);
  }
  std::vector<std::string> cols;
  for (const auto& c : view) {
    cols.push_back(fmt::format("{}{} AS {}", prefix, quote_ident(c.physical), quote_ident(c.name)));
  }
  return fmt::format("(SELECT CAST(({}) AS {}) FROM (SELECT {}) AS _view)", target.expr,
                     target.type, join(cols, ", "));
}

std::vector<ViewColumn> physical_view(const Table& table) {
  std::vector<ViewColumn> view;
  for (const auto& c : table.columns) {
    view.push_back({.name = c.name, .physical = c.name, .type = c.type});
  }
  return view;
}

std::string sync_function_sql(const SyncSpec& spec) {
  std::string body = "DECLARE\n  _side \"char\";\n";
  for (std::size_t i = 0; i < spec.up.size(); ++i) {
    body += fmt::format("  _up{} {};\n", i, spec.up[i].type);
  }
  for (std::size_t i = 0; i < spec.down.size(); ++i) {
    body += fmt::format("  _down{} {};\n", i, spec.down[i].type);
  }
  const std::string old_changed = changed(spec.down);
  const std::string new_changed = changed(spec.up);
  body += "BEGIN\n";
  body += "  -- Which side did the statement write? (see sync_trigger.hpp)\n";
  // Which application wrote is asked only where the answer matters (an INSERT, or an UPDATE
  // that changed both sides): reading the setting on every row took an eighth of the
  // trigger's time in a bulk UPDATE.
  body += fmt::format("  IF TG_OP = 'INSERT' THEN\n"
                      "    IF {} OR ({} AND NOT {}) THEN\n"
                      "      _side := 'n';\n"
                      "    ELSE\n"
                      "      _side := 'o';\n"
                      "    END IF;\n"
                      "  ELSE\n",
                      new_app_sql(spec), at_defaults(spec.down, "false"),
                      at_defaults(spec.up, "true"));
  // Both sides changed: the new application wrote the new side, the old one the old side.
  body += fmt::format("    IF {1} THEN\n"
                      "      IF {0} AND {2} THEN\n        _side := 'n';\n"
                      "      ELSE\n        _side := 'o';\n"
                      "      END IF;\n"
                      "    ELSIF {0} THEN\n      _side := 'n';\n"
                      "    END IF;\n",
                      new_changed, old_changed, new_app_sql(spec));
  body += fmt::format("    IF _side IS NULL THEN\n"
                      "      -- Neither side written: only a row nobody reached yet gets its new "
                      "side.\n"
                      "      IF {} THEN\n        _side := 'o';\n"
                      "      ELSE\n        RETURN NEW;\n      END IF;\n"
                      "    END IF;\n"
                      "  END IF;\n",
                      unreached(spec, "OLD."));
  body += "  -- The written side stays as given; the other side gets its translation.\n";
  body += "  IF _side = 'n' THEN\n";
  if (spec.up.size() > 1) {
    // A row nobody reached yet shows NULLs on its new side: the columns this UPDATE left alone
    // get their value from the old side first, so the translation back sees the whole row.
    std::string keep;
    for (std::size_t i = 0; i < spec.up.size(); ++i) {
      keep += fmt::format("      IF NOT {} THEN\n        {} := _up{};\n      END IF;\n",
                          differs_sql(ref("NEW.", spec.up[i].physical),
                                      ref("OLD.", spec.up[i].physical), spec.up[i]),
                          ref("NEW.", spec.up[i].physical), i);
    }
    body += fmt::format("    IF TG_OP = 'UPDATE' AND {} THEN\n{}{}    END IF;\n",
                        unreached(spec, "OLD."), evaluate(spec.up, spec.old_view, "_up"), keep);
  }
  body += evaluate_and_assign(spec.down, spec.new_view, "_down");
  body += "  ELSE\n";
  body += evaluate_and_assign(spec.up, spec.old_view, "_up");
  body += "  END IF;\n";
  if (flagged(spec)) {
    body += fmt::format("  {} := _side;\n", ref("NEW.", spec.side_column));
  }
  body += "  RETURN NEW;\nEND;\n";
  // The plan's expressions name types and functions as their author saw them, in the plan's
  // schema. Pinning the function's search_path makes them mean the same for every client,
  // whatever search_path it set (the new application puts a version schema first).
  const std::string pinned =
      needs_pinned_path(spec)
          ? fmt::format(" SET search_path = pg_catalog, {}", quote_ident(spec.schema))
          : "";
  return fmt::format("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql{} AS "
                     "$orc$\n{}$orc$",
                     quote_qualified(spec.schema, spec.function), pinned, body);
}

std::string sync_triggers_sql(const SyncSpec& spec) {
  std::string insert_when;
  std::string update_when;
  if (flagged(spec)) {
    // The backfill moves a row from '0' to 'b' and needs nothing from the trigger; a write that
    // changes neither side of a row already reached has nothing to sync. Both are skipped here,
    // without calling the function.
    std::vector<SyncTarget> both = spec.up;
    both.insert(both.end(), spec.down.begin(), spec.down.end());
    const std::string f = quote_ident(spec.side_column);
    update_when = fmt::format("(OLD.{0} = '0' AND NEW.{0} = '0') OR (NEW.{0} = OLD.{0} AND {1})",
                              f, changed(both));
  } else {
    // Plain copies: nothing to do while both sides agree (the backfill makes them agree).
    insert_when = disagree(spec, "NEW.");
    update_when = insert_when;
  }
  return "DO $orc$ BEGIN\n" +
         create_trigger_sql(spec, spec.insert_trigger, "INSERT", insert_when) +
         create_trigger_sql(spec, spec.update_trigger, "UPDATE", update_when) + "END $orc$";
}

Step sync_install_step(const SyncSpec& spec, const std::string& id) {
  return {.id = id,
          .sql = sync_function_sql(spec) + ";\n" + sync_triggers_sql(spec) + ";\n" +
                 probe_sql(spec)};
}

std::string drop_sync_sql(const SyncSpec& spec) {
  const std::string table = quote_qualified(spec.schema, spec.table);
  return fmt::format("DROP TRIGGER IF EXISTS {} ON {};\nDROP TRIGGER IF EXISTS {} ON {};\n"
                     "DROP FUNCTION IF EXISTS {}()",
                     quote_ident(spec.insert_trigger), table, quote_ident(spec.update_trigger),
                     table, quote_qualified(spec.schema, spec.function));
}

std::vector<Assignment> sync_backfill_assignments(const SyncSpec& spec) {
  std::vector<Assignment> sets;
  for (const auto& t : spec.up) {
    // A plain assignment, so a value that does not fit the column fails the batch exactly as
    // ALTER COLUMN TYPE would, instead of being truncated by an explicit cast.
    sets.push_back({.column = t.physical,
                    .value = t.column_ref ? quote_ident(t.expr) : "(" + t.expr + ")",
                    .type = t.type});
  }
  if (flagged(spec)) {
    sets.push_back({.column = spec.side_column, .value = "'b'", .type = "\"char\""});
  }
  return sets;
}

std::string sync_pending_sql(const SyncSpec& spec) {
  return unreached(spec, "");
}

std::string sync_invalid_sql(const SyncSpec& spec) {
  if (!flagged(spec)) {
    return disagree(spec, "");
  }
  auto differs_from = [](const std::vector<SyncTarget>& side, const std::vector<ViewColumn>& view) {
    std::vector<std::string> parts;
    for (const auto& t : side) {
      parts.push_back(differs_sql(quote_ident(t.physical), view_eval(t, view, ""), t));
    }
    return parts.empty() ? std::string("false") : "(" + join(parts, " OR ") + ")";
  };
  return fmt::format("CASE {} WHEN '0' THEN true WHEN 'n' THEN {} ELSE {} END",
                     quote_ident(spec.side_column), differs_from(spec.down, spec.new_view),
                     differs_from(spec.up, spec.old_view));
}

std::vector<Check> sync_gate_checks(const SyncSpec& spec,
                                    const std::vector<std::string>& key,
                                    const std::string& id_prefix) {
  std::vector<Check> checks;
  const std::string table = quote_qualified(spec.schema, spec.table);
  checks.push_back(
      {.id = id_prefix + ".trigger",
       .description = fmt::format("triggers {} and {} present and enabled", spec.insert_trigger,
                                  spec.update_trigger),
       .sql = fmt::format("SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass({}) "
                          "AND tgname IN ({}, {}) AND tgenabled IN ('O', 'A')) = 2",
                          quote_literal(table), quote_literal(spec.insert_trigger),
                          quote_literal(spec.update_trigger))});
  if (key.empty()) {
    return checks;
  }
  // Probes, each in a transaction that is always rolled back: one side of a real row is
  // written, and the other side must then agree with the change's expressions. Row a is locked
  // as it is read: an application's write committed between the probe's snapshot and its UPDATE
  // would otherwise turn the probe's write into one that changes nothing, which the trigger
  // rightly leaves alone (and the probe would report as a failure).
  std::string key_cols;
  std::string key_match;
  std::string order;
  for (std::size_t i = 0; i < key.size(); ++i) {
    key_cols += fmt::format("{}t.{} AS _k{}", i ? ", " : "", quote_ident(key[i]), i);
    key_match += fmt::format("{}t.{} = a._k{}", i ? " AND " : "", quote_ident(key[i]), i);
    order += fmt::format("{}t.{}", i ? ", " : "", quote_ident(key[i]));
  }
  auto agree = [&](const std::vector<SyncTarget>& side, const std::vector<ViewColumn>& view,
                   char mark) {
    std::vector<std::string> parts;
    for (const auto& t : side) {
      parts.push_back("NOT " + differs_sql("u." + quote_ident(t.physical), view_eval(t, view, "u"),
                                           t));
    }
    if (flagged(spec)) {
      parts.push_back(fmt::format("u.{} = '{}'", quote_ident(spec.side_column), mark));
    }
    return join(parts, " AND ");
  };
  auto verdict = [](const std::string& needed, const std::string& agreement) {
    return fmt::format("SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM {}) THEN true\n"
                       "            ELSE COALESCE((SELECT bool_and({}) FROM u), false) END",
                       needed, agreement);
  };

  // A row nobody reached yet, touched without changing either side, gets its new side.
  const std::string touch = quote_ident(flagged(spec) ? spec.side_column : spec.up.front().expr);
  checks.push_back(
      {.id = id_prefix + ".probe_unreached",
       .description = "an unrelated write to a row not copied yet gives it its new side "
                      "(rolled back)",
       .sql = fmt::format("WITH a AS (SELECT {} FROM {} t WHERE {} ORDER BY {} LIMIT 1 FOR UPDATE "
                          "SKIP LOCKED),\n"
                          "     u AS (UPDATE {} t SET {} = t.{} FROM a WHERE {} RETURNING t.*)\n{}",
                          key_cols, table, unreached(spec, "t."), order, table, touch, touch,
                          key_match, verdict("a", agree(spec.up, spec.old_view, 'o'))),
       .rolled_back = true});
  if (spec.down.empty()) {
    return checks;
  }

  // The old side of row a is written with row b's values (b's old side differs from a's).
  std::string a_cols = key_cols;
  std::string b_old;
  std::string b_old_differs;
  std::string set_old;
  for (std::size_t i = 0; i < spec.down.size(); ++i) {
    const std::string c = quote_ident(spec.down[i].physical);
    a_cols += fmt::format(", t.{} AS _o{}", c, i);
    b_old += fmt::format("{}t.{} AS _o{}", i ? ", " : "", c, i);
    b_old_differs += (i ? " OR " : "") +
                     differs_sql("t." + c, fmt::format("a._o{}", i), spec.down[i]);
    set_old += fmt::format("{}{} = b._o{}", i ? ", " : "", c, i);
  }
  std::string b_new;
  std::string b_new_differs;
  std::string set_new;
  for (std::size_t i = 0; i < spec.up.size(); ++i) {
    const std::string c = quote_ident(spec.up[i].physical);
    a_cols += fmt::format(", t.{} AS _m{}", c, i);
    b_new += fmt::format("{}{} AS _n{}", i ? ", " : "", view_eval(spec.up[i], spec.old_view, "t"),
                         i);
    b_new_differs += (i ? " OR " : "") + differs_sql(view_eval(spec.up[i], spec.old_view, "t"),
                                                     fmt::format("a._m{}", i), spec.up[i]);
    set_new += fmt::format("{}{} = b._n{}", i ? ", " : "", c, i);
  }
  auto probe = [&](const std::string& b_cols, const std::string& differs,
                   const std::string& set, const std::string& agreement) {
    const std::string b_where = spec.new_side_unique && flagged(spec)
                                    ? "(" + differs + ") AND " + unreached(spec, "t.")
                                    : differs;
    if (!spec.old_side_unique) {
      return fmt::format(
          "WITH a AS (SELECT {} FROM {} t ORDER BY {} LIMIT 1 FOR UPDATE SKIP LOCKED),\n"
          "     b AS (SELECT {} FROM {} t, a WHERE {} LIMIT 1),\n"
          "     u AS (UPDATE {} t SET {} FROM a, b WHERE {} RETURNING t.*)\n{}",
          a_cols, table, order, b_cols, table, b_where, table, set, key_match,
          verdict("b", agreement));
    }
    // Row b gives up its values first (deleted, rolled back with the probe): the unique index
    // of the old side would refuse them in row a while b holds them. The UPDATE reads b's
    // RETURNING, so the DELETE has run when row a is written.
    std::string b_key;
    std::string b_match;
    for (std::size_t i = 0; i < key.size(); ++i) {
      b_key += fmt::format(", t.{} AS _bk{}", quote_ident(key[i]), i);
      b_match += fmt::format("{}d.{} = b0._bk{}", i ? " AND " : "", quote_ident(key[i]), i);
    }
    std::string free = b_where + " AND NOT (" + key_match + ")"; // never row a itself
    for (const auto& condition : spec.unreferenced) {
      free += " AND " + condition;
    }
    return fmt::format(
        "WITH a AS (SELECT {} FROM {} t ORDER BY {} LIMIT 1 FOR UPDATE SKIP LOCKED),\n"
        "     b0 AS (SELECT {}{} FROM {} t, a WHERE {} LIMIT 1 FOR UPDATE OF t SKIP LOCKED),\n"
        "     b AS (DELETE FROM {} d USING b0 WHERE {} RETURNING b0.*),\n"
        "     u AS (UPDATE {} t SET {} FROM a, b WHERE {} RETURNING t.*)\n{}",
        a_cols, table, order, b_cols, b_key, table, free, table, b_match, table, set, key_match,
        verdict("b", agreement));
  };
  checks.push_back({.id = id_prefix + ".probe_old_to_new",
                    .description = "a write of the old side by the old application reaches the "
                                   "new side (rolled back)",
                    .sql = probe(b_old, b_old_differs, set_old, agree(spec.up, spec.old_view, 'o')),
                    .rolled_back = true});
  checks.push_back(
      {.id = id_prefix + ".probe_new_to_old",
       .description = "a write of the new side by the new application reaches the old side "
                      "(rolled back)",
       .sql = fmt::format("SELECT pg_catalog.set_config('{}', {}, true);\n", k_new_app_setting,
                          quote_literal(spec.plan)) +
              probe(b_new, b_new_differs, set_new, agree(spec.down, spec.new_view, 'n')),
       .rolled_back = true});
  return checks;
}

Check sync_gone_check(const SyncSpec& spec, const std::string& id_prefix) {
  return {.id = id_prefix + ".sync_gone",
          .description = fmt::format("triggers {} and {} and function {} dropped",
                                     spec.insert_trigger, spec.update_trigger, spec.function),
          .sql = fmt::format(
              "SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ({}, {}) AND tgrelid = "
              "to_regclass({})) AND to_regprocedure({}) IS NULL",
              quote_literal(spec.insert_trigger), quote_literal(spec.update_trigger),
              quote_literal(quote_qualified(spec.schema, spec.table)),
              quote_literal(quote_qualified(spec.schema, spec.function) + "()"))};
}

} // namespace orchestrate
