#include "lint/audit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/ident.hpp"
#include "lint/design_shapes.hpp"
#include "core/ranges.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

// A delimited list of numbers with at least one delimiter: "1,5,22", "3; 4", "7|8".
constexpr const char* k_list_shape = "^\\s*[0-9]+(\\s*[,;|]\\s*[0-9]+)+\\s*$";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (!s.empty()) {
    const auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? pos : pos - start));
    if (pos == std::string::npos) {
      break;
    }
    start = pos + 1;
  }
  return out;
}

struct Sample {
  long long values = 0;  // non-NULL values sampled
  long long matches = 0; // of those, shaped like a delimited list of numbers
  std::string examples;
};

// Reads at most `rows` rows: TABLESAMPLE SYSTEM picks whole pages at random, so a large table
// is never scanned; a table smaller than the sample is read whole.
Sample sample_column(pqxx::work& tx,
                     const std::string& schema,
                     const std::string& table,
                     const std::string& column,
                     double estimated_rows,
                     long long rows) {
  const double percent =
      estimated_rows <= static_cast<double>(rows)
          ? 100.0
          : std::max(0.001, std::min(100.0, 200.0 * static_cast<double>(rows) / estimated_rows));
  const auto r = tx.exec1(fmt::format(
      "SELECT count(v), count(*) FILTER (WHERE m), "
      "coalesce((SELECT string_agg(quote_literal(x), ', ') FROM "
      "unnest((array_agg(v) FILTER (WHERE m))[1:3]) x), '') "
      "FROM (SELECT v, v ~ {} AS m FROM (SELECT {}::text AS v FROM {} TABLESAMPLE SYSTEM ({:.3f}) "
      "LIMIT {}) s0) s",
      quote_literal(k_list_shape), quote_ident(column), quote_qualified(schema, table), percent,
      rows));
  return {.values = r[0].as<long long>(),
          .matches = r[1].as<long long>(),
          .examples = r[2].as<std::string>()};
}

std::string size_text(long long bytes) {
  if (bytes >= 1024LL * 1024 * 1024) {
    return fmt::format("{:.1f} GB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  }
  if (bytes >= 1024LL * 1024) {
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024));
  }
  return fmt::format("{} kB", bytes / 1024);
}

// The table a list column's items point at, guessed from its name: tag_ids -> tags or tag.
std::string guess_parent(const std::string& column, const std::set<std::string>& tables) {
  std::string base = column;
  for (const char* suffix : {"_ids", "_list", "_tags"}) {
    const std::string s = suffix;
    if (base.size() > s.size() && base.compare(base.size() - s.size(), s.size(), s) == 0) {
      base.resize(base.size() - s.size());
      break;
    }
  }
  for (const auto& candidate : {base + "s", base, base + "es"}) {
    if (tables.count(candidate) != 0) {
      return candidate;
    }
  }
  return "";
}

} // namespace

std::vector<AuditFinding> audit_schema(pqxx::connection& conn,
                                       const std::string& schema,
                                       long long sample_rows) {
  pqxx::work tx(conn);
  tx.exec("SET TRANSACTION READ ONLY");
  const auto tables = tx.exec_params(
      "SELECT c.oid::bigint, c.relname::text, pg_total_relation_size(c.oid), "
      "greatest(c.reltuples, 0)::float8 FROM pg_class c "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
      "ORDER BY 3 DESC, 2",
      schema);
  std::set<std::string> names;
  for (const auto& t : tables) {
    names.insert(t[1].as<std::string>());
  }
  std::vector<AuditFinding> out;
  for (const auto& t : tables) {
    AuditFinding base;
    base.schema = schema;
    base.table = t[1].as<std::string>();
    base.bytes = t[2].as<long long>();
    base.rows = t[3].as<double>();
    const std::string oid = t[0].as<std::string>();
    for (const auto& c : tx.exec_params(
             "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute "
             "WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped "
             "AND attname NOT LIKE '\\_orc\\_%' ORDER BY attnum",
             oid)) {
      base.columns.push_back({c[0].as<std::string>(), c[1].as<std::string>()});
    }
    for (const auto& k : tx.exec_params(
             "SELECT a.attname::text FROM pg_constraint k, unnest(k.conkey) WITH ORDINALITY "
             "u(attnum, ord), pg_attribute a WHERE k.conrelid = $1::oid AND k.contype = 'p' "
             "AND a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.ord",
             oid)) {
      base.key.push_back(k[0].as<std::string>());
    }
    for (const auto& f : tx.exec_params(
             "SELECT k.conname::text, r.relname::text, string_agg(a.attname, ',' ORDER BY u.ord) "
             "FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid, "
             "unnest(k.conkey) WITH ORDINALITY u(attnum, ord), pg_attribute a "
             "WHERE k.confrelid = $1::oid AND k.contype = 'f' AND a.attrelid = k.conrelid "
             "AND a.attnum = u.attnum GROUP BY 1, 2 ORDER BY 2, 1",
             oid)) {
      base.referenced_by.push_back({.name = f[0].as<std::string>(),
                                    .table = f[1].as<std::string>(),
                                    .columns = split(f[2].as<std::string>(), ',')});
    }
    base.size = size_text(base.bytes);

    // A meaningful primary key, and who points at it.
    std::vector<std::string> key_types;
    bool natural = false;
    for (const auto& k : base.key) {
      for (const auto& c : base.columns) {
        if (c.name == k) {
          key_types.push_back(c.type);
          natural = natural || is_natural_key(c.name, c.type);
        }
      }
    }
    if (natural) {
      AuditFinding f = base;
      f.rule = "natural-key";
      f.column = join(base.key, ", ");
      f.type = join(key_types, ", ");
      f.fix_kind = "surrogate_key";
      f.message = fmt::format("the primary key {} ({}) means something; when a value changes, "
                              "every foreign key pointing at it must change too",
                              f.column, f.type);
      if (base.referenced_by.empty()) {
        f.evidence.push_back("no foreign key references it yet: the fix is cheapest now");
      } else {
        std::vector<std::string> refs;
        std::set<std::string> from;
        for (const auto& r : base.referenced_by) {
          refs.push_back(fmt::format("{}({}) [{}]", r.table, join(r.columns, ", "), r.name));
          from.insert(r.table);
        }
        f.evidence.push_back(fmt::format("referenced by {} foreign key(s) from {} table(s): {}",
                                         base.referenced_by.size(), from.size(),
                                         join(refs, ", ")));
      }
      out.push_back(std::move(f));
    }

    // Lists in strings: by name, or by what a sample of the values looks like.
    for (const auto& c : base.columns) {
      if (!is_string_type(c.type) ||
          contains(base.key, c.name)) {
        continue;
      }
      const bool by_name = is_list_column(c.name, c.type);
      const Sample s = sample_column(tx, schema, base.table, c.name, base.rows, sample_rows);
      if (!by_name && (s.matches == 0 || s.matches * 2 < s.values)) {
        continue;
      }
      AuditFinding f = base;
      f.rule = "list-in-string";
      f.column = c.name;
      f.type = c.type;
      f.fix_kind = "explode_list";
      f.list_parent = guess_parent(c.name, names);
      f.list_delimiter = ",";
      for (const char* d : {",", ";", "|"}) {
        if (s.examples.find(d) != std::string::npos) {
          f.list_delimiter = d;
          break;
        }
      }
      if (!f.list_parent.empty()) {
        const auto pk = tx.exec_params(
            "SELECT a.attname::text FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = "
            "k.conrelid AND a.attnum = k.conkey[1] WHERE k.conrelid = to_regclass($1) AND "
            "k.contype = 'p' AND cardinality(k.conkey) = 1",
            quote_qualified(schema, f.list_parent));
        f.list_parent_key = pk.empty() ? "" : pk[0][0].as<std::string>();
      }
      f.message = fmt::format("{} ({}) holds a delimited list in a string: no foreign key "
                              "checks its items and no index finds a row by one",
                              c.name, c.type);
      f.evidence.push_back(fmt::format(
          "{} of {} sampled value(s) (TABLESAMPLE SYSTEM, at most {} rows) are delimited lists "
          "of numbers{}",
          s.matches, s.values, sample_rows, s.examples.empty() ? "" : ", e.g. " + s.examples));
      if (by_name) {
        f.evidence.push_back("its name says it holds a list");
      }
      f.evidence.push_back(f.list_parent.empty()
                               ? std::string("no table named after its items was found")
                               : fmt::format("its items are probably keys of {}", f.list_parent));
      out.push_back(std::move(f));
    }

    // Timestamps.
    const bool created = std::any_of(base.columns.begin(), base.columns.end(), [](const auto& c) {
      return is_creation_timestamp(c.name, c.type);
    });
    const bool updated = std::any_of(base.columns.begin(), base.columns.end(), [](const auto& c) {
      return is_update_timestamp(c.name, c.type);
    });
    if (!created || !updated) {
      AuditFinding f = base;
      f.rule = "no-timestamps";
      f.fix_kind = "add_timestamps";
      f.message = fmt::format("no column records when a row was {}",
                              !created && !updated ? "created nor when it was last updated"
                              : !created           ? "created"
                                                   : "last updated");
      std::vector<std::string> times;
      for (const auto& c : base.columns) {
        if (c.type.rfind("timestamp", 0) == 0 || c.type == "date") {
          times.push_back(c.name + " (" + c.type + ")");
        }
      }
      f.evidence.push_back(times.empty()
                               ? std::string("no timestamp or date column at all")
                               : "its timestamp and date columns: " + join(times, ", "));
      out.push_back(std::move(f));
    }
  }
  tx.commit();
  return out;
}

} // namespace orchestrate
