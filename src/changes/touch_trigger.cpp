#include "changes/touch_trigger.hpp"

#include <fmt/format.h>

#include "core/ident.hpp"

namespace orchestrate {

namespace {

constexpr const char* k_named_setting = "orchestrate.touch_named";

// Leaves room for the triggers' two-character suffixes, so fitting a long name never reorders
// them.
std::string base_name(const TouchSpec& spec) {
  std::string name = "touch_" + spec.table + "_" + spec.column;
  if (name.size() > 61) {
    const std::string suffix = "_" + fnv1a_hex(name).substr(0, 8);
    name.resize(61 - suffix.size());
    name += suffix;
  }
  return name;
}

std::string row_tag() {
  return "TG_RELID::text || ':' || OLD.ctid::text";
}

std::string function_sql(const TouchSpec& spec) {
  std::string skip_new_app;
  if (spec.old_app_only) {
    skip_new_app = fmt::format(
        "  -- The new application sets the column itself.\n"
        "  IF COALESCE({} = ANY (pg_catalog.string_to_array(pg_catalog.replace("
        "pg_catalog.current_setting('{}', true), ' ', ''), ',')), false) THEN\n"
        "    RETURN NEW;\n  END IF;\n",
        quote_literal(spec.plan), k_new_app_setting);
  }
  return fmt::format(
      "CREATE OR REPLACE FUNCTION {0}() RETURNS trigger LANGUAGE plpgsql AS $orc$\n"
      "BEGIN\n"
      "  IF TG_ARGV[0] = 'named' THEN\n"
      "    -- The UPDATE names the column: what it wrote stays.\n"
      "    PERFORM pg_catalog.set_config('{1}', {2}, true);\n"
      "    RETURN NEW;\n"
      "  END IF;\n"
      "  IF pg_catalog.current_setting('{1}', true) = {2} THEN\n"
      "    PERFORM pg_catalog.set_config('{1}', '', true);\n"
      "    RETURN NEW;\n"
      "  END IF;\n"
      "{3}"
      "  NEW.{4} := pg_catalog.now();\n"
      "  RETURN NEW;\n"
      "END $orc$",
      quote_qualified(spec.schema, touch_function_name(spec)), k_named_setting, row_tag(),
      skip_new_app, quote_ident(spec.column));
}

std::string create_trigger_sql(const TouchSpec& spec,
                               const std::string& name,
                               const std::string& event,
                               const char* argument) {
  const std::string table = quote_qualified(spec.schema, spec.table);
  return fmt::format(
      "  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = {0}::regclass AND tgname = {1}) "
      "THEN\n"
      "    CREATE TRIGGER {2} BEFORE {3} ON {4} FOR EACH ROW EXECUTE FUNCTION {5}('{6}');\n"
      "  END IF;\n",
      quote_literal(table), quote_literal(name), quote_ident(name), event, table,
      quote_qualified(spec.schema, touch_function_name(spec)), argument);
}

// Fires both paths on a real row, inside a subtransaction that is always rolled back: an UPDATE
// that names the column, then one that does not.
std::string probe_sql(const TouchSpec& spec) {
  const std::string table = quote_qualified(spec.schema, spec.table);
  const std::string col = quote_ident(spec.column);
  return fmt::format(
      "DO $orc$ DECLARE _row tid; BEGIN\n"
      "  BEGIN\n"
      "    SELECT ctid INTO _row FROM {0} LIMIT 1 FOR UPDATE SKIP LOCKED;\n"
      "    IF _row IS NOT NULL THEN\n"
      "      UPDATE {0} SET {1} = {1} WHERE ctid = _row RETURNING ctid INTO _row;\n"
      "      UPDATE {0} SET {2} = {2} WHERE ctid = _row;\n"
      "    END IF;\n"
      "    RAISE SQLSTATE 'OR000';\n"
      "  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;\n"
      "  END;\nEND $orc$",
      table, col, quote_ident(spec.probe_column));
}

} // namespace

std::string touch_function_name(const TouchSpec& spec) {
  return base_name(spec);
}

std::string touch_named_trigger(const TouchSpec& spec) {
  return base_name(spec) + "_1";
}

std::string touch_advance_trigger(const TouchSpec& spec) {
  return base_name(spec) + "_2";
}

Step touch_install_step(const TouchSpec& spec, const std::string& id) {
  return {.id = id,
          .sql = function_sql(spec) + ";\nDO $orc$ BEGIN\n" +
                 create_trigger_sql(spec, touch_named_trigger(spec),
                                    "UPDATE OF " + quote_ident(spec.column), "named") +
                 create_trigger_sql(spec, touch_advance_trigger(spec), "UPDATE", "advance") +
                 "END $orc$;\n" + probe_sql(spec)};
}

std::string drop_touch_sql(const TouchSpec& spec) {
  const std::string table = quote_qualified(spec.schema, spec.table);
  return fmt::format("DROP TRIGGER IF EXISTS {} ON {};\nDROP TRIGGER IF EXISTS {} ON {};\n"
                     "DROP FUNCTION IF EXISTS {}()",
                     quote_ident(touch_named_trigger(spec)), table,
                     quote_ident(touch_advance_trigger(spec)), table,
                     quote_qualified(spec.schema, touch_function_name(spec)));
}

Check touch_check(const TouchSpec& spec, const std::string& id, bool present) {
  const std::string rel = quote_literal(quote_qualified(spec.schema, spec.table));
  const std::string names = quote_literal(touch_named_trigger(spec)) + ", " +
                            quote_literal(touch_advance_trigger(spec));
  if (present) {
    return {.id = id,
            .description = fmt::format("triggers {} and {} advance {}.{} on every UPDATE that "
                                       "does not write it",
                                       touch_named_trigger(spec), touch_advance_trigger(spec),
                                       spec.table, spec.column),
            .sql = fmt::format("SELECT count(*) = 2 FROM pg_trigger WHERE tgrelid = "
                               "to_regclass({}) AND tgname IN ({}) AND tgenabled <> 'D'",
                               rel, names)};
  }
  return {.id = id,
          .description = fmt::format("the triggers advancing {}.{} and their function dropped",
                                     spec.table, spec.column),
          .sql = fmt::format("SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = "
                             "to_regclass({}) AND tgname IN ({})) AND to_regprocedure({}) IS NULL",
                             rel, names,
                             quote_literal(quote_qualified(spec.schema, touch_function_name(spec)) +
                                           "()"))};
}

} // namespace orchestrate
