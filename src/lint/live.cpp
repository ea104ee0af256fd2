#include "lint/live.hpp"

#include "db/privileges.hpp"

namespace orchestrate {

namespace {
// pg_stat_statements, wherever its extension lives; nothing when it is not installed, or
// installed but not loaded (reading it then fails, which is no reason to stop a lint).
void load_copy_or_truncate(pqxx::connection& conn, LintLive& live) {
  try {
    pqxx::read_transaction tx(conn);
    auto where = tx.exec("SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n "
                         "ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'");
    if (where.empty()) {
      return;
    }
    auto rows = tx.exec("SELECT query, sum(calls)::bigint FROM " + where[0][0].as<std::string>() +
                        ".pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE "
                        "datname = current_database()) AND query ~* '^\\s*(copy|truncate)\\M' "
                        "GROUP BY query");
    for (const auto& row : rows) {
      live.copy_or_truncate.push_back({row[0].as<std::string>(), row[1].as<long long>()});
    }
  } catch (const pqxx::sql_error&) {
    live.copy_or_truncate.clear();
  }
}
} // namespace

void load_lint_live(pqxx::connection& conn,
                    const std::string& schema,
                    const std::string& state_schema,
                    LintLive& live) {
  live.may_quiet_triggers = may_set_replication_role(conn);
  pqxx::read_transaction tx(conn);
  // A view's (or rule's) rewrite rule depends on each column it reads (refobjsubid > 0), or on
  // the whole table (0) for SELECT *-free references such as the relation itself.
  auto views = tx.exec_params(
      "SELECT DISTINCT r.ev_class::regclass::text, n.nspname || '.' || t.relname, "
      "       coalesce(a.attname::text, '') "
      "FROM pg_depend d "
      "JOIN pg_rewrite r ON r.oid = d.objid "
      "JOIN pg_class t ON t.oid = d.refobjid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
      "WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass "
      "  AND r.ev_class <> t.oid AND n.nspname = $1",
      schema);
  for (const auto& row : views) {
    live.views.push_back({.view = row[0].as<std::string>(),
                          .table = row[1].as<std::string>(),
                          .column = row[2].as<std::string>()});
  }
  auto functions = tx.exec_params(
      "SELECT p.oid::regprocedure::text, p.prosrc FROM pg_proc p "
      "JOIN pg_namespace n ON n.oid = p.pronamespace "
      "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', $1) "
      "  AND n.nspname NOT LIKE 'pg\\_%' AND p.prosrc IS NOT NULL "
      "  AND p.prolang <> (SELECT oid FROM pg_language WHERE lanname = 'c') "
      "  AND p.prolang <> (SELECT oid FROM pg_language WHERE lanname = 'internal')",
      state_schema);
  for (const auto& row : functions) {
    live.functions.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
  }
  tx.commit();
  load_copy_or_truncate(conn, live);
}

} // namespace orchestrate
