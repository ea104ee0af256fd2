#include "changes/sync_trigger.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/ident.hpp"

namespace orchestrate {

namespace {

std::string new_ref(const std::string& column) {
  return "NEW." + quote_ident(column);
}

// Evaluates `targets` over `view` into local variables `<prefix>N`. Column references copy
// directly; expressions see the view's columns as PL/pgSQL variables of the same name.
std::string evaluate(const std::vector<SyncTarget>& targets,
                     const std::vector<ViewColumn>& view,
                     const std::string& prefix) {
  std::string out;
  bool any_expression = false;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].column_ref) {
      out += fmt::format("  {}{} := {};\n", prefix, i, new_ref(targets[i].expr));
    } else {
      any_expression = true;
    }
  }
  if (!any_expression) {
    return out;
  }
  out += "  DECLARE\n";
  for (const auto& c : view) {
    out += fmt::format("    {} {} := {};\n", quote_ident(c.name), c.type, new_ref(c.physical));
  }
  out += "  BEGIN\n";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!targets[i].column_ref) {
      out += fmt::format("    {}{} := ({});\n", prefix, i, targets[i].expr);
    }
  }
  out += "  END;\n";
  return out;
}

std::string default_of(const SyncSpec& spec, const std::string& physical) {
  for (const auto& [column, sql] : spec.defaults) {
    if (column == physical) {
      return "(" + sql + ")";
    }
  }
  return "NULL";
}

// OR of "the statement wrote this side".
std::string side_written(const SyncSpec& spec, const std::vector<SyncTarget>& side, bool insert) {
  std::string out;
  for (const auto& t : side) {
    if (!out.empty()) {
      out += " OR ";
    }
    if (insert) {
      out += fmt::format("{} IS DISTINCT FROM {}", new_ref(t.physical), default_of(spec, t.physical));
    } else {
      out += fmt::format("{} IS DISTINCT FROM OLD.{}", new_ref(t.physical), quote_ident(t.physical));
    }
  }
  return out.empty() ? "false" : out;
}

} // namespace

std::string view_eval(const SyncTarget& target,
                      const std::vector<ViewColumn>& view,
                      const std::string& alias) {
  if (target.column_ref) {
    return alias + "." + quote_ident(target.expr);
  }
  std::string cols;
  for (const auto& c : view) {
    cols += fmt::format("{}{}.{} AS {}", cols.empty() ? "" : ", ", alias, quote_ident(c.physical),
                        quote_ident(c.name));
  }
  return fmt::format("(SELECT ({}) FROM (SELECT {}) AS _view)", target.expr, cols);
}

std::vector<ViewColumn> physical_view(const Table& table) {
  std::vector<ViewColumn> view;
  for (const auto& c : table.columns) {
    view.push_back({c.name, c.name, c.type});
  }
  return view;
}

std::string sync_function_sql(const SyncSpec& spec) {
  std::string body;
  body += "DECLARE\n";
  for (std::size_t i = 0; i < spec.up.size(); ++i) {
    body += fmt::format("  _up{} {};\n", i, spec.up[i].type);
  }
  for (std::size_t i = 0; i < spec.down.size(); ++i) {
    body += fmt::format("  _down{} {};\n", i, spec.down[i].type);
  }
  body += "  _new_side boolean;\n";
  body += "BEGIN\n";
  body += "  -- What the new side should hold, computed from the row as the old application sees it.\n";
  body += evaluate(spec.up, spec.old_view, "_up");
  std::string consistent;
  for (std::size_t i = 0; i < spec.up.size(); ++i) {
    consistent += fmt::format("{}{} IS NOT DISTINCT FROM _up{}", consistent.empty() ? "" : " AND ",
                              new_ref(spec.up[i].physical), i);
  }
  body += fmt::format("  IF {} THEN\n    RETURN NEW;\n  END IF;\n", consistent);
  body += "  -- The sides disagree: whichever side the statement wrote wins (the new one if both).\n";
  body += fmt::format("  IF TG_OP = 'INSERT' THEN\n    _new_side := {};\n  ELSE\n    _new_side := {};\n"
                      "  END IF;\n",
                      side_written(spec, spec.up, true), side_written(spec, spec.up, false));
  body += "  IF _new_side THEN\n";
  body += evaluate(spec.down, spec.new_view, "_down");
  for (std::size_t i = 0; i < spec.down.size(); ++i) {
    body += fmt::format("    {} := _down{};\n", new_ref(spec.down[i].physical), i);
  }
  body += "  ELSE\n";
  for (std::size_t i = 0; i < spec.up.size(); ++i) {
    body += fmt::format("    {} := _up{};\n", new_ref(spec.up[i].physical), i);
  }
  body += "  END IF;\n  RETURN NEW;\nEND;\n";
  // The plan's expressions name types and functions as their author saw them, in the plan's
  // schema. Pinning the function's search_path makes them mean the same for every client,
  // whatever search_path it set (the new application puts a version schema first). Pure column
  // copies name nothing, so they need no pinning.
  const bool any_expression =
      std::any_of(spec.up.begin(), spec.up.end(), [](const SyncTarget& t) { return !t.column_ref; }) ||
      std::any_of(spec.down.begin(), spec.down.end(),
                  [](const SyncTarget& t) { return !t.column_ref; });
  const std::string pinned =
      any_expression ? fmt::format(" SET search_path = pg_catalog, {}", quote_ident(spec.schema))
                     : "";
  return fmt::format("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql{} AS "
                     "$orc$\n{}$orc$",
                     quote_qualified(spec.schema, spec.function), pinned, body);
}

std::string sync_trigger_sql(const SyncSpec& spec) {
  return fmt::format(
      "DO $orc$ BEGIN\n"
      "  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = {}::regclass AND tgname = {}) THEN\n"
      "    CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW {} EXECUTE FUNCTION "
      "{}();\n"
      "  END IF;\nEND $orc$",
      quote_literal(quote_qualified(spec.schema, spec.table)), quote_literal(spec.trigger),
      quote_ident(spec.trigger), quote_qualified(spec.schema, spec.table),
      skip_backfill_when_clause(), quote_qualified(spec.schema, spec.function));
}

std::string drop_sync_sql(const SyncSpec& spec) {
  return fmt::format("DROP TRIGGER IF EXISTS {} ON {};\nDROP FUNCTION IF EXISTS {}()",
                     quote_ident(spec.trigger), quote_qualified(spec.schema, spec.table),
                     quote_qualified(spec.schema, spec.function));
}

std::vector<Check> sync_gate_checks(const SyncSpec& spec,
                                    const std::vector<std::string>& key,
                                    const std::string& id_prefix) {
  std::vector<Check> checks;
  const std::string table = quote_qualified(spec.schema, spec.table);
  checks.push_back(
      {id_prefix + ".trigger", fmt::format("trigger {} present and enabled", spec.trigger),
       fmt::format("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass({}) "
                   "AND tgname = {} AND tgenabled IN ('O', 'A'))",
                   quote_literal(table), quote_literal(spec.trigger)),
       false, std::nullopt});

  // Probes, each in a transaction that is always rolled back: row a (first by key) gets one
  // side written with values taken from row b (the first row whose old side differs), and the
  // trigger must have made the other side agree with the change's expressions.
  std::string key_cols;
  std::string key_match;
  std::string order;
  for (std::size_t i = 0; i < key.size(); ++i) {
    key_cols += fmt::format("{}t.{} AS _k{}", i ? ", " : "", quote_ident(key[i]), i);
    key_match += fmt::format("{}t.{} = a._k{}", i ? " AND " : "", quote_ident(key[i]), i);
    order += fmt::format("{}{}", i ? ", " : "", quote_ident(key[i]));
  }
  std::string a_cols = key_cols;
  std::string b_cols;
  std::string b_differs;
  for (std::size_t i = 0; i < spec.down.size(); ++i) {
    const std::string c = quote_ident(spec.down[i].physical);
    a_cols += fmt::format(", t.{} AS _o{}", c, i);
    b_cols += fmt::format("{}t.{} AS _o{}", i ? ", " : "", c, i);
    b_differs += fmt::format("{}t.{} IS DISTINCT FROM a._o{}", i ? " OR " : "", c, i);
  }
  for (std::size_t i = 0; i < spec.up.size(); ++i) {
    b_cols += fmt::format(", {} AS _n{}", view_eval(spec.up[i], spec.old_view, "t"), i);
  }
  auto agree = [&](const std::vector<SyncTarget>& side, const std::vector<ViewColumn>& view) {
    std::string out;
    for (std::size_t i = 0; i < side.size(); ++i) {
      out += fmt::format("{}u.{} IS NOT DISTINCT FROM {}", i ? " AND " : "",
                         quote_ident(side[i].physical), view_eval(side[i], view, "u"));
    }
    return out;
  };
  auto probe = [&](const std::vector<SyncTarget>& written, const std::string& prefix,
                   const std::string& agreement) {
    std::string assign;
    for (std::size_t i = 0; i < written.size(); ++i) {
      assign += fmt::format("{}{} = b.{}{}", i ? ", " : "", quote_ident(written[i].physical),
                            prefix, i);
    }
    // Passes vacuously when the table has no two rows whose old side differs.
    return fmt::format(
        "WITH a AS (SELECT {} FROM {} t ORDER BY {} LIMIT 1),\n"
        "     b AS (SELECT {} FROM {} t, a WHERE {} LIMIT 1),\n"
        "     u AS (UPDATE {} t SET {} FROM a, b WHERE {} RETURNING t.*)\n"
        "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true\n"
        "            ELSE COALESCE((SELECT bool_and({}) FROM u), false) END",
        a_cols, table, order, b_cols, table, b_differs, table, assign, key_match, agreement);
  };
  if (!key.empty()) {
    checks.push_back({id_prefix + ".probe_old_to_new",
                      "a write of the old side reaches the new side (rolled back)",
                      probe(spec.down, "_o", agree(spec.up, spec.old_view)), true, std::nullopt});
    checks.push_back({id_prefix + ".probe_new_to_old",
                      "a write of the new side reaches the old side (rolled back)",
                      probe(spec.up, "_n", agree(spec.down, spec.new_view)), true, std::nullopt});
  }
  return checks;
}

Check sync_gone_check(const SyncSpec& spec, const std::string& id_prefix) {
  return {id_prefix + ".sync_gone",
          fmt::format("trigger {} and function {} dropped", spec.trigger, spec.function),
          fmt::format("SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = {} AND tgrelid = "
                      "to_regclass({})) AND to_regprocedure({}) IS NULL",
                      quote_literal(spec.trigger),
                      quote_literal(quote_qualified(spec.schema, spec.table)),
                      quote_literal(quote_qualified(spec.schema, spec.function) + "()")),
          false, std::nullopt};
}

} // namespace orchestrate
