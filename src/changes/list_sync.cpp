#include "changes/list_sync.hpp"

#include <fmt/format.h>

#include "core/ident.hpp"

namespace orchestrate {

namespace {

constexpr const char* k_sync_setting = "orchestrate.list_sync";

std::string qualified(const ListSync& s, const std::string& name) {
  return quote_qualified(s.schema, name);
}

std::string forward_function(const ListSync& s) {
  return helper_name("list", s.table, s.column);
}
std::string back_function(const ListSync& s) {
  return helper_name("list_back", s.into);
}
std::string fill_function(const ListSync& s) {
  return helper_name("list_fill", s.table, s.column);
}
std::string mark_trigger(const ListSync& s) {
  return helper_name("list_mark", s.table, s.column);
}
std::string insert_trigger(const ListSync& s) {
  return helper_name("list_ins", s.table, s.column);
}
std::string update_trigger(const ListSync& s) {
  return helper_name("list_upd", s.table, s.column);
}
std::string back_trigger(const ListSync& s) {
  return helper_name("list_back", s.into);
}

// The item `_x` as a bigint, or NULL when it is not an integer that fits (never an error).
std::string item_value() {
  return "CASE WHEN pg_catalog.btrim(_x) ~ '^-?[0-9]{1,18}$' THEN pg_catalog.btrim(_x)::bigint "
         "END";
}

std::string split(const ListSync& s, const std::string& list) {
  return fmt::format("pg_catalog.unnest(pg_catalog.string_to_array({}, {})) AS _x", list,
                     quote_literal(s.delimiter));
}

// The items of the string `list`: distinct integers that name a parent row, as column `item`.
std::string items(const ListSync& s, const std::string& list) {
  return fmt::format("SELECT DISTINCT _v.item FROM {}, LATERAL (SELECT {} AS item) AS _v "
                     "WHERE _v.item IS NOT NULL AND EXISTS (SELECT 1 FROM {} _p WHERE _p.{} = "
                     "_v.item)",
                     split(s, list), item_value(), qualified(s, s.parent),
                     quote_ident(s.parent_column));
}

std::string insert_items(const ListSync& s, const std::string& owner, const std::string& list) {
  return fmt::format("INSERT INTO {} ({}, {}) SELECT {}, _i.item FROM ({}) AS _i ON CONFLICT DO "
                     "NOTHING",
                     qualified(s, s.into), quote_ident(s.owner_column),
                     quote_ident(s.item_column), owner, items(s, list));
}

std::string sync_on(bool on) {
  return fmt::format("PERFORM pg_catalog.set_config('{}', '{}', true);", k_sync_setting,
                     on ? "on" : "");
}

std::string forward_sql(const ListSync& s) {
  const std::string side = quote_ident(list_side_column(s));
  const std::string col = quote_ident(s.column);
  const std::string owner = "NEW." + quote_ident(s.key);
  return fmt::format(
      "CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $orc$\n"
      "BEGIN\n"
      "  IF TG_WHEN = 'BEFORE' THEN\n"
      "    -- The sync's own writes and the backfill set the marker themselves.\n"
      "    IF pg_catalog.current_setting('{setting}', true) = 'on' THEN\n"
      "      RETURN NEW;\n"
      "    END IF;\n"
      "    IF TG_OP = 'INSERT' THEN\n"
      "      NEW.{side} := 'o';\n"
      "    ELSIF NEW.{side} IS NOT DISTINCT FROM OLD.{side} AND NEW.{col} IS DISTINCT FROM "
      "OLD.{col} THEN\n"
      "      NEW.{side} := 'o';\n"
      "    END IF;\n"
      "    RETURN NEW;\n"
      "  END IF;\n"
      "  -- The old application wrote the string: the row's join rows become its items.\n"
      "  {on}\n"
      "  DELETE FROM {into} _j WHERE _j.{owner_col} = {owner} AND _j.{item_col} NOT IN ({items});\n"
      "  {insert};\n"
      "  {off}\n"
      "  RETURN NULL;\n"
      "END $orc$",
      fmt::arg("fn", qualified(s, forward_function(s))), fmt::arg("setting", k_sync_setting),
      fmt::arg("side", side), fmt::arg("col", col), fmt::arg("on", sync_on(true)),
      fmt::arg("off", sync_on(false)), fmt::arg("into", qualified(s, s.into)),
      fmt::arg("owner_col", quote_ident(s.owner_column)), fmt::arg("owner", owner),
      fmt::arg("item_col", quote_ident(s.item_column)),
      fmt::arg("items", items(s, "NEW." + col)),
      fmt::arg("insert", insert_items(s, owner, "NEW." + col)));
}

std::string canonical(const ListSync& s, const std::string& owner) {
  return fmt::format("(SELECT pg_catalog.string_agg(_j.{0}::text, {1} ORDER BY _j.{0}) FROM {2} "
                     "_j WHERE _j.{3} = {4})",
                     quote_ident(s.item_column), quote_literal(s.delimiter),
                     qualified(s, s.into), quote_ident(s.owner_column), owner);
}

std::string back_sql(const ListSync& s) {
  const std::string table = qualified(s, s.table);
  const std::string side = quote_ident(list_side_column(s));
  return fmt::format(
      "CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $orc$\n"
      "DECLARE\n"
      "  _owners {type}[] := '{{}}';\n"
      "  _owner {type};\n"
      "BEGIN\n"
      "  -- Writes the sync makes, and writes another trigger makes, are not the new application's:\n"
      "  -- the string stays as written.\n"
      "  IF pg_catalog.current_setting('{setting}', true) = 'on' OR pg_catalog.pg_trigger_depth() "
      "> 1 THEN\n"
      "    RETURN NULL;\n"
      "  END IF;\n"
      "  -- A join row that goes with its parent row (a cascade, fired after the statement that\n"
      "  -- deleted the parent): the string may go on naming it, since an item naming no row has\n"
      "  -- no join row.\n"
      "  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM {parent} _p WHERE _p.{parent_col} = "
      "OLD.{item_col}) THEN\n"
      "    RETURN NULL;\n"
      "  END IF;\n"
      "  IF TG_OP <> 'INSERT' THEN\n    _owners := _owners || OLD.{owner_col};\n  END IF;\n"
      "  IF TG_OP <> 'DELETE' THEN\n    _owners := _owners || NEW.{owner_col};\n  END IF;\n"
      "  {on}\n"
      "  FOREACH _owner IN ARRAY _owners LOOP\n"
      "    -- A row the backfill has not reached: its string's items join first, so none is lost.\n"
      "    INSERT INTO {into} ({owner_col}, {item_col}) SELECT _owner, _i.item FROM {table} _t, "
      "LATERAL ({items}) AS _i WHERE _t.{key} = _owner AND _t.{side} = '0' ON CONFLICT DO "
      "NOTHING;\n"
      "    UPDATE {table} SET {col} = {canonical}, {side} = 'n' WHERE {key} = _owner;\n"
      "  END LOOP;\n"
      "  {off}\n"
      "  RETURN NULL;\n"
      "END $orc$",
      fmt::arg("fn", qualified(s, back_function(s))), fmt::arg("type", s.key_type),
      fmt::arg("parent", qualified(s, s.parent)), fmt::arg("parent_col", quote_ident(s.parent_column)),
      fmt::arg("setting", k_sync_setting), fmt::arg("owner_col", quote_ident(s.owner_column)),
      fmt::arg("item_col", quote_ident(s.item_column)), fmt::arg("on", sync_on(true)),
      fmt::arg("off", sync_on(false)), fmt::arg("into", qualified(s, s.into)),
      fmt::arg("table", table), fmt::arg("items", items(s, "_t." + quote_ident(s.column))),
      fmt::arg("key", quote_ident(s.key)), fmt::arg("side", side),
      fmt::arg("col", quote_ident(s.column)), fmt::arg("canonical", canonical(s, "_owner")));
}

std::string fill_sql(const ListSync& s) {
  return fmt::format("CREATE OR REPLACE FUNCTION {}(_owner {}, _list text) RETURNS \"char\" "
                     "LANGUAGE plpgsql AS $orc$\n"
                     "BEGIN\n"
                     "  {}\n"
                     "  {};\n"
                     "  {}\n"
                     "  RETURN 'b';\n"
                     "END $orc$",
                     qualified(s, fill_function(s)), s.key_type, sync_on(true),
                     insert_items(s, "_owner", "_list"), sync_on(false));
}

std::string trigger_sql(const std::string& table,
                        const std::string& name,
                        const std::string& when_event,
                        const std::string& condition,
                        const std::string& function) {
  return fmt::format(
      "  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = {0}::regclass AND tgname = {1}) "
      "THEN\n"
      "    CREATE TRIGGER {2} {3} ON {4} FOR EACH ROW {5}EXECUTE FUNCTION {6}();\n"
      "  END IF;\n",
      quote_literal(table), quote_literal(name), quote_ident(name), when_event, table,
      condition.empty() ? "" : "WHEN (" + condition + ") ", function);
}

std::string trigger_names(const ListSync& s) {
  return fmt::format("{}, {}, {}", quote_literal(mark_trigger(s)), quote_literal(insert_trigger(s)),
                     quote_literal(update_trigger(s)));
}

std::string function_list(const ListSync& s) {
  return fmt::format("{}, {}, {}", quote_literal(qualified(s, forward_function(s)) + "()"),
                     quote_literal(qualified(s, back_function(s)) + "()"),
                     quote_literal(qualified(s, fill_function(s)) + "(" + s.key_type + ", text)"));
}

} // namespace

std::string list_side_column(const ListSync& s) {
  return helper_name("side", s.table, s.column);
}

std::string list_create_table_sql(const ListSync& s) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {into} (\n"
      "  {owner} {key_type} NOT NULL REFERENCES {table} ({key}) ON DELETE CASCADE ON UPDATE "
      "CASCADE,\n"
      "  {item} {item_type} NOT NULL REFERENCES {parent} ({parent_col}) ON DELETE CASCADE ON "
      "UPDATE CASCADE,\n"
      "  PRIMARY KEY ({owner}, {item}));\n"
      "CREATE INDEX IF NOT EXISTS {index} ON {into} ({item})",
      fmt::arg("into", qualified(s, s.into)), fmt::arg("owner", quote_ident(s.owner_column)),
      fmt::arg("key_type", s.key_type), fmt::arg("table", qualified(s, s.table)),
      fmt::arg("key", quote_ident(s.key)), fmt::arg("item", quote_ident(s.item_column)),
      fmt::arg("item_type", s.item_type), fmt::arg("parent", qualified(s, s.parent)),
      fmt::arg("parent_col", quote_ident(s.parent_column)),
      fmt::arg("index", quote_ident(fit_identifier(s.into + "_" + s.item_column + "_idx"))));
}

std::string list_install_sql(const ListSync& s) {
  const std::string table = qualified(s, s.table);
  const std::string side = quote_ident(list_side_column(s));
  const std::string col = quote_ident(s.column);
  const std::string fwd = qualified(s, forward_function(s));
  return forward_sql(s) + ";\n" + back_sql(s) + ";\n" + fill_sql(s) + ";\nDO $orc$ BEGIN\n" +
         trigger_sql(table, mark_trigger(s), "BEFORE INSERT OR UPDATE", "", fwd) +
         trigger_sql(table, insert_trigger(s), "AFTER INSERT", "NEW." + side + " = 'o'", fwd) +
         trigger_sql(table, update_trigger(s), "AFTER UPDATE",
                     fmt::format("NEW.{0} = 'o' AND NEW.{1} IS DISTINCT FROM OLD.{1}", side, col),
                     fwd) +
         trigger_sql(qualified(s, s.into), back_trigger(s), "AFTER INSERT OR UPDATE OR DELETE", "",
                     qualified(s, back_function(s))) +
         "END $orc$";
}

std::string list_drop_sql(const ListSync& s) {
  const std::string table = qualified(s, s.table);
  std::string out;
  for (const auto& t : {mark_trigger(s), insert_trigger(s), update_trigger(s)}) {
    out += fmt::format("DROP TRIGGER IF EXISTS {} ON {};\n", quote_ident(t), table);
  }
  // The join table may be gone already (a rollback drops it first).
  out += fmt::format("DO $orc$ BEGIN\n  IF to_regclass({0}) IS NOT NULL THEN\n"
                     "    DROP TRIGGER IF EXISTS {1} ON {2};\n  END IF;\nEND $orc$;\n",
                     quote_literal(qualified(s, s.into)), quote_ident(back_trigger(s)),
                     qualified(s, s.into));
  out += fmt::format("DROP FUNCTION IF EXISTS {}();\nDROP FUNCTION IF EXISTS {}();\n"
                     "DROP FUNCTION IF EXISTS {}({}, text)",
                     qualified(s, forward_function(s)), qualified(s, back_function(s)),
                     qualified(s, fill_function(s)), s.key_type);
  return out;
}

std::vector<Assignment> list_backfill_assignments(const ListSync& s) {
  return {{.column = list_side_column(s),
           .value = fmt::format("{}({}, {})", qualified(s, fill_function(s)), quote_ident(s.key),
                                quote_ident(s.column)),
           .type = "\"char\""}};
}

std::string list_pending_sql(const ListSync& s) {
  return fmt::format("{}.{} = '0'", qualified(s, s.table), quote_ident(list_side_column(s)));
}

std::string list_invalid_sql(const ListSync& s) {
  const std::string row = qualified(s, s.table) + ".";
  return fmt::format(
      "{pending} OR ARRAY(SELECT _i.item FROM ({items}) AS _i ORDER BY 1) IS DISTINCT FROM "
      "ARRAY(SELECT _j.{item}::bigint FROM {into} _j WHERE _j.{owner} = {row}{key} ORDER BY 1)",
      fmt::arg("pending", list_pending_sql(s)),
      fmt::arg("items", items(s, row + quote_ident(s.column))),
      fmt::arg("item", quote_ident(s.item_column)), fmt::arg("into", qualified(s, s.into)),
      fmt::arg("owner", quote_ident(s.owner_column)), fmt::arg("row", row),
      fmt::arg("key", quote_ident(s.key)));
}

std::string list_malformed_sql(const ListSync& s) {
  return fmt::format(
      "SELECT count(*)::bigint, coalesce(min(_t.{key}::text), ''), 'items that are not integers "
      "or name no row of {parent}, e.g. ' || coalesce(quote_literal(min(_t.{col}::text)), '') "
      "FROM {table} _t WHERE EXISTS (SELECT 1 FROM {split} WHERE pg_catalog.btrim(_x) <> '' AND "
      "NOT EXISTS (SELECT 1 FROM {parent_q} _p WHERE _p.{parent_col} = {value}))",
      fmt::arg("key", quote_ident(s.key)), fmt::arg("parent", s.parent),
      fmt::arg("col", quote_ident(s.column)), fmt::arg("table", qualified(s, s.table)),
      fmt::arg("split", split(s, "_t." + quote_ident(s.column))),
      fmt::arg("parent_q", qualified(s, s.parent)),
      fmt::arg("parent_col", quote_ident(s.parent_column)), fmt::arg("value", item_value()));
}

std::string list_triggers_present_sql(const ListSync& s) {
  return fmt::format(
      "SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass({}) AND tgname IN ({}) "
      "AND tgenabled <> 'D') = 3 AND EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = "
      "to_regclass({}) AND tgname = {} AND tgenabled <> 'D')",
      quote_literal(qualified(s, s.table)), trigger_names(s), quote_literal(qualified(s, s.into)),
      quote_literal(back_trigger(s)));
}

std::string list_triggers_gone_sql(const ListSync& s) {
  const auto fns = function_list(s);
  return fmt::format(
      "SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid IN (to_regclass({}), "
      "to_regclass({})) AND tgname IN ({}, {})) AND NOT EXISTS (SELECT 1 FROM unnest(ARRAY[{}]) "
      "f WHERE to_regprocedure(f) IS NOT NULL)",
      quote_literal(qualified(s, s.table)), quote_literal(qualified(s, s.into)), trigger_names(s),
      quote_literal(back_trigger(s)), fns);
}

} // namespace orchestrate
