#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/text.hpp"
#include "db/privileges.hpp"
#include "state/store.hpp"

namespace orchestrate {

namespace {

// Each entry upgrades the state schema by one version; never edit one that has shipped.
std::vector<std::string> migrations(const std::string& s) {
  return {
      fmt::format(R"SQL(
CREATE TABLE {s}.plans (
  name text PRIMARY KEY,
  checksum text NOT NULL,
  body text NOT NULL,
  file text NOT NULL,
  description text NOT NULL DEFAULT '',
  work jsonb NOT NULL,
  state text NOT NULL DEFAULT 'planned',
  applying text,
  last_gate jsonb NOT NULL DEFAULT '[]',
  last_gate_phase text NOT NULL DEFAULT '',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE {s}.events (
  id bigserial PRIMARY KEY,
  plan text NOT NULL,
  phase text NOT NULL DEFAULT '',
  item text NOT NULL DEFAULT '',
  outcome text NOT NULL,
  detail text NOT NULL DEFAULT '',
  who text NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE INDEX events_plan_idx ON {s}.events (plan, id);
CREATE TABLE {s}.phases (
  plan text NOT NULL,
  phase text NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  who text NOT NULL,
  PRIMARY KEY (plan, phase));
CREATE TABLE {s}.control (
  plan text PRIMARY KEY,
  paused boolean NOT NULL DEFAULT false,
  throttled_by text,
  rows_done bigint NOT NULL DEFAULT 0,
  rows_total bigint NOT NULL DEFAULT 0,
  rows_per_second double precision NOT NULL DEFAULT 0,
  batch_size bigint NOT NULL DEFAULT 0,
  running_on text,
  heartbeat timestamptz,
  settings jsonb NOT NULL DEFAULT '{{}}');
CREATE TABLE {s}.backfill_ranges (
  plan text NOT NULL,
  backfill_id text NOT NULL,
  range_no integer NOT NULL,
  lo jsonb,
  hi jsonb,
  cursor jsonb,
  rows_done bigint NOT NULL DEFAULT 0,
  rows_estimate bigint NOT NULL DEFAULT 0,
  done boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan, backfill_id, range_no));
)SQL",
                  fmt::arg("s", s)),
  };
}

} // namespace

bool StateStore::schema_exists() {
  pqxx::read_transaction tx(m_conn);
  auto r = tx.exec_params("SELECT to_regclass($1) IS NOT NULL",
                          quote_qualified(m_schema, "meta"));
  return r[0][0].as<bool>();
}

void StateStore::ensure_schema() {
  const std::string s = quote_ident(m_schema);
  auto steps = migrations(s);
  if (schema_exists()) {
    pqxx::read_transaction tx(m_conn);
    auto v = tx.exec("SELECT max(version) FROM " + s + ".meta")[0][0].as<int>(0);
    if (v >= static_cast<int>(steps.size())) {
      return;
    }
  }
  try {
    pqxx::work tx(m_conn);
    // Serializes concurrent first runs; the key is derived from the state schema's name.
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('orchestrate.state'), hashtext($1))",
                   m_schema);
    // CREATE SCHEMA IF NOT EXISTS checks CREATE on the database before it looks whether the
    // schema exists; a schema a DBA created for a role without that privilege must do.
    if (tx.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", m_schema).empty()) {
      tx.exec("CREATE SCHEMA " + s);
    }
    tx.exec("CREATE TABLE IF NOT EXISTS " + s +
            ".meta (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    int version = tx.exec("SELECT coalesce(max(version), 0) FROM " + s + ".meta")[0][0].as<int>();
    for (std::size_t i = static_cast<std::size_t>(version); i < steps.size(); ++i) {
      tx.exec(steps[i]);
      tx.exec_params("INSERT INTO " + s + ".meta (version) VALUES ($1)", static_cast<int>(i + 1));
    }
    tx.commit();
  } catch (const pqxx::insufficient_privilege& e) {
    const char* role = m_conn.username();
    throw InputError(fmt::format(
        "cannot create the state schema {} [42501]: {}; have a DBA run `CREATE SCHEMA {} "
        "AUTHORIZATION {}`, or GRANT CREATE ON DATABASE {} TO {} (`orchestrate preflight PLAN` "
        "lists every privilege a plan needs)",
        readable_ident(m_schema), trim_end(e.what()), readable_ident(m_schema),
        readable_ident(role != nullptr ? role : "?"), readable_ident(m_conn.dbname()),
        readable_ident(role != nullptr ? role : "?")));
  }
}

} // namespace orchestrate
