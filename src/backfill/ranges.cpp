#include "backfill/ranges.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

#include "core/ident.hpp"
#include "db/keyset.hpp"
#include "state/backfill_ranges.hpp"

namespace orchestrate {

namespace {

// Rows sampled to place the boundaries of non-integer keys: enough for even ranges, small
// enough that the sample costs next to nothing whatever the table's size.
constexpr long long k_sample_rows = 20000;

std::optional<KeyText> parse_key(const std::optional<std::string>& json) {
  if (!json) {
    return std::nullopt;
  }
  KeyText out;
  for (const auto& v : nlohmann::json::parse(*json)) {
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::optional<KeyText> parse_key(const pqxx::field& f) {
  return parse_key(f.is_null() ? std::nullopt : std::optional<std::string>(f.as<std::string>()));
}

std::optional<std::string> key_json(const std::optional<KeyText>& key) {
  if (!key) {
    return std::nullopt;
  }
  return nlohmann::json(*key).dump();
}

struct Planned {
  std::optional<KeyText> lo;
  std::optional<KeyText> hi;
};

std::vector<Planned> plan_integer(pqxx::work& tx, const BackfillSpec& spec, int pieces) {
  const Keyset ks(spec);
  auto r = tx.exec(fmt::format("SELECT min({0})::text, max({0})::text FROM {1}", ks.columns,
                               ks.table));
  if (r[0][0].is_null()) {
    return {};
  }
  std::vector<Planned> out;
  for (const auto& [lo, hi] :
       split_integer_range(r[0][0].as<long long>(), r[0][1].as<long long>(), pieces)) {
    Planned p;
    if (lo) {
      p.lo = KeyText{std::to_string(*lo)};
    }
    p.hi = KeyText{std::to_string(hi)};
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Planned> plan_sampled(pqxx::work& tx, const BackfillSpec& spec, int pieces,
                                  long long rows) {
  const Keyset ks(spec);
  auto last = tx.exec(fmt::format("SELECT json_build_array({})::text FROM {} ORDER BY {} LIMIT 1",
                                  ks.text_columns, ks.table, ks.order_desc));
  if (last.empty()) {
    return {};
  }
  std::vector<KeyText> bounds;
  if (pieces > 1) {
    // The last key of each of `pieces` equal tiles of a sample, in key order; only these few
    // rows reach the client.
    auto b = tx.exec(fmt::format(
        "SELECT json_build_array({text})::text FROM (SELECT DISTINCT ON (tile) {cols}, tile FROM "
        "(SELECT {cols}, ntile({pieces}) OVER (ORDER BY {order}) AS tile FROM {table} "
        "TABLESAMPLE SYSTEM ({pct})) s ORDER BY tile, {order_desc}) t ORDER BY tile",
        fmt::arg("text", ks.text_columns), fmt::arg("cols", ks.columns),
        fmt::arg("pieces", pieces), fmt::arg("order", ks.order),
        fmt::arg("order_desc", ks.order_desc), fmt::arg("table", ks.table),
        fmt::arg("pct", sample_percent(rows, k_sample_rows))));
    for (const auto& row : b) {
      bounds.push_back(*parse_key(row[0]));
    }
    if (!bounds.empty()) {
      bounds.pop_back(); // the last tile ends at the sample's end; the table's last key ends it
    }
  }
  const KeyText max_key = *parse_key(last[0][0]);
  std::vector<Planned> out;
  std::optional<KeyText> lo;
  for (const auto& b : bounds) {
    if (b == max_key) {
      break;
    }
    out.push_back({lo, b});
    lo = b;
  }
  out.push_back({lo, max_key});
  return out;
}

} // namespace

int range_count(long long rows, int workers, int per_worker, long long min_range_rows) {
  const long long most = std::max(1LL, static_cast<long long>(workers) * per_worker);
  const long long by_size = min_range_rows > 0 ? rows / min_range_rows : most;
  return static_cast<int>(std::clamp(by_size, 1LL, most));
}

std::vector<std::pair<std::optional<long long>, long long>>
split_integer_range(long long min, long long max, int pieces) {
  std::vector<std::pair<std::optional<long long>, long long>> out;
  if (max < min) {
    return out;
  }
  const __int128 count = static_cast<__int128>(max) - min + 1;
  const __int128 n = std::clamp<__int128>(pieces, 1, count);
  std::optional<long long> lo;
  if (min > std::numeric_limits<long long>::min()) {
    lo = min - 1;
  }
  for (__int128 i = 1; i <= n; ++i) {
    const long long hi = static_cast<long long>(static_cast<__int128>(min) - 1 + count * i / n);
    out.emplace_back(lo, hi);
    lo = hi;
  }
  return out;
}

double sample_percent(long long rows, long long wanted) {
  if (rows <= 0) {
    return 100;
  }
  return std::clamp(100.0 * static_cast<double>(wanted) / static_cast<double>(rows), 0.01, 100.0);
}

std::vector<KeyRange> prepare_ranges(pqxx::connection& conn,
                                     const std::string& state_schema,
                                     const std::string& plan,
                                     const std::vector<BackfillSpec>& specs,
                                     const BackfillOptions& options) {
  pqxx::work tx(conn);
  BackfillRanges stored(tx, state_schema, plan);
  for (const auto& spec : specs) {
    if (stored.planned(spec.id)) {
      continue;
    }
    // reltuples is -1 before the first ANALYZE; then guess from the table's size.
    const long long rows =
        tx.exec_params("SELECT (CASE WHEN reltuples >= 0 THEN reltuples "
                       "ELSE pg_relation_size(oid) / 100 END)::bigint FROM pg_class "
                       "WHERE oid = to_regclass($1)",
                       quote_qualified(spec.schema, spec.table))[0][0]
            .as<long long>(0);
    const int pieces =
        range_count(rows, options.workers, options.ranges_per_worker, options.min_range_rows);
    auto planned = spec.integer_key ? plan_integer(tx, spec, pieces)
                                    : plan_sampled(tx, spec, pieces, rows);
    std::vector<RangeBounds> bounds;
    for (const auto& p : planned) {
      bounds.push_back({.lo = key_json(p.lo), .hi = key_json(p.hi)});
    }
    stored.store(spec.id, bounds,
                 planned.empty() ? 0 : rows / static_cast<long long>(planned.size()));
  }
  std::vector<KeyRange> out;
  for (std::size_t s = 0; s < specs.size(); ++s) {
    for (const auto& row : stored.pending(specs[s].id)) {
      out.push_back({.spec = s,
                     .range_no = row.range_no,
                     .lo = parse_key(row.lo),
                     .hi = parse_key(row.hi),
                     .cursor = parse_key(row.cursor),
                     .rows_estimate = row.rows_estimate,
                     .rows_done = row.rows_done});
    }
  }
  tx.commit();
  return out;
}

} // namespace orchestrate
