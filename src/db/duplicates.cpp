#include "db/duplicates.hpp"

#include <fmt/format.h>

#include "db/executor.hpp"

namespace orchestrate {

std::vector<std::string> duplicate_keys(pqxx::connection& conn,
                                        const std::string& qualified_index,
                                        int limit,
                                        std::chrono::milliseconds timeout) {
  pqxx::read_transaction tx(conn);
  tx.exec("SET LOCAL statement_timeout = '" + format_ms(timeout) + "'");
  auto index = tx.exec_params(
      "SELECT i.indrelid::regclass::text, i.indnkeyatts, pg_get_expr(i.indpred, i.indrelid), "
      "i.indnullsnotdistinct FROM pg_index i WHERE i.indexrelid = to_regclass($1)",
      qualified_index);
  if (index.empty()) {
    return {};
  }
  const std::string table = index[0][0].as<std::string>();
  const int keys = index[0][1].as<int>();
  std::vector<std::string> exprs;
  std::vector<std::string> where;
  for (int k = 1; k <= keys; ++k) {
    auto r = tx.exec_params1("SELECT pg_get_indexdef(to_regclass($1), $2, true)",
                             qualified_index, k);
    exprs.push_back("(" + r[0].as<std::string>() + ")");
    // NULLs never collide in a unique index unless it says NULLS NOT DISTINCT.
    if (!index[0][3].as<bool>()) {
      where.push_back(exprs.back() + " IS NOT NULL");
    }
  }
  if (!index[0][2].is_null()) {
    where.push_back("(" + index[0][2].as<std::string>() + ")");
  }
  const std::string list = fmt::format("{}", fmt::join(exprs, ", "));
  auto rows = tx.exec(fmt::format(
      "SELECT ROW({0})::text, count(*) FROM {1}{2} GROUP BY {0} HAVING count(*) > 1 "
      "ORDER BY count(*) DESC, 1 LIMIT {3}",
      list, table, where.empty() ? "" : fmt::format(" WHERE {}", fmt::join(where, " AND ")),
      limit));
  std::vector<std::string> out;
  for (const auto& row : rows) {
    out.push_back(fmt::format("{} in {} rows", row[0].as<std::string>(), row[1].as<long long>()));
  }
  return out;
}

} // namespace orchestrate
