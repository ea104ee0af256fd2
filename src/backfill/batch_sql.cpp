#include "backfill/batch_sql.hpp"

#include <fmt/format.h>

#include "core/ident.hpp"

namespace orchestrate {

namespace {

// `(k1, k2) op ($n::t1, $n+1::t2)`, taking the values from `key` into `params`.
std::string compare(const BackfillSpec& spec, const char* op, const KeyText& key,
                    PgParams& params) {
  std::string cols;
  std::string vals;
  for (std::size_t i = 0; i < spec.key.size(); ++i) {
    params.emplace_back(key.at(i));
    cols += fmt::format("{}{}", i ? ", " : "", quote_ident(spec.key[i]));
    vals += fmt::format("{}${}::{}", i ? ", " : "", params.size(), spec.key_types[i]);
  }
  return fmt::format("({}) {} ({})", cols, op, vals);
}

// A CTE and a condition for the UPDATE: the condition is an uncorrelated subquery, evaluated
// once before the scan yields its first row, so the setting is in force before any trigger
// could fire.
std::string quiet_cte(bool quiet) {
  return quiet ? "_orc_quiet AS (SELECT pg_catalog.set_config('session_replication_role', "
                 "'replica', true) AS v),\n"
               : "";
}
std::string quiet_condition(bool quiet) {
  return quiet ? " AND (SELECT v FROM _orc_quiet) IS NOT NULL" : "";
}

} // namespace

BatchStatement integer_batch(const BackfillSpec& spec,
                             const RangeRow& range,
                             long long from,
                             long long to,
                             bool last,
                             bool quiet_triggers) {
  BatchStatement b;
  b.params = {std::to_string(from), std::to_string(to), last ? "true" : "false"};
  const std::string advance = advance_range_cte(range, "jsonb_build_array($2::text)",
                                                "(SELECT rows FROM n)", "$3::boolean", b.params);
  const std::string key = quote_ident(spec.key.at(0));
  const std::string table = quote_qualified(spec.schema, spec.table);
  // `n` counts the span on the statement's snapshot, the one the UPDATE sees: the rows this
  // batch processed, whether they still differed or not.
  b.sql = fmt::format(
      "WITH {quiet}u AS (UPDATE {table} SET {assign} WHERE {key} > $1::bigint AND {key} <= "
      "$2::bigint AND ({differs}){quiet_on}),\n"
      "n AS (SELECT count(*) AS rows FROM {table} WHERE {key} > $1::bigint AND {key} <= "
      "$2::bigint),\n"
      "{advance}\n"
      "SELECT (SELECT rows FROM n), (SELECT count(*) FROM r)",
      fmt::arg("table", table), fmt::arg("key", key), fmt::arg("assign", spec.assignments),
      fmt::arg("differs", spec.differs), fmt::arg("advance", advance),
      fmt::arg("quiet", quiet_cte(quiet_triggers)),
      fmt::arg("quiet_on", quiet_condition(quiet_triggers)));
  return b;
}

BatchStatement keyset_batch(const BackfillSpec& spec,
                            const RangeRow& range,
                            const std::optional<KeyText>& cursor,
                            const std::optional<KeyText>& hi,
                            long long limit,
                            bool quiet_triggers) {
  BatchStatement b;
  std::string bounds = "true";
  if (cursor) {
    bounds = compare(spec, ">", *cursor, b.params);
  }
  if (hi) {
    bounds += " AND " + compare(spec, "<=", *hi, b.params);
  }
  b.params.emplace_back(std::to_string(limit));
  const auto limit_param = b.params.size();
  const std::string table = quote_qualified(spec.schema, spec.table);
  // The page's columns get names no table column has, so that `assignments` and `differs`,
  // written against the table, never become ambiguous.
  std::string cols, alias, order, order_desc, alias_text, last_row, key_cols;
  for (std::size_t i = 0; i < spec.key.size(); ++i) {
    const std::string sep = i ? ", " : "";
    const std::string k = quote_ident(spec.key[i]);
    const std::string a = fmt::format("_orc_k{}", i);
    key_cols += sep + k;
    cols += sep + k + " AS " + a;
    order += sep + k;
    order_desc += sep + a + " DESC";
    alias_text += sep + a + "::text";
    last_row += fmt::format("{}(SELECT {} FROM last)", sep, a);
  }
  const std::string advance = advance_range_cte(
      range, fmt::format("coalesce((SELECT jsonb_build_array({}) FROM last), cursor)", alias_text),
      "(SELECT count(*) FROM page)", fmt::format("(SELECT count(*) FROM page) < ${}::bigint", limit_param),
      b.params);
  // The UPDATE walks the same key span as a range scan; its upper end is the page's last key
  // (scalar subqueries, so the comparison stays usable as an index condition).
  b.sql = fmt::format(
      "WITH {quiet}page AS (SELECT {cols} FROM {table} WHERE {bounds} ORDER BY {order} LIMIT "
      "${limit}::bigint),\n"
      "last AS (SELECT * FROM page ORDER BY {order_desc} LIMIT 1),\n"
      "u AS (UPDATE {table} SET {assign} WHERE {bounds} AND ({key_cols}) <= ({last_row}) AND "
      "({differs}){quiet_on}),\n"
      "{advance}\n"
      "SELECT (SELECT count(*) FROM page), (SELECT json_build_array({alias_text})::text FROM last)",
      fmt::arg("cols", cols), fmt::arg("table", table), fmt::arg("bounds", bounds),
      fmt::arg("order", order), fmt::arg("limit", limit_param),
      fmt::arg("order_desc", order_desc), fmt::arg("assign", spec.assignments),
      fmt::arg("key_cols", key_cols), fmt::arg("last_row", last_row),
      fmt::arg("differs", spec.differs), fmt::arg("advance", advance),
      fmt::arg("alias_text", alias_text),
      fmt::arg("quiet", quiet_cte(quiet_triggers)),
      fmt::arg("quiet_on", quiet_condition(quiet_triggers)));
  return b;
}

} // namespace orchestrate
