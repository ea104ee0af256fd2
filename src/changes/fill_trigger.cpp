#include "changes/fill_trigger.hpp"

#include <fmt/format.h>

#include "core/ident.hpp"

namespace orchestrate {

namespace {

// The value evaluated over `alias`'s columns, each exposed under its own name, so the
// expression reads exactly as it does in the backfill's UPDATE.
std::string value_over(const FillSpec& spec, const std::string& alias) {
  std::string cols;
  for (const auto& c : spec.row_columns) {
    cols += fmt::format("{}{}.{} AS {}", cols.empty() ? "" : ", ", alias, quote_ident(c),
                        quote_ident(c));
  }
  if (cols.empty()) {
    return "(" + spec.value + ")";
  }
  return fmt::format("(SELECT ({}) FROM (SELECT {}) AS _row)", spec.value, cols);
}

} // namespace

std::string fill_function_sql(const FillSpec& spec) {
  const std::string col = "NEW." + quote_ident(spec.column);
  std::string body = "BEGIN\n";
  body += fmt::format("  IF {} IS NULL THEN\n", col);
  if (!spec.not_null) {
    body += fmt::format("    IF TG_OP = 'UPDATE' THEN\n"
                        "      IF OLD.{} IS NOT NULL THEN\n        RETURN NEW;\n      END IF;\n"
                        "    END IF;\n",
                        quote_ident(spec.column));
  }
  body += fmt::format("    {} := {};\n", col, value_over(spec, "NEW"));
  body += "  END IF;\n  RETURN NEW;\nEND;\n";
  return fmt::format(
      "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $orc$\n{}$orc$",
      quote_qualified(spec.schema, spec.function), body);
}

std::string fill_trigger_sql(const FillSpec& spec) {
  return fmt::format(
      "DO $orc$ BEGIN\n"
      "  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = {}::regclass AND tgname = {}) "
      "THEN\n"
      "    CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW {} EXECUTE FUNCTION "
      "{}();\n"
      "  END IF;\nEND $orc$",
      quote_literal(quote_qualified(spec.schema, spec.table)), quote_literal(spec.trigger),
      quote_ident(spec.trigger), quote_qualified(spec.schema, spec.table),
      skip_backfill_when_clause(), quote_qualified(spec.schema, spec.function));
}

std::string drop_fill_sql(const FillSpec& spec) {
  return fmt::format("DROP TRIGGER IF EXISTS {} ON {};\nDROP FUNCTION IF EXISTS {}()",
                     quote_ident(spec.trigger), quote_qualified(spec.schema, spec.table),
                     quote_qualified(spec.schema, spec.function));
}

std::vector<Check> fill_gate_checks(const FillSpec& spec,
                                    const std::vector<std::string>& key,
                                    const std::string& id_prefix) {
  const std::string table = quote_qualified(spec.schema, spec.table);
  std::vector<Check> checks;
  checks.push_back(
      {id_prefix + ".trigger", fmt::format("trigger {} present and enabled", spec.trigger),
       fmt::format("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass({}) "
                   "AND tgname = {} AND tgenabled IN ('O', 'A'))",
                   quote_literal(table), quote_literal(spec.trigger)),
       false, std::nullopt});
  if (key.empty()) {
    return checks;
  }
  std::string key_cols;
  std::string key_match;
  for (std::size_t i = 0; i < key.size(); ++i) {
    key_cols += fmt::format("{}{}", i ? ", " : "", quote_ident(key[i]));
    key_match += fmt::format("{}t.{} = a.{}", i ? " AND " : "", quote_ident(key[i]),
                             quote_ident(key[i]));
  }
  const std::string col = quote_ident(spec.column);
  // A nullable column is only filled on rows that are still NULL, so the probe picks one.
  const std::string pick = spec.not_null ? "" : fmt::format(" WHERE {} IS NULL", col);
  checks.push_back(
      {id_prefix + ".probe_fill",
       fmt::format("a write that leaves {} NULL gets it filled (rolled back)", spec.column),
       fmt::format("WITH a AS (SELECT {0} FROM {1}{2} ORDER BY {0} LIMIT 1),\n"
                   "     u AS (UPDATE {1} t SET {3} = NULL FROM a WHERE {4} RETURNING t.*)\n"
                   "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true\n"
                   "            ELSE COALESCE((SELECT bool_and(u.{3} IS NOT NULL OR {5} IS NULL) "
                   "FROM u), false) END",
                   key_cols, table, pick, col, key_match, value_over(spec, "u")),
       true, std::nullopt});
  return checks;
}

Check fill_gone_check(const FillSpec& spec, const std::string& id_prefix) {
  return {id_prefix + ".fill_gone",
          fmt::format("trigger {} and function {} dropped", spec.trigger, spec.function),
          fmt::format("SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = {} AND tgrelid = "
                      "to_regclass({})) AND to_regprocedure({}) IS NULL",
                      quote_literal(spec.trigger),
                      quote_literal(quote_qualified(spec.schema, spec.table)),
                      quote_literal(quote_qualified(spec.schema, spec.function) + "()")),
          false, std::nullopt};
}

} // namespace orchestrate
