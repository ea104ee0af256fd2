#include "changes/surrogate_parent.hpp"

#include <fmt/format.h>

#include "core/ident.hpp"

namespace orchestrate {

namespace {

std::string qualified(const SurrogateParent& p) {
  return quote_qualified(p.schema, p.table);
}

std::string regclass(const SurrogateParent& p) {
  return quote_literal(qualified(p)) + "::regclass";
}

// The attnum of `column` in the table, for comparing with pg_index.indkey and conkey.
std::string attnum(const SurrogateParent& p, const std::string& column) {
  return fmt::format("(SELECT attnum FROM pg_attribute WHERE attrelid = to_regclass({}) AND "
                     "attname = {} AND NOT attisdropped)",
                     quote_literal(qualified(p)), quote_literal(column));
}

} // namespace

std::string surrogate_sequence(const SurrogateParent& p) {
  return helper_name("seq", p.table, p.column);
}

std::string surrogate_function(const SurrogateParent& p) {
  return helper_name("sk", p.table, p.column);
}

std::string surrogate_lookup_sql(const SurrogateParent& p, const std::string& value) {
  return fmt::format("{}({})", quote_qualified(p.schema, surrogate_function(p)), value);
}

std::string natural_function(const SurrogateParent& p) {
  return helper_name("nk", p.table, p.column);
}

std::string natural_lookup_sql(const SurrogateParent& p, const std::string& value) {
  return fmt::format("{}({})", quote_qualified(p.schema, natural_function(p)), value);
}

std::string surrogate_add_sql(const SurrogateParent& p) {
  const std::string seq = quote_qualified(p.schema, surrogate_sequence(p));
  const std::string col = quote_ident(p.column);
  const std::string key = quote_ident(p.key);
  return fmt::format(
      "CREATE SEQUENCE IF NOT EXISTS {seq} AS {type};\n"
      "ALTER TABLE {table}\n"
      "  ADD COLUMN IF NOT EXISTS {col} {type},\n"
      "  ALTER COLUMN {col} SET DEFAULT pg_catalog.nextval({seq_text}::regclass);\n"
      "CREATE OR REPLACE FUNCTION {fn}(_key {key_type}) RETURNS {type} LANGUAGE plpgsql AS $orc$\n"
      "DECLARE\n"
      "  _id {type};\n"
      "BEGIN\n"
      "  IF _key IS NULL THEN\n"
      "    RETURN NULL;\n"
      "  END IF;\n"
      "  SELECT _t.{col} INTO _id FROM {table} _t WHERE _t.{key} = _key;\n"
      "  IF FOUND AND _id IS NULL THEN\n"
      "    -- A row the backfill has not reached: its surrogate is drawn now, once.\n"
      "    UPDATE {table} _t SET {col} = pg_catalog.nextval({seq_text}::regclass)\n"
      "      WHERE _t.{key} = _key AND _t.{col} IS NULL RETURNING _t.{col} INTO _id;\n"
      "    IF _id IS NULL THEN\n"
      "      SELECT _t.{col} INTO _id FROM {table} _t WHERE _t.{key} = _key;\n"
      "    END IF;\n"
      "  END IF;\n"
      "  RETURN _id;\n"
      "END $orc$;\n"
      "-- Volatile, so that it sees a surrogate drawn earlier in the same statement.\n"
      "CREATE OR REPLACE FUNCTION {nk}(_id {type}) RETURNS {key_type} LANGUAGE plpgsql "
      "VOLATILE AS $orc$\n"
      "BEGIN\n"
      "  RETURN (SELECT _t.{key} FROM {table} _t WHERE _t.{col} = _id);\n"
      "END $orc$",
      fmt::arg("seq", seq), fmt::arg("seq_text", quote_literal(seq)), fmt::arg("type", p.type),
      fmt::arg("table", qualified(p)), fmt::arg("col", col), fmt::arg("key", key),
      fmt::arg("key_type", p.key_type),
      fmt::arg("fn", quote_qualified(p.schema, surrogate_function(p))),
      fmt::arg("nk", quote_qualified(p.schema, natural_function(p))));
}

std::vector<Assignment> surrogate_backfill_assignments(const SurrogateParent& p) {
  return {{.column = p.column,
           .value = fmt::format("pg_catalog.nextval({}::regclass)",
                                quote_literal(quote_qualified(p.schema, surrogate_sequence(p)))),
           .type = p.type}};
}

std::string surrogate_pending_sql(const SurrogateParent& p) {
  return fmt::format("{}.{} IS NULL", qualified(p), quote_ident(p.column));
}

std::string surrogate_swap_sql(const SurrogateParent& p) {
  const std::string table = qualified(p);
  std::string body;
  if (p.key_is_primary) {
    body += fmt::format("    ALTER TABLE {} DROP CONSTRAINT {};\n"
                        "    ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {};\n",
                        table, quote_ident(p.primary_name), table, quote_ident(p.key_index),
                        quote_ident(p.key_index));
  }
  body += fmt::format("    ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY USING INDEX {};\n", table,
                      quote_ident(p.primary_name), quote_ident(p.id_index));
  return fmt::format("DO $orc$ BEGIN\n  IF NOT ({}) THEN\n{}  END IF;\nEND $orc$",
                     surrogate_is_primary_sql(p).substr(7), body);
}

std::string surrogate_identity_sql(const SurrogateParent& p) {
  const std::string table = qualified(p);
  const std::string col = quote_ident(p.column);
  const std::string seq = quote_qualified(p.schema, surrogate_sequence(p));
  // The identity's sequence goes on after the highest surrogate drawn so far.
  return fmt::format(
      "DO $orc$ BEGIN\n"
      "  IF NOT ({is_identity}) THEN\n"
      "    ALTER TABLE {table} ALTER COLUMN {col} DROP DEFAULT;\n"
      "    ALTER TABLE {table} ALTER COLUMN {col} ADD GENERATED BY DEFAULT AS IDENTITY;\n"
      "    PERFORM pg_catalog.setval(pg_catalog.pg_get_serial_sequence({table_text}, {col_text}), "
      "GREATEST((SELECT max({col}) FROM {table}), (SELECT last_value FROM {seq}), 1));\n"
      "  END IF;\n"
      "END $orc$;\n"
      "DROP SEQUENCE IF EXISTS {seq};\n"
      "DROP FUNCTION IF EXISTS {fn}({key_type});\n"
      "DROP FUNCTION IF EXISTS {nk}({type})",
      fmt::arg("is_identity", surrogate_is_identity_sql(p).substr(7)), fmt::arg("table", table),
      fmt::arg("col", col), fmt::arg("seq", seq), fmt::arg("table_text", quote_literal(table)),
      fmt::arg("col_text", quote_literal(p.column)),
      fmt::arg("fn", quote_qualified(p.schema, surrogate_function(p))),
      fmt::arg("nk", quote_qualified(p.schema, natural_function(p))),
      fmt::arg("key_type", p.key_type), fmt::arg("type", p.type));
}

std::string surrogate_drop_sql(const SurrogateParent& p) {
  std::string out = fmt::format("DROP FUNCTION IF EXISTS {}({});\nDROP FUNCTION IF EXISTS {}({});\n",
                                quote_qualified(p.schema, surrogate_function(p)), p.key_type,
                                quote_qualified(p.schema, natural_function(p)), p.type);
  if (p.key_is_primary) {
    out += fmt::format("DROP INDEX IF EXISTS {};\n", quote_qualified(p.schema, p.key_index));
  }
  // The column takes its unique index and its NOT NULL check with it.
  out += fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {};\nDROP SEQUENCE IF EXISTS {}",
                     qualified(p), quote_ident(p.column),
                     quote_qualified(p.schema, surrogate_sequence(p)));
  return out;
}

std::string surrogate_is_primary_sql(const SurrogateParent& p) {
  return fmt::format("SELECT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = to_regclass({}) AND "
                     "indisprimary AND indnatts = 1 AND indkey[0] = {})",
                     quote_literal(qualified(p)), attnum(p, p.column));
}

std::string natural_key_unique_sql(const SurrogateParent& p) {
  return fmt::format("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass({}) "
                     "AND contype = 'u' AND conkey = ARRAY[{}])",
                     quote_literal(qualified(p)), attnum(p, p.key));
}

std::string surrogate_is_identity_sql(const SurrogateParent& p) {
  return fmt::format("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = {} AND attname = "
                     "{} AND NOT attisdropped AND attidentity = 'd')",
                     regclass(p), quote_literal(p.column));
}

std::string surrogate_helpers_gone_sql(const SurrogateParent& p) {
  return fmt::format(
      "SELECT to_regclass({}) IS NULL AND to_regprocedure({}) IS NULL AND to_regprocedure({}) IS "
      "NULL",
      quote_literal(quote_qualified(p.schema, surrogate_sequence(p))),
      quote_literal(quote_qualified(p.schema, surrogate_function(p)) + "(" + p.key_type + ")"),
      quote_literal(quote_qualified(p.schema, natural_function(p)) + "(" + p.type + ")"));
}

std::string natural_key_nulls_sql(const SurrogateParent& p) {
  return fmt::format("SELECT count(*)::bigint, coalesce(min(ctid::text), ''), 'rows of {} without a "
                     "{}: the natural key must "
                     "name every row' FROM {} WHERE {} IS NULL",
                     p.table, p.key, qualified(p), quote_ident(p.key));
}

std::string orphans_sql(const SurrogateParent& p,
                        const std::string& table,
                        const std::string& column,
                        const std::vector<std::string>& key) {
  const std::string col = quote_ident(column);
  std::string row = "_r.ctid::text";
  if (!key.empty()) {
    row.clear();
    for (const auto& k : key) {
      row += (row.empty() ? "_r." : ", _r.") + quote_ident(k);
    }
    row = "json_build_array(" + row + ")::text";
  }
  return fmt::format(
      "SELECT count(*)::bigint, coalesce(min({row}), ''), '{table}.{column} values "
      "that name no row of {parent}, e.g. ' || coalesce(quote_literal(min(_r.{col}::text)), '') "
      "FROM {ref} _r WHERE _r.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent_q} _p "
      "WHERE _p.{key} = _r.{col})",
      fmt::arg("col", col), fmt::arg("row", row), fmt::arg("table", table),
      fmt::arg("column", column),
      fmt::arg("parent", p.table), fmt::arg("ref", quote_qualified(p.schema, table)),
      fmt::arg("parent_q", qualified(p)), fmt::arg("key", quote_ident(p.key)));
}

} // namespace orchestrate
