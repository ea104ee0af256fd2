#include "changes/version_schema.hpp"

#include <fmt/format.h>

#include <set>

#include "core/ident.hpp"

namespace orchestrate {

std::string version_schema_name(const std::string& plan) {
  return fit_identifier(plan);
}

std::vector<VersionView> version_views(const std::string& schema,
                                       const Catalog& final_shape,
                                       const std::vector<VersionedColumn>& mapped) {
  std::vector<VersionView> views;
  std::set<std::string> seen;
  for (const auto& m : mapped) {
    if (!seen.insert(m.table).second) {
      continue;
    }
    const Table* table = final_shape.table(schema, m.table);
    if (table == nullptr) {
      continue;
    }
    VersionView view;
    view.table = m.table;
    for (const auto& c : table->columns) {
      std::string physical = c.name;
      for (const auto& other : mapped) {
        if (other.table == m.table && other.column == c.name) {
          physical = other.physical;
        }
      }
      view.columns.emplace_back(c.name, physical);
    }
    views.push_back(std::move(view));
  }
  return views;
}

Step create_version_schema_step(const std::string& version_schema,
                                const std::string& schema,
                                const std::vector<VersionView>& views) {
  std::string sql = fmt::format("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(version_schema));
  for (const auto& v : views) {
    std::string cols;
    for (const auto& [name, physical] : v.columns) {
      cols += cols.empty() ? "" : ", ";
      cols += quote_ident(physical);
      if (name != physical) {
        cols += " AS " + quote_ident(name);
      }
    }
    // A plain projection of one table: PostgreSQL makes it updatable by itself, columns it
    // does not show take the table's defaults, and the table's triggers fire as usual.
    sql += fmt::format(";\nCREATE OR REPLACE VIEW {} AS SELECT {} FROM {}",
                       quote_qualified(version_schema, v.table), cols,
                       quote_qualified(schema, v.table));
    sql += ";\n" + copy_grants_sql(quote_qualified(schema, v.table),
                                   quote_qualified(version_schema, v.table));
  }
  // The views carry the tables' own privileges; the schema only has to be reachable.
  sql += fmt::format(";\nGRANT USAGE ON SCHEMA {} TO PUBLIC", quote_ident(version_schema));
  return {"version_schema.create", sql};
}

std::vector<Check> version_schema_checks(const std::string& version_schema,
                                         const std::vector<VersionView>& views) {
  std::vector<Check> checks;
  for (const auto& v : views) {
    checks.push_back(
        {"version_schema.view." + v.table,
         fmt::format("view {}.{} shows the table's final shape", version_schema, v.table),
         fmt::format("SELECT EXISTS (SELECT 1 FROM pg_views WHERE schemaname = {} AND viewname = "
                     "{}) AND (SELECT count(*) FROM information_schema.columns WHERE "
                     "table_schema = {} AND table_name = {} AND is_updatable = 'YES') = {}",
                     quote_literal(version_schema), quote_literal(v.table),
                     quote_literal(version_schema), quote_literal(v.table), v.columns.size()),
         false, std::nullopt});
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
  return {id, sql};
}

Check version_schema_gone_check(const std::string& version_schema) {
  return {"version_schema.gone", fmt::format("version schema {} dropped", version_schema),
          fmt::format("SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {})",
                      quote_literal(version_schema)),
          false, std::nullopt};
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
