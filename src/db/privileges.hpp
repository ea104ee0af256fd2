#pragma once

#include <pqxx/pqxx>

#include <string>
#include <string_view>
#include <vector>

namespace orchestrate {

// One privilege a plan needs, checked against the connected role.
struct PrivilegeNeed {
  std::string what{};     // "ownership of table public.users"
  std::string why{};      // what orchestrate does with it
  bool required = true; // false: orchestrate runs without it, blind to something (it says so)
  bool held = false;
  std::string fix{};      // the statement that grants it, for a DBA to run
};

// What a plan will do, as far as privileges go.
struct PrivilegeQuery {
  std::string state_schema{};
  std::string plan_schema{};
  std::vector<std::string> tables{};     // existing tables the plan alters, unqualified
  bool creates_in_plan_schema = false; // trigger functions, tables, views
  std::string version_schema{};          // empty: the plan keeps none
  // --max-replica-lag, --max-replica-lag-bytes or --max-xact-age (or the plan's): they read
  // other roles' rows of pg_stat_replication and pg_stat_activity
  bool replica_lag_throttle = false;
};

// Every privilege of `q`, each checked against the session's role (a superuser holds them
// all). Reads the catalogs only.
std::vector<PrivilegeNeed> check_privileges(pqxx::connection& conn, const PrivilegeQuery& q);

// Whether the session's role may read other sessions' replication lag and queries
// (pg_read_all_stats, or superuser): without it pg_stat_replication's lag columns are NULL and
// pg_stat_activity shows "<insufficient privilege>".
bool can_read_all_stats(pqxx::connection& conn);

// The GRANT that gives the session's role pg_read_all_stats.
std::string read_all_stats_grant(pqxx::connection& conn);

// Whether the session's role may set session_replication_role: a superuser, or (PostgreSQL 15
// and later) a role granted SET on it. The backfill then keeps the table's own triggers quiet
// for its copies.
bool may_set_replication_role(pqxx::connection& conn);

// `name` as a DBA would type it in a GRANT: bare when it is a plain lowercase identifier (and
// not one of the few reserved words a role or schema might be called), quoted otherwise.
std::string readable_ident(std::string_view name);

} // namespace orchestrate
