#include "verify.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <set>

namespace example {
namespace {

// Small enough for a quick query, large enough that 100k writes take 100 round trips.
constexpr std::size_t chunk_size = 1000;
constexpr std::size_t max_samples = 20;

void add_sample(VerifyReport &report, std::string text) {
  if (report.samples.size() < max_samples) {
    report.samples.push_back(std::move(text));
  }
}

std::vector<std::string> columns_of(pqxx::transaction_base &tx,
                                    const std::string &table,
                                    const std::vector<std::string> &candidates) {
  // The relation an unqualified name in the application resolves to on its search_path. From
  // the catalog: information_schema.columns filters every column of the database.
  const auto result = tx.exec_params("SELECT attname FROM pg_attribute WHERE attrelid = "
                                     "to_regclass(quote_ident($1)) AND attnum > 0 AND NOT "
                                     "attisdropped",
                                     table);
  std::set<std::string> present;
  for (const auto &row : result) {
    present.insert(row[0].as<std::string>());
  }
  std::vector<std::string> found;
  std::copy_if(candidates.begin(),
               candidates.end(),
               std::back_inserter(found),
               [&](const std::string &c) { return present.count(c) > 0; });
  return found;
}

std::string id_array(std::map<long long, std::string>::const_iterator begin,
                     std::map<long long, std::string>::const_iterator end) {
  std::string text = "{";
  for (auto it = begin; it != end; ++it) {
    text += (text.size() > 1 ? "," : "") + std::to_string(it->first);
  }
  return text + "}";
}

} // namespace

std::vector<std::string> existing_columns(const std::string &url,
                                          const std::string &table,
                                          const std::vector<std::string> &candidates) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  return columns_of(tx, table, candidates);
}

VerifyReport verify_writes(const std::string &url,
                           const WriterOptions &options,
                           const std::map<long long, std::string> &expected,
                           const std::vector<std::string> &columns) {
  VerifyReport report;
  if (columns.empty()) {
    add_sample(report, "no columns to verify");
    return report;
  }
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  const auto present = columns_of(tx, options.table, columns);
  for (const auto &column : columns) {
    if (std::find(present.begin(), present.end(), column) == present.end()) {
      add_sample(report, "column " + options.table + "." + column + " does not exist");
    }
  }
  if (!report.samples.empty()) {
    return report;
  }

  const auto key = tx.quote_name(options.key);
  std::string sql = "SELECT " + key + "::bigint";
  for (const auto &column : columns) {
    sql += ", " + tx.quote_name(column) + "::text";
  }
  sql += " FROM " + tx.quote_name(options.table) + " WHERE " + key + " = ANY ($1::bigint[])";

  auto chunk_begin = expected.begin();
  while (chunk_begin != expected.end()) {
    auto chunk_end = chunk_begin;
    for (std::size_t n = 0; n < chunk_size && chunk_end != expected.end(); ++n) {
      ++chunk_end;
    }
    std::map<long long, pqxx::row> rows;
    const auto result = tx.exec_params(sql, id_array(chunk_begin, chunk_end));
    for (const auto &row : result) {
      rows.emplace(row[0].as<long long>(), row);
    }
    for (auto it = chunk_begin; it != chunk_end; ++it) {
      const auto &[id, value] = *it;
      ++report.checked;
      const auto found = rows.find(id);
      if (found == rows.end()) {
        ++report.missing;
        add_sample(report, "id " + std::to_string(id) + ": row missing");
        continue;
      }
      bool row_wrong = false;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const auto field = found->second[static_cast<pqxx::row::size_type>(c + 1)];
        const std::string actual = field.is_null() ? "NULL" : "'" + field.as<std::string>() + "'";
        if (field.is_null() || field.as<std::string>() != value) {
          row_wrong = true;
          add_sample(report,
                     "id " + std::to_string(id) + ": " + columns[c] + " = " + actual +
                         ", expected '" + value + "'");
        }
      }
      if (row_wrong) {
        ++report.wrong;
      }
    }
    chunk_begin = chunk_end;
  }
  return report;
}

} // namespace example
