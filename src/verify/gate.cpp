#include "verify/gate.hpp"

#include <fmt/format.h>

#include "db/keyset.hpp"
#include "db/sqlstate.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

CheckResult run_sql_check(pqxx::connection& conn, const Check& check, const ExecSettings& settings) {
  CheckResult result{.id = check.id, .description = check.description};
  try {
    pqxx::work tx(conn);
    tx.exec("SET LOCAL statement_timeout = '" + format_ms(settings.statement_timeout) + "'");
    tx.exec("SET LOCAL lock_timeout = '" + format_ms(settings.lock_timeout) + "'");
    auto r = tx.exec(check.sql);
    if (r.empty() || r.columns() == 0) {
      result.detail = "the check returned no row";
    } else if (r[0][0].is_null()) {
      result.detail = "the check returned NULL";
    } else {
      result.passed = r[0][0].as<bool>();
      if (!result.passed) {
        // A second column, when the check has one, says what was found.
        result.detail = r.columns() > 1 && !r[0][1].is_null() ? r[0][1].c_str()
                                                               : "the check returned false";
      }
    }
    if (check.rolled_back) {
      tx.abort();
    } else {
      tx.commit();
    }
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::failure& e) {
    result.detail = "error " + describe_db_error(e);
  } catch (const pqxx::conversion_error& e) {
    result.detail = std::string("the check must return a boolean: ") + e.what();
  }
  return result;
}

} // namespace

namespace {

// The heap's size, to choose between one scan and pages.
long long heap_bytes(pqxx::connection& conn, const Keyset& ks) {
  pqxx::read_transaction tx(conn);
  auto r = tx.exec_params("SELECT pg_relation_size($1::regclass)", ks.table);
  tx.commit();
  return r[0][0].as<long long>();
}

// The whole table in one statement (a parallel sequential scan where PostgreSQL sees fit);
// the first differing key, looked for only when some row differs, on the same snapshot.
ParityResult parity_one_scan(pqxx::connection& conn,
                             const BackfillSpec& spec,
                             const Keyset& ks,
                             const ExecSettings& settings) {
  using snapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
  snapshot tx(conn);
  tx.exec("SET LOCAL statement_timeout = '" + format_ms(settings.statement_timeout) + "'");
  auto r = tx.exec(fmt::format("SELECT count(*) FILTER (WHERE {}), count(*) FROM {}",
                               spec.gate_predicate(), ks.table));
  ParityResult out{.differing = r[0][0].as<long long>(),
                   .scanned = r[0][1].as<long long>(),
                   .one_scan = true};
  if (out.differing > 0) {
    auto first = tx.exec(fmt::format("SELECT json_build_array({})::text FROM {} WHERE {} "
                                     "ORDER BY {} LIMIT 1",
                                     ks.text_columns, ks.table, spec.gate_predicate(), ks.order));
    if (!first.empty()) {
      out.first_key = first[0][0].as<std::string>();
    }
  }
  tx.commit();
  return out;
}

ParityResult parity_pages(pqxx::connection& conn,
                          const BackfillSpec& spec,
                          const Keyset& ks,
                          const ExecSettings& settings,
                          long long page_rows) {
  ParityResult out;
  std::vector<std::string> cursor;
  const std::size_t n = spec.key.size();
  for (;;) {
    const std::string where = cursor.empty() ? "true" : ks.after(1);
    const std::string sql = fmt::format(
        "WITH page AS (SELECT {cols}, ({differs}) AS differs FROM {table} WHERE {where} "
        "ORDER BY {order} LIMIT {limit}),\n"
        "     last AS (SELECT json_build_array({text}) AS k FROM page ORDER BY {desc} LIMIT 1),\n"
        "     first_bad AS (SELECT json_build_array({text}) AS k FROM page WHERE differs "
        "ORDER BY {order} LIMIT 1)\n"
        "SELECT (SELECT count(*) FROM page WHERE differs), (SELECT count(*) FROM page),\n"
        "       (SELECT k::text FROM last),\n"
        "       (SELECT k::text FROM first_bad)",
        fmt::arg("cols", ks.columns), fmt::arg("differs", spec.gate_predicate()),
        fmt::arg("table", ks.table), fmt::arg("where", where), fmt::arg("order", ks.order),
        fmt::arg("limit", page_rows), fmt::arg("text", ks.text_columns),
        fmt::arg("desc", ks.order_desc));
    pqxx::read_transaction tx(conn);
    tx.exec("SET LOCAL statement_timeout = '" + format_ms(settings.statement_timeout) + "'");
    auto r = cursor.empty() ? tx.exec(sql)
                            : tx.exec_params(sql, pqxx::prepare::make_dynamic_params(cursor));
    tx.commit();
    const long long bad = r[0][0].as<long long>();
    const long long rows = r[0][1].as<long long>();
    out.differing += bad;
    out.scanned += rows;
    if (out.first_key.empty() && !r[0][3].is_null()) {
      out.first_key = r[0][3].as<std::string>();
    }
    if (rows < page_rows || r[0][2].is_null()) {
      return out;
    }
    auto last = nlohmann::json::parse(r[0][2].as<std::string>());
    cursor.clear();
    for (const auto& v : last) {
      cursor.push_back(v.get<std::string>());
    }
    if (cursor.size() != n) {
      return out;
    }
  }
}

} // namespace

ParityResult parity_scan(pqxx::connection& conn,
                         const BackfillSpec& spec,
                         const ExecSettings& settings,
                         const ParityPaging& paging) {
  Keyset ks(spec);
  if (heap_bytes(conn, ks) <= paging.one_scan_max_bytes) {
    return parity_one_scan(conn, spec, ks, settings);
  }
  return parity_pages(conn, spec, ks, settings, paging.page_rows);
}

std::vector<CheckResult> run_gate(pqxx::connection& conn,
                                  const std::vector<Check>& checks,
                                  const ExecSettings& settings) {
  std::vector<CheckResult> results;
  for (const auto& check : checks) {
    if (check.parity) {
      CheckResult result{.id = check.id, .description = check.description};
      try {
        auto parity = parity_scan(conn, *check.parity, settings);
        result.passed = parity.differing == 0;
        result.detail = result.passed
                            ? fmt::format("{} rows scanned ({}), none differ", parity.scanned,
                                          parity.one_scan ? "one scan" : "in pages")
                            : fmt::format("{} of {} rows differ (first key {}); {}",
                                          parity.differing, parity.scanned, parity.first_key,
                                          check.advice.empty()
                                              ? "run `orchestrate backfill` to finish the copy"
                                              : check.advice);
      } catch (const pqxx::broken_connection&) {
        throw;
      } catch (const pqxx::failure& e) {
        result.detail = "error " + describe_db_error(e);
      }
      results.push_back(std::move(result));
    } else {
      results.push_back(run_sql_check(conn, check, settings));
    }
  }
  return results;
}

bool all_passed(const std::vector<CheckResult>& results) {
  for (const auto& r : results) {
    if (!r.passed) {
      return false;
    }
  }
  return true;
}

} // namespace orchestrate
