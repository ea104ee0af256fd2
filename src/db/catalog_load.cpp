#include "db/catalog_load.hpp"

#include <nlohmann/json.hpp>

#include <unordered_map>

namespace orchestrate {

namespace {

const char* const k_tables = R"SQL(
  SELECT c.oid AS oid, n.nspname AS schema, c.relname AS name, GREATEST(c.reltuples, 0) AS rows,
    obj_description(c.oid, 'pg_class') AS comment, c.relreplident AS replident
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
)SQL";

std::vector<std::string> names(const pqxx::field& f) {
  if (f.is_null()) {
    return {};
  }
  return nlohmann::json::parse(f.c_str()).get<std::vector<std::string>>();
}

std::optional<std::string> optional_text(const pqxx::field& f) {
  if (f.is_null()) {
    return std::nullopt;
  }
  return f.as<std::string>();
}

} // namespace

Catalog load_catalog(pqxx::connection& conn, const std::string& skip_schema) {
  Catalog catalog;
  pqxx::read_transaction tx(conn);
  for (const auto& row : tx.exec(
           "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ORDER BY 1")) {
    catalog.schemas.push_back(row[0].as<std::string>());
  }
  for (const auto& row : tx.exec(
           "SELECT n.nspname || '.' || c.relname FROM pg_class c "
           "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg\\_%' "
           "AND n.nspname <> 'information_schema'")) {
    catalog.relations.insert(row[0].as<std::string>());
  }
  std::unordered_map<long long, std::string> by_oid;
  for (const auto& row : tx.exec_params(k_tables, skip_schema)) {
    Table t;
    t.schema = row["schema"].as<std::string>();
    t.name = row["name"].as<std::string>();
    t.estimated_rows = row["rows"].as<double>();
    t.comment = optional_text(row["comment"]);
    t.replica_identity = row["replident"].as<std::string>().at(0);
    const std::string key = t.schema + "." + t.name;
    by_oid[row["oid"].as<long long>()] = key;
    catalog.tables.emplace(key, std::move(t));
  }
  auto table_of = [&](const pqxx::field& oid) -> Table* {
    auto it = by_oid.find(oid.as<long long>());
    return it == by_oid.end() ? nullptr : &catalog.tables.at(it->second);
  };

  const std::string columns = std::string("WITH t AS (") + k_tables + R"SQL()
    SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
      pg_get_expr(d.adbin, d.adrelid) AS default_sql,
      EXISTS (SELECT 1 FROM regexp_matches(pg_get_expr(d.adbin, d.adrelid),
                '([A-Za-z_][A-Za-z0-9_]*)\s*\(', 'g') m
              JOIN pg_proc p ON p.proname = lower(m[1]) WHERE p.provolatile = 'v') AS volatile,
      a.attidentity <> '' AS identity, a.attgenerated <> '' AS generated,
      col_description(a.attrelid, a.attnum) AS comment,
      CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation
           THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation
    FROM pg_attribute a
    JOIN t ON t.oid = a.attrelid
    JOIN pg_type ty ON ty.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
    LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
    WHERE a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attrelid, a.attnum)SQL";
  for (const auto& row : tx.exec_params(columns, skip_schema)) {
    Table* t = table_of(row["attrelid"]);
    if (t == nullptr) {
      continue;
    }
    Column c;
    c.name = row["attname"].as<std::string>();
    c.type = row["type"].as<std::string>();
    c.not_null = row["attnotnull"].as<bool>();
    c.default_sql = optional_text(row["default_sql"]);
    c.default_volatile = row["volatile"].as<bool>();
    c.identity = row["identity"].as<bool>();
    c.generated = row["generated"].as<bool>();
    c.collation = optional_text(row["collation"]);
    c.comment = optional_text(row["comment"]);
    t->columns.push_back(std::move(c));
  }

  const std::string indexes = std::string("WITH t AS (") + k_tables + R"SQL()
    SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid) AS def, i.indisunique,
      i.indisprimary, i.indisvalid, i.indpred IS NOT NULL AS partial, i.indimmediate,
      i.indisreplident,
      to_json(ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
                    ORDER BY k.o)) AS cols,
      (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL) AS expr,
      (SELECT conname FROM pg_constraint WHERE conindid = i.indexrelid
         AND conrelid = i.indrelid AND contype IN ('u', 'p', 'x') LIMIT 1) AS constraint_name
    FROM pg_index i JOIN t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
    ORDER BY i.indrelid, ic.relname)SQL";
  for (const auto& row : tx.exec_params(indexes, skip_schema)) {
    Table* t = table_of(row["indrelid"]);
    if (t == nullptr) {
      continue;
    }
    Index idx;
    idx.name = row["relname"].as<std::string>();
    idx.definition = row["def"].as<std::string>();
    idx.unique = row["indisunique"].as<bool>();
    idx.primary = row["indisprimary"].as<bool>();
    idx.valid = row["indisvalid"].as<bool>();
    idx.columns = names(row["cols"]);
    idx.uses_expression = row["expr"].as<bool>();
    idx.constraint = optional_text(row["constraint_name"]);
    idx.partial = row["partial"].as<bool>();
    idx.immediate = row["indimmediate"].as<bool>();
    idx.replica_identity = row["indisreplident"].as<bool>();
    t->indexes.push_back(std::move(idx));
  }

  const std::string constraints = std::string("WITH t AS (") + k_tables + R"SQL()
    SELECT c.conrelid, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def, c.convalidated,
      to_json(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                    ORDER BY k.o)) AS cols,
      c.confrelid,
      CASE WHEN c.contype = 'f' THEN fc.relname END AS foreign_table,
      to_json(ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                    ORDER BY k.o)) AS foreign_cols
    FROM pg_constraint c JOIN t ON t.oid = c.conrelid
    LEFT JOIN pg_class fc ON fc.oid = c.confrelid
    ORDER BY c.conrelid, c.conname)SQL";
  for (const auto& row : tx.exec_params(constraints, skip_schema)) {
    Table* t = table_of(row["conrelid"]);
    if (t == nullptr) {
      continue;
    }
    Constraint con;
    con.name = row["conname"].as<std::string>();
    con.type = row["contype"].as<std::string>().at(0);
    con.definition = row["def"].as<std::string>();
    con.validated = row["convalidated"].as<bool>();
    con.columns = names(row["cols"]);
    if (con.type == 'f') {
      con.foreign_table = row["foreign_table"].as<std::string>();
      con.foreign_columns = names(row["foreign_cols"]);
      if (Table* target = table_of(row["confrelid"])) {
        target->referenced_by.push_back({.name = con.name,
                                         .table = t->name,
                                         .referenced_columns = con.foreign_columns,
                                         .referencing_columns = con.columns});
      }
    }
    t->constraints.push_back(std::move(con));
  }

  const std::string triggers = std::string("WITH t AS (") + k_tables + R"SQL()
    SELECT tg.tgrelid, tg.tgname FROM pg_trigger tg JOIN t ON t.oid = tg.tgrelid
    WHERE NOT tg.tgisinternal ORDER BY 1, 2)SQL";
  for (const auto& row : tx.exec_params(triggers, skip_schema)) {
    if (Table* t = table_of(row["tgrelid"])) {
      t->triggers.push_back(row["tgname"].as<std::string>());
    }
  }

  const std::string views = std::string("WITH t AS (") + k_tables + R"SQL()
    SELECT DISTINCT d.refobjid, vn.nspname || '.' || v.relname AS view
    FROM pg_depend d JOIN t ON t.oid = d.refobjid
    JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
    JOIN pg_class v ON v.oid = r.ev_class AND v.oid <> d.refobjid
    JOIN pg_namespace vn ON vn.oid = v.relnamespace ORDER BY 1, 2)SQL";
  for (const auto& row : tx.exec_params(views, skip_schema)) {
    if (Table* t = table_of(row["refobjid"])) {
      t->dependent_views.push_back(row["view"].as<std::string>());
    }
  }
  tx.commit();
  return catalog;
}

} // namespace orchestrate
