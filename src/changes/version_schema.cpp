#include "changes/version_schema.hpp"

#include <fmt/format.h>

#include <set>

#include "core/ident.hpp"

namespace orchestrate {

std::string version_schema_name(const std::string& plan) {
  return fit_identifier(plan);
}

std::string old_version_schema_name(const std::string& plan) {
  return fit_identifier(plan + "_old");
}

const std::string& versions_named_for(const Plan& plan) {
  return plan.version_schema ? plan.version_schema->value : plan.name.value;
}

std::vector<VersionView> version_views(const std::string& schema,
                                       const Catalog& shape,
                                       const std::set<std::string>& tables,
                                       const std::vector<VersionedColumn>& mapped) {
  std::vector<VersionView> views;
  for (const auto& name : tables) {
    const Table* table = shape.table(schema, name);
    if (table == nullptr) {
      continue;
    }
    VersionView view;
    view.table = name;
    view.source = quote_qualified(schema, name);
    view.key = table->row_key();
    for (const auto& c : table->columns) {
      VersionViewColumn col{.name = c.name, .physical = c.name};
      for (const auto& m : mapped) {
        if (m.table == name && m.column == c.name) {
          col.physical = m.physical;
          col.view_default = m.view_default;
        }
      }
      view.columns.push_back(std::move(col));
    }
    views.push_back(std::move(view));
  }
  return views;
}

namespace {

std::string key_text(const std::vector<std::string>& key) {
  std::string out;
  for (const auto& k : key) {
    out += (out.empty() ? "" : ", ") + k;
  }
  return out;
}

// The view's comment, for an ORM user who finds no key on a view: where the rows live and
// which columns identify them.
std::string view_comment(const VersionView& v, const std::string& application,
                         const std::string& plan) {
  return fmt::format("orchestrate: the {} application's view of {} while plan {} runs. "
                     "Rows live in that table; {}",
                     application, v.source, plan,
                     v.key.empty() ? std::string("it has no primary key")
                                   : "its primary key is (" + key_text(v.key) + ")");
}

} // namespace

Step create_version_schema_step(const std::string& id,
                                const std::string& version_schema,
                                const std::string& application,
                                const std::string& plan,
                                const std::vector<VersionView>& views) {
  std::string sql = fmt::format("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(version_schema));
  for (const auto& v : views) {
    const std::string view = quote_qualified(version_schema, v.table);
    std::string cols;
    for (const auto& c : v.columns) {
      cols += cols.empty() ? "" : ", ";
      cols += quote_ident(c.physical);
      if (c.name != c.physical) {
        cols += " AS " + quote_ident(c.name);
      }
    }
    sql += fmt::format(";\nCREATE OR REPLACE VIEW {} AS SELECT {} FROM {}", view, cols, v.source);
    // Defaults and comments while the view is still ours (copy_grants_sql may hand it to the
    // table's owner), read when the step runs from the physical column: the view's INSERT
    // then gets what the table would give, an explicit DEFAULT included. An identity or
    // generated column takes its value from the table when the view leaves it out, and so does
    // one whose default calls orchestrate's own helpers (a view's default would keep a helper
    // the plan drops at contract from being dropped).
    std::string pairs;
    for (const auto& c : v.columns) {
      pairs += fmt::format("{}({}, {})", pairs.empty() ? "" : ", ", quote_literal(c.name),
                           quote_literal(c.physical));
    }
    sql += fmt::format(";\nCOMMENT ON VIEW {} IS {}", view,
                       quote_literal(view_comment(v, application, plan)));
    sql += fmt::format(
        ";\nDO $orc$ DECLARE c record; BEGIN\n"
        "  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,\n"
        "                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''\n"
        "                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt\n"
        "             FROM (VALUES {2}) v(name, physical)\n"
        "             JOIN pg_attribute a ON a.attrelid = {1}::regclass AND a.attname = v.physical\n"
        "             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP\n"
        "    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN\n"
        "      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', {0}, c.name, c.dflt);\n"
        "    END IF;\n"
        "    IF c.note IS NOT NULL THEN\n"
        "      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', {0}, c.name, c.note);\n"
        "    END IF;\n"
        "  END LOOP;\nEND $orc$",
        quote_literal(view), quote_literal(v.source), pairs);
    // A default of the plan's own replaces the table's: the new application gets it before the
    // table does.
    for (const auto& c : v.columns) {
      if (c.view_default) {
        sql += fmt::format(";\nALTER VIEW {} ALTER COLUMN {} SET DEFAULT {}", view,
                           quote_ident(c.name), *c.view_default);
      }
    }
    sql += ";\n" + copy_grants_sql(v.source, view);
  }
  // The views carry the tables' own privileges; the schema only has to be reachable. CREATE
  // stays with the schema's owner, so applications connecting as their own roles cannot put
  // objects here by accident (an unqualified CREATE TABLE on this search_path).
  sql += fmt::format(";\nREVOKE CREATE ON SCHEMA {0} FROM PUBLIC;\nGRANT USAGE ON SCHEMA {0} TO PUBLIC",
                     quote_ident(version_schema));
  return {.id = id, .sql = sql};
}

std::vector<Check> version_schema_checks(const std::string& version_schema,
                                         const std::vector<VersionView>& views,
                                         const std::string& shows) {
  std::vector<Check> checks;
  for (const auto& v : views) {
    checks.push_back(
        {.id = "version_schema.view." + version_schema + "." + v.table,
         .description = fmt::format("view {}.{} shows {}", version_schema, v.table, shows),
         // From the catalogs rather than pg_views and information_schema.columns (views over
         // many catalogs with privilege checks per column): 14 ms a check in a session's
         // first statements before, 4.7 ms now, and every gate runs it.
         .sql = fmt::format("SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM "
                            "pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT "
                            "a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) "
                            "= {} FROM pg_class c WHERE c.oid = to_regclass({})), false)",
                            v.columns.size(),
                            quote_literal(quote_qualified(version_schema, v.table)))});
  }
  return checks;
}

Step drop_version_schema_step(const std::string& id, const std::string& version_schema,
                              const std::vector<VersionView>& views) {
  std::string sql;
  for (const auto& v : views) {
    sql += fmt::format("DROP VIEW IF EXISTS {};\n", quote_qualified(version_schema, v.table));
  }
  sql += fmt::format("DROP SCHEMA IF EXISTS {}", quote_ident(version_schema));
  return {.id = id, .sql = sql};
}

Check version_schema_gone_check(const std::string& id, const std::string& version_schema) {
  return {.id = id,
          .description = fmt::format("version schema {} dropped", version_schema),
          .sql = fmt::format("SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {})",
                      quote_literal(version_schema))};
}

Check version_schema_precheck(
    const std::vector<std::pair<std::string, std::vector<VersionView>>>& schemas,
    const std::string& base_schema) {
  std::string names;
  std::string ours;
  for (const auto& [schema, views] : schemas) {
    names += (names.empty() ? "" : ", ") + quote_literal(schema);
    for (const auto& v : views) {
      ours += (ours.empty() ? "" : ", ") +
              fmt::format("({}, {})", quote_literal(schema), quote_literal(v.table));
    }
  }
  if (ours.empty()) {
    ours = "(NULL, NULL)";
  }
  const std::string found = fmt::format(
      "SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (\n"
      "  SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN "
      "'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN "
      "'type' ELSE 'table' END, c.oid::regclass) AS what\n"
      "    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace\n"
      "   WHERE n.nspname IN ({0}) AND c.relkind NOT IN ('i', 'I', 't')\n"
      "     AND (n.nspname::text, c.relname::text) NOT IN (VALUES {1})\n"
      "  UNION ALL\n"
      "  SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p\n"
      "    JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ({0})\n"
      "  UNION ALL\n"
      "  SELECT format('type %s', t.oid::regtype) FROM pg_type t\n"
      "    JOIN pg_namespace n ON n.oid = t.typnamespace\n"
      "   WHERE n.nspname IN ({0}) AND t.typrelid = 0 AND t.typelem = 0\n"
      ") objects",
      names, ours);
  return {.id = "version_schema.only_views",
          .description = "the version schemas hold only the plan's views",
          .sql = fmt::format("SELECT found = '', CASE WHEN found <> '' THEN format("
                      "'found %s: an application created them through a search_path that "
                      "starts with a version schema; move each to {0} (ALTER ... SET SCHEMA "
                      "{0}) or drop it, then run `orchestrate next` again; contract has "
                      "changed nothing', found) END FROM ({1}) f",
                      quote_ident(base_schema), found)};
}

std::string copy_grants_sql(const std::string& table, const std::string& view) {
  // The owner first: an application that connects as the table's owner holds its privileges
  // through ownership, which no GRANT on the table shows. Where the owner may not own the view
  // (it lacks CREATE on the view's schema), it gets the privileges instead.
  return fmt::format(
      "DO $orc$ DECLARE g record; table_owner regrole; BEGIN\n"
      "  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = {0}::regclass;\n"
      "  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = {1}::regclass) THEN\n"
      "    BEGIN\n"
      "      EXECUTE format('ALTER VIEW %s OWNER TO %s', {1}, table_owner);\n"
      "    EXCEPTION WHEN insufficient_privilege THEN\n"
      "      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', {1}, table_owner);\n"
      "    END;\n"
      "  END IF;\n"
      "  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable\n"
      "           FROM pg_class c, aclexplode(c.relacl) a\n"
      "           WHERE c.oid = {0}::regclass AND a.grantee <> c.relowner\n"
      "             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')\n"
      "         UNION ALL\n"
      "         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable\n"
      "           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a\n"
      "           WHERE c.oid = {0}::regclass AND t.attnum > 0 AND NOT t.attisdropped\n"
      "             AND a.grantee <> c.relowner\n"
      "             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')\n"
      "             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = {1}::regclass\n"
      "                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP\n"
      "    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,\n"
      "                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, {1},\n"
      "                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,\n"
      "                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);\n"
      "  END LOOP;\nEND $orc$",
      quote_literal(table), quote_literal(view));
}

} // namespace orchestrate
