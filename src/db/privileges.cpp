#include "db/privileges.hpp"

#include <fmt/format.h>

#include <cctype>
#include <set>

#include "core/ident.hpp"

namespace orchestrate {

std::string readable_ident(std::string_view name) {
  static const std::set<std::string_view> k_reserved = {
      "all", "analyse", "analyze", "and", "any", "as", "authorization", "check", "column",
      "constraint", "create", "current_user", "default", "do", "end", "from", "grant", "group",
      "in", "limit", "not", "null", "offset", "on", "or", "order", "select", "session_user",
      "table", "to", "union", "user", "using", "where", "with"};
  bool plain = !name.empty() && name.size() <= 63 &&
               (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (const char c : name) {
    plain = plain && (std::islower(static_cast<unsigned char>(c)) ||
                      std::isdigit(static_cast<unsigned char>(c)) || c == '_');
  }
  return plain && k_reserved.count(name) == 0 ? std::string(name) : quote_ident(name);
}

namespace {

struct Role {
  std::string name;
  std::string database;
  bool superuser = false;
};

Role session_role(pqxx::transaction_base& tx) {
  auto r = tx.exec1("SELECT current_user, current_database(), rolsuper FROM pg_roles "
                    "WHERE rolname = current_user");
  return {.name = r[0].as<std::string>(),
          .database = r[1].as<std::string>(),
          .superuser = r[2].as<bool>()};
}

bool truth(pqxx::transaction_base& tx, const std::string& sql, const std::string& arg) {
  auto r = tx.exec_params(sql, arg);
  return !r.empty() && !r[0][0].is_null() && r[0][0].as<bool>();
}

PrivilegeNeed state_schema_need(pqxx::transaction_base& tx, const Role& role,
                                const std::string& schema, bool create_db) {
  PrivilegeNeed need;
  const std::string s = readable_ident(schema);
  need.why = "orchestrate keeps plans, events, progress and cursors there";
  need.fix = fmt::format("CREATE SCHEMA {} AUTHORIZATION {} (run by a DBA), or GRANT CREATE ON "
                         "DATABASE {} TO {}",
                         s, readable_ident(role.name), readable_ident(role.database),
                         readable_ident(role.name));
  auto r = tx.exec_params(
      "SELECT pg_has_role(n.nspowner, 'USAGE'), has_schema_privilege(n.oid, 'USAGE') AND "
      "has_schema_privilege(n.oid, 'CREATE'), n.nspowner::regrole::text, "
      "(SELECT bool_and(has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE')) "
      " FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind = 'r') "
      "FROM pg_namespace n WHERE n.nspname = $1",
      schema);
  if (r.empty()) {
    need.what = fmt::format("CREATE on database {} (the state schema {} does not exist yet)",
                            readable_ident(role.database), s);
    need.held = role.superuser || create_db;
    return need;
  }
  const bool owns = r[0][0].as<bool>();
  const bool may_create = r[0][1].as<bool>();
  const bool tables_ok = r[0][3].is_null() || r[0][3].as<bool>();
  need.what = fmt::format("the state schema {} (owned by {}): its owner, or USAGE and CREATE on "
                          "it and read/write on its tables",
                          s, r[0][2].as<std::string>());
  need.held = role.superuser || owns || (may_create && tables_ok);
  need.fix = fmt::format("ALTER SCHEMA {} OWNER TO {} (and its tables), or GRANT USAGE, CREATE "
                         "ON SCHEMA {} TO {}",
                         s, readable_ident(role.name), s, readable_ident(role.name));
  return need;
}

bool may_set_replication_role(pqxx::transaction_base& tx) {
  const bool v15 =
      tx.exec("SELECT current_setting('server_version_num')::int >= 150000")[0][0].as<bool>();
  // has_parameter_privilege() exists from PostgreSQL 15 on; before, only a superuser may.
  auto r = tx.exec(v15 ? "SELECT rolsuper OR has_parameter_privilege('session_replication_role', "
                         "'SET') FROM pg_roles WHERE rolname = current_user"
                       : "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
  return !r.empty() && r[0][0].as<bool>();
}

} // namespace

std::vector<PrivilegeNeed> check_privileges(pqxx::connection& conn, const PrivilegeQuery& q) {
  pqxx::read_transaction tx(conn);
  const Role role = session_role(tx);
  const std::string me = readable_ident(role.name);
  const bool create_db = truth(tx, "SELECT has_database_privilege($1, 'CREATE')", role.database);
  std::vector<PrivilegeNeed> out;
  out.push_back(state_schema_need(tx, role, q.state_schema, create_db));

  for (const auto& table : q.tables) {
    const std::string qualified = readable_ident(q.plan_schema) + "." + readable_ident(table);
    auto r = tx.exec_params("SELECT pg_has_role(c.relowner, 'USAGE'), c.relowner::regrole::text "
                            "FROM pg_class c WHERE c.oid = to_regclass($1)",
                            qualified);
    if (r.empty()) {
      continue; // created by the plan, or missing (validate says which)
    }
    const std::string owner = r[0][1].as<std::string>();
    out.push_back({.what = fmt::format("ownership of table {} (owned by {})", qualified, owner),
                   .why = "ALTER TABLE, CREATE INDEX CONCURRENTLY, triggers and constraints need "
                          "the table's owner (or a member of the owning role)",
                   .required = true,
                   .held = role.superuser || r[0][0].as<bool>(),
                   // Never "GRANT <owner> TO ...": the owner may well be a superuser.
                   .fix = fmt::format("ALTER TABLE {} OWNER TO {}", qualified, me)});
  }
  if (q.creates_in_plan_schema) {
    const std::string s = readable_ident(q.plan_schema);
    out.push_back({.what = fmt::format("CREATE on schema {}", s),
                   .why = "the plan creates trigger functions, tables or views there",
                   .required = true,
                   .held = role.superuser || truth(tx, "SELECT has_schema_privilege($1, 'CREATE')",
                                                   q.plan_schema),
                   .fix = fmt::format("GRANT CREATE ON SCHEMA {} TO {}", s, me)});
  }
  if (!q.version_schema.empty()) {
    const bool exists_and_mine =
        truth(tx, "SELECT pg_has_role(nspowner, 'USAGE') FROM pg_namespace WHERE nspname = $1",
              q.version_schema);
    out.push_back({.what = fmt::format("CREATE on database {}", readable_ident(role.database)),
                   .why = fmt::format("the plan's version schema {} (the new application's "
                                      "views) is created at dual-write",
                                      readable_ident(q.version_schema)),
                   .required = true,
                   .held = role.superuser || create_db || exists_and_mine,
                   .fix = fmt::format("GRANT CREATE ON DATABASE {} TO {}",
                                      readable_ident(role.database), me)});
  }
  const bool stats =
      role.superuser ||
      tx.exec1("SELECT pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')")[0].as<bool>();
  out.push_back({.what = "membership in pg_read_all_stats",
                 .why = q.replica_lag_throttle
                            ? "the replica-lag and transaction-age throttles read "
                              "pg_stat_replication's replay_lsn and other roles' transactions in "
                              "pg_stat_activity, NULL without it; lock waits name their "
                              "blockers' queries"
                            : "lock waits name their blockers' queries (without it: "
                              "\"<insufficient privilege>\"); a replica-lag throttle would "
                              "need it",
                 .required = q.replica_lag_throttle,
                 .held = stats,
                 .fix = fmt::format("GRANT pg_read_all_stats TO {}", me)});
  out.push_back({.what = "SET on session_replication_role",
                 .why = "the backfill's copies then fire none of the tables' own triggers (an "
                        "updated_at toucher, an audit trigger); without it they fire for every "
                        "copied row, and lint names them",
                 .required = false,
                 .held = may_set_replication_role(tx),
                 .fix = fmt::format("GRANT SET ON PARAMETER session_replication_role TO {}", me)});
  return out;
}

bool may_set_replication_role(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  return may_set_replication_role(tx);
}

bool can_read_all_stats(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  return tx.exec1("SELECT rolsuper OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') "
                  "FROM pg_roles WHERE rolname = current_user")[0]
      .as<bool>();
}

std::string read_all_stats_grant(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  return "GRANT pg_read_all_stats TO " +
         readable_ident(tx.exec1("SELECT current_user")[0].as<std::string>());
}

} // namespace orchestrate
