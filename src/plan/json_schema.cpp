#include "plan/json_schema.hpp"

#include "core/units.hpp"

#include <string>

#include "core/time_window.hpp"

namespace orchestrate {

namespace {
using json = nlohmann::json;

json str(const std::string& description) {
  return {{"type", "string"}, {"description", description}};
}

// SQL written by the plan's author; YAML reads `default: 0` as a number, which is fine too.
json expr(const std::string& description) {
  return {{"type", json::array({"string", "number", "boolean"})}, {"description", description}};
}

json ident(const std::string& description) {
  return {{"type", "string"},
          {"pattern", "^[A-Za-z_][A-Za-z0-9_]{0,62}$"},
          {"description", description + " (a plain name: letter or _, then letters, digits, _)"}};
}

json ident_list(const std::string& description) {
  return {{"type", "array"}, {"minItems", 1}, {"items", ident("a column")},
          {"description", description}};
}

json boolean(const std::string& description) {
  return {{"type", "boolean"}, {"description", description}};
}

json object(json properties, const std::vector<std::string>& required) {
  json o = {{"type", "object"}, {"properties", std::move(properties)},
            {"additionalProperties", false}};
  if (!required.empty()) {
    o["required"] = required;
  }
  return o;
}

json column_reference() {
  return {{"description", "the referenced column, as table(column) or {table, column}"},
          {"oneOf",
           json::array({{{"type", "string"}, {"pattern", "^[A-Za-z_][A-Za-z0-9_]*\\([A-Za-z_][A-Za-z0-9_]*\\)$"}},
                        object({{"table", ident("referenced table")},
                                {"column", ident("referenced column")}},
                               {"table", "column"})})}};
}

json referential_action(const std::string& description) {
  return {{"type", "string"},
          {"enum", {"cascade", "restrict", "no_action", "set_null", "set_default", "CASCADE",
                    "RESTRICT", "NO ACTION", "SET NULL", "SET DEFAULT"}},
          {"description", description}};
}

json match_type() {
  return {{"type", "string"},
          {"enum", {"simple", "full"}},
          {"description", "full: a key with some NULL columns must be all NULL (default simple)"}};
}

json storage_parameters() {
  return {{"type", "string"},
          {"pattern", "^\\s*[A-Za-z_][A-Za-z0-9_]*\\s*(=\\s*[A-Za-z0-9_.+-]+\\s*)?(,\\s*[A-Za-z_]"
                      "[A-Za-z0-9_]*\\s*(=\\s*[A-Za-z0-9_.+-]+\\s*)?)*$"},
          {"description", "WITH (...) of the index, e.g. fillfactor=70 (checked by PostgreSQL at "
                          "validate)"}};
}

json index_column() {
  return {{"description", "a column name, or a mapping with its operator class, collation and "
                          "order"},
          {"oneOf",
           json::array(
               {ident("a column"),
                object({{"column", ident("the column")},
                        {"opclass", ident("operator class, e.g. text_pattern_ops")},
                        {"opclass_params",
                         {{"type", "array"},
                          {"minItems", 1},
                          {"items", {{"type", "string"}, {"pattern", "^[A-Za-z_][A-Za-z0-9_]*\\s*=\\s*[A-Za-z0-9_.+-]+$"}}},
                          {"description", "the operator class's parameters, e.g. siglen=32"}}},
                        {"collate", str("collation, e.g. C")},
                        {"sort", {{"type", "string"}, {"enum", {"asc", "desc"}}}},
                        {"nulls", {{"type", "string"}, {"enum", {"first", "last"}}}}},
                       {"column"})})}};
}

// A column's own foreign key: table(column), or a mapping that may also name it and give its
// actions and deferral.
json column_foreign_key() {
  return {{"description", "the referenced column, as table(column) or a mapping"},
          {"oneOf",
           json::array(
               {{{"type", "string"},
                 {"pattern", "^[A-Za-z_][A-Za-z0-9_]*\\([A-Za-z_][A-Za-z0-9_]*\\)$"}},
                object({{"table", ident("referenced table")},
                        {"column", ident("referenced column")},
                        {"name", ident("the foreign key's name (default <table>_<column>_fkey)")},
                        {"on_delete", referential_action("what deleting the referenced row does")},
                        {"on_update", referential_action("what changing the referenced key does")},
                        {"match", match_type()},
                        {"deferrable", boolean("checked at commit when deferred (default false)")},
                        {"initially_deferred", boolean("checked at commit; implies deferrable")}},
                       {"table", "column"})})}};
}

json table_constraint() {
  return object(
      {{"name", ident("constraint name")},
       {"type", {{"type", "string"},
                 {"enum", {"unique", "check", "primary_key", "foreign_key", "exclude"}}}},
       {"columns", ident_list("its columns (unique, primary_key, foreign_key)")},
       {"check", expr("check: SQL boolean expression")},
       {"no_inherit", boolean("check: NO INHERIT")},
       {"nulls_not_distinct", boolean("unique: NULLS NOT DISTINCT")},
       {"deferrable", boolean("all but check: DEFERRABLE")},
       {"initially_deferred", boolean("all but check: INITIALLY DEFERRED (implies deferrable)")},
       {"include", ident_list("unique, primary_key, exclude: INCLUDE columns")},
       {"storage_parameters", storage_parameters()},
       {"references", object({{"table", ident("referenced table")},
                              {"columns", ident_list("referenced columns")},
                              {"on_delete", referential_action("ON DELETE")},
                              {"on_update", referential_action("ON UPDATE")},
                              {"match", match_type()}},
                             {"table", "columns"})},
       {"exclude", object({{"method", str("index method (default gist)")},
                           {"elements", str("e.g. room WITH =, during WITH &&")},
                           {"where", expr("predicate of a partial exclusion constraint")}},
                          {"elements"})}},
      {"name", "type"});
}

json remap_target() {
  return object({{"name", ident("the new column")},
                 {"type", str("its SQL type")},
                 {"up", expr("SQL expression over the old row giving its value")}},
                {"name", "type", "up"});
}

json pattern(const char* re, const char* description);

// Each change kind: its fields, and which of them are required.
json kinds() {
  json k;
  k["rename_column"] = object({{"table", ident("table")},
                               {"from", ident("current column name")},
                               {"to", ident("new column name")},
                               {"copy", boolean("false: no new column, trigger or backfill; the "
                                                "version schemas show the column under both "
                                                "names and contract renames it in place (needs "
                                                "CREATE on the database; default true)")}},
                              {"table", "from", "to"});
  k["add_column"] = object(
      {{"table", ident("table")},
       {"column", ident("new column")},
       {"type", str("SQL type, e.g. text or timestamptz")},
       {"default", expr("SQL default for new rows (volatile defaults move at contract)")},
       {"fill", expr("SQL expression for existing rows, copied by the backfill")},
       {"nullable", boolean("false adds NOT NULL through a validated CHECK (default true)")},
       {"unique", boolean("add a unique constraint (index built CONCURRENTLY)")},
       {"unique_name", ident("its name (default <table>_<column>_key)")},
       {"check", expr("SQL boolean expression, added NOT VALID then validated")},
       {"check_name", ident("its name (default <table>_<column>_check)")},
       {"check_no_inherit", boolean("the check is NO INHERIT")},
       {"references", column_foreign_key()},
       {"comment", str("COMMENT ON COLUMN, set at expand")}},
      {"table", "column", "type"});
  k["drop_column"] = object(
      {{"table", ident("table")},
       {"column", ident("column to drop")},
       {"down", expr("SQL expression over the row as the new application sees it: the "
                     "column's value in the rows it inserts, for the old application until "
                     "contract")}},
      {"table", "column"});
  k["change_type"] = object({{"table", ident("table")},
                             {"column", ident("column")},
                             {"type", str("the new SQL type")},
                             {"up", expr("old row -> new value, e.g. balance::bigint")},
                             {"down", expr("new row -> old value, e.g. balance::integer")}},
                            {"table", "column", "type"});
  k["set_not_null"] = object(
      {{"table", ident("table")},
       {"column", ident("column")},
       {"fill", expr("SQL expression for rows where the column is NULL (or give up)")},
       {"up", expr("instead of fill: old row -> the new value of every row, never NULL")},
       {"down", expr("new row -> the old column's value (default: the column itself)")}},
      {"table", "column"});
  k["drop_not_null"] = object(
      {{"table", ident("table")},
       {"column", ident("a NOT NULL column that may hold NULL after contract")},
       {"down", expr("SQL expression over the new row: what the old application reads where the "
                     "new one writes NULL")}},
      {"table", "column", "down"});
  k["split_column"] = object(
      {{"table", ident("table")},
       {"from", ident("the column to split")},
       {"into", {{"type", "array"}, {"minItems", 2}, {"items", remap_target()}}},
       {"down", expr("SQL expression over the new columns rebuilding the old one")}},
      {"table", "from", "into", "down"});
  k["merge_columns"] = object(
      {{"table", ident("table")},
       {"from", {{"type", "array"}, {"minItems", 2}, {"items", ident("a column")}}},
       {"into", remap_target()},
       {"down", {{"type", "object"},
                 {"description", "each column of `from` mapped to an SQL expression over the "
                                 "new column"},
                 {"additionalProperties", expr("SQL expression")}}}},
      {"table", "from", "into", "down"});
  k["add_check"] = object(
      {{"table", ident("table")},
       {"name", ident("constraint name")},
       {"check", expr("SQL boolean expression")},
       {"no_inherit", boolean("NO INHERIT: the check does not reach the table's children")},
       {"column", ident("with up: the column whose rows up rewrites to satisfy the check")},
       {"up", expr("old row -> the column's new value, which satisfies the check")},
       {"down", expr("new row -> the old column's value (default: the column itself)")}},
      {"table", "name", "check"});
  k["add_unique"] = object(
      {{"table", ident("table")},
       {"name", ident("constraint name")},
       {"columns", ident_list("columns of the unique key")},
       {"include", ident_list("INCLUDE columns, stored in the index but not part of the key")},
       {"nulls_not_distinct", boolean("NULLS NOT DISTINCT: one NULL key at most")},
       {"deferrable", boolean("DEFERRABLE, attached at contract (default false)")},
       {"initially_deferred", boolean("INITIALLY DEFERRED; implies deferrable")},
       {"storage_parameters", storage_parameters()},
       {"column", ident("with up: the column of the key whose rows up rewrites to be unique")},
       {"up", expr("old row -> the column's new value, unique over the key")},
       {"down", expr("new row -> the old column's value (default: the column itself)")}},
      {"table", "name", "columns"});
  k["add_foreign_key"] = object(
      {{"table", ident("table")},
       {"name", ident("constraint name")},
       {"columns", ident_list("referencing columns")},
       {"references", object({{"table", ident("referenced table")},
                              {"columns", ident_list("referenced columns")}},
                             {"table", "columns"})},
       {"on_delete", referential_action("what deleting the referenced row does")},
       {"on_update", referential_action("what changing the referenced key does")},
       {"match", match_type()},
       {"deferrable", boolean("checked at commit when a transaction defers it (default false)")},
       {"initially_deferred", boolean("checked at commit unless a transaction says otherwise; "
                                      "implies deferrable (default false)")},
       {"column", ident("with up: the referencing column whose rows up rewrites to name a row")},
       {"up", expr("old row -> the column's new value, which names a referenced row (or NULL)")},
       {"down", expr("new row -> the old column's value (default: the column itself)")}},
      {"table", "name", "columns", "references"});
  k["add_primary_key"] = object(
      {{"table", ident("a table without a primary key (or one an earlier change creates)")},
       {"columns", ident_list("the key columns, made NOT NULL at contract")},
       {"name", ident("constraint and index name (default <table>_pkey)")}},
      {"table", "columns"});
  k["add_exclusion"] = object(
      {{"table", ident("table")},
       {"name", ident("constraint (and index) name")},
       {"method", ident("index access method (default gist)")},
       {"elements", str("the constraint's elements, e.g. \"room WITH =, during WITH &&\"")},
       {"where", expr("predicate: only rows matching it are constrained")},
       {"deferrable", boolean("DEFERRABLE (default false)")},
       {"initially_deferred", boolean("INITIALLY DEFERRED (needs deferrable; default false)")},
       {"max_table_size",
        pattern(k_size_pattern, "the largest table (pg_total_relation_size) the plan accepts an "
                                "ACCESS EXCLUSIVE lock on while the constraint builds at "
                                "contract (default 1MB), e.g. 4MB")}},
      {"table", "name", "elements"});
  k["drop_constraint"] = object(
      {{"table", ident("table")},
       {"name", ident("the check, unique or foreign-key constraint to drop at contract")},
       {"columns", ident_list("its columns (checked against the constraint); one column with "
                              "up/down")},
       {"up", expr("SQL expression over the old row: the new column's value for the old "
                   "application's writes (default: the column itself)")},
       {"down", expr("SQL expression over the new row: a value the constraint accepts, for the "
                     "old application's column (required with up)")}},
      {"table", "name"});
  k["create_index"] = object(
      {{"table", ident("table")},
       {"name", ident("index name")},
       {"columns", {{"type", "array"},
                    {"minItems", 1},
                    {"items", index_column()},
                    {"description", "indexed columns (or give `expression`)"}}},
       {"expression", expr("an index expression instead of columns, e.g. lower(email)")},
       {"unique", boolean("a unique index")},
       {"where", expr("predicate of a partial index")},
       {"method", str("access method: btree (default), hash, gin, gist, brin, spgist")},
       {"storage_parameters", storage_parameters()}},
      {"table", "name"});
  k["drop_index"] = object(
      {{"table", ident("the index's table (optional; checked when given)")},
       {"name", ident("index to drop CONCURRENTLY at contract (not one backing a constraint)")}},
      {"name"});
  k["set_comment"] = object(
      {{"table", ident("table")},
       {"column", ident("column (omit to comment on the table)")},
       {"comment", {{"type", json::array({"string", "null"})},
                    {"description", "the comment, set at expand; null (or '') removes it"}}}},
      {"table", "comment"});
  k["set_replica_identity"] = object(
      {{"table", ident("table")},
       {"identity", {{"type", "string"},
                     {"enum", {"default", "full", "nothing", "DEFAULT", "FULL", "NOTHING"}},
                     {"description", "what UPDATE and DELETE log of the old row, set at expand "
                                     "(or give `index`)"}}},
       {"index", ident("a unique, not partial, not deferrable index over NOT NULL columns "
                       "(REPLICA IDENTITY USING INDEX)")}},
      {"table"});
  k["rename_constraint"] = object(
      {{"table", ident("table")},
       {"from", ident("current constraint name")},
       {"to", ident("new constraint name, taken at contract")}},
      {"table", "from", "to"});
  k["set_default"] = object(
      {{"table", ident("table")},
       {"column", ident("column")},
       {"default", expr("the new SQL default: the new application's from transition on, the "
                        "table's at contract")}},
      {"table", "column", "default"});
  k["drop_default"] = object(
      {{"table", ident("table")},
       {"column", ident("column whose default goes: for the new application from transition "
                        "on, on the table at contract")}},
      {"table", "column"});
  k["alter_column"] = object(
      {{"table", ident("table")},
       {"column", ident("the column to change; with one other key this is the single kind "
                        "(change_type, set_not_null, drop_not_null, set_default, drop_default, "
                        "set_comment, add_unique, add_check, add_foreign_key)")},
       {"type", str("the new SQL type")},
       {"up", expr("old row -> the column's new value (every change then goes through one "
                   "shadow column)")},
       {"down", expr("new row -> the old column's value, for the old application")},
       {"default", {{"type", json::array({"string", "number", "boolean", "null"})},
                    {"description", "the new SQL default; null drops it"}}},
       {"nullable", boolean("false: NOT NULL (give up); true: NULL allowed (give down)")},
       {"unique", {{"oneOf", json::array({boolean("a unique constraint named "
                                                  "<table>_<column>_key"),
                                          object({{"name", ident("constraint name")}}, {})})}}},
       {"check", object({{"name", ident("constraint name")},
                         {"expression", expr("SQL boolean expression")},
                         {"no_inherit", boolean("NO INHERIT")}},
                        {"name", "expression"})},
       {"references", column_foreign_key()},
       {"comment", {{"type", json::array({"string", "null"})},
                    {"description", "the column's comment; null removes it"}}}},
      {"table", "column"});
  k["rename_table"] = object({{"from", ident("current table name")},
                              {"to", ident("new table name")}},
                             {"from", "to"});
  k["create_table"] = object(
      {{"table", ident("new table")},
       {"columns",
        {{"type", "array"},
         {"minItems", 1},
         {"items",
          object({{"name", ident("column")},
                  {"type", str("SQL type")},
                  {"nullable", boolean("default true")},
                  {"default", expr("SQL default")},
                  {"primary_key", boolean("this column is the primary key")},
                  {"references", column_foreign_key()},
                  {"comment", str("COMMENT ON COLUMN, set with the table")},
                  {"unique", boolean("a unique constraint on this column")},
                  {"unique_name", ident("its name (default <table>_<column>_key)")},
                  {"check", expr("a CHECK constraint on this column")},
                  {"check_name", ident("its name (default <table>_<column>_check)")},
                  {"check_no_inherit", boolean("the check is NO INHERIT")},
                  {"generated", expr("GENERATED ALWAYS AS (expression) STORED")},
                  {"identity", {{"type", "string"},
                                {"enum", {"always", "by_default"}},
                                {"description", "GENERATED ALWAYS or BY DEFAULT AS IDENTITY"}}},
                  {"identity_options", str("sequence options as CREATE SEQUENCE takes them, "
                                           "e.g. START WITH 10 INCREMENT BY 2")}},
                 {"name", "type"})}}},
       {"primary_key", {{"oneOf", json::array({ident("a column"), ident_list("key columns")})}}},
       {"primary_key_name", ident("the primary key's name (default <table>_pkey)")},
       {"constraints", {{"type", "array"}, {"minItems", 1}, {"items", table_constraint()}}},
       {"comment", str("COMMENT ON TABLE, set with the table")}},
      {"table", "columns"});
  k["add_timestamps"] = object(
      {{"table", ident("table without creation/update timestamps")},
       {"fill", expr("existing rows' created_at (and updated_at): a constant, a column, or now() "
                     "for the backfill's transaction time")},
       {"updated_fill", expr("existing rows' updated_at, when it differs from fill")},
       {"created_at", ident("name of the creation column (default created_at)")},
       {"updated_at", ident("name of the update column (default updated_at)")},
       {"type", {{"type", "string"},
                 {"enum", {"timestamptz", "timestamp with time zone", "timestamp",
                           "timestamp without time zone"}}}},
       {"default", expr("SQL default for new rows (default now())")},
       {"updated_by", {{"type", "string"},
                       {"enum", {"database", "application"}},
                       {"description", "database: a trigger advances updated_at and stays after "
                                       "contract (default); application: the new application "
                                       "sets it, the trigger covers the old one until contract"}}}},
      {"table", "fill"});
  k["explode_list"] = object(
      {{"table", ident("table holding the delimited string")},
       {"column", ident("the string column, dropped at contract")},
       {"into", ident("the join table created at expand")},
       {"references", column_reference()},
       {"delimiter", str("what separates the items (default ,)")},
       {"owner_column", ident("join table column pointing at the table (default <table>_id, "
                              "singular)")},
       {"item_column", ident("join table column holding an item (default <referenced table>_id, "
                             "singular)")},
       {"malformed", {{"type", "string"},
                      {"enum", {"refuse", "skip"}},
                      {"description", "refuse (default): validate refuses the plan while rows "
                                      "hold items that are not integers or name no row; skip: "
                                      "they get no join row"}}}},
      {"table", "column", "into", "references"});
  k["surrogate_key"] = object(
      {{"table", ident("table keyed by a meaningful value (its single-column primary key)")},
       {"column", ident("the surrogate key column, an identity column after contract (default "
                        "id)")},
       {"type", {{"type", "string"},
                 {"enum", {"bigint", "integer"}},
                 {"description", "the surrogate's type (default bigint)"}}},
       {"referencing",
        {{"type", "array"},
         {"minItems", 1},
         {"description", "the foreign keys to move to the surrogate (default: every foreign key "
                         "referencing the natural key, found in the live catalog)"},
         {"items", object({{"table", ident("referencing table")},
                           {"column", ident("its column holding the natural key, dropped at "
                                            "contract")},
                           {"new_column", ident("its new column holding the surrogate (default: "
                                                "the column with _<key> replaced by _<column>, "
                                                "else <table, singular>_<column>)")}},
                          {"table", "column"})}}}},
      {"table"});
  k["drop_table"] = object({{"table", ident("table to drop at contract")}}, {"table"});
  k["sql"] = object({{"up", expr("SQL run at expand (at contract with on_complete), in one "
                                "transaction; must be safe to run twice")},
                     {"down", expr("SQL that undoes `up`, run by rollback; without it, rollback "
                                   "past this change is refused (not with on_complete)")},
                     {"on_complete", boolean("true: `up` runs at contract instead of expand "
                                             "(default false)")}},
                    {"up"});
  return k;
}

json change_schema() {
  json one_of = json::array();
  const json all = kinds();
  for (const auto& [kind, fields] : all.items()) {
    one_of.push_back(object({{kind, fields}}, {kind}));
  }
  return {{"description", "one change: a mapping with exactly one key, the change kind"},
          {"oneOf", one_of}};
}

json gates_schema() {
  const json checks = {{"type", "array"},
                       {"items", object({{"name", str("check name")},
                                         {"sql", expr("SQL returning one boolean")}},
                                        {"name", "sql"})}};
  json props;
  for (const char* phase : {"expand", "dual_write", "backfill", "transition", "contract"}) {
    props[phase] = checks;
  }
  return object(props, {});
}

// A string matching all of `re` (a std::regex ECMAScript pattern, which JSON Schema shares).
json pattern(const char* re, const char* description) {
  return {{"type", "string"},
          {"pattern", std::string("^") + re + "$"},
          {"description", description}};
}

} // namespace

json backfill_json_schema() {
  return object(
      {{"batch_size", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10000000}}},
       {"max_rows_per_second", {{"type", "number"}, {"minimum", 1}}},
       {"window", {{"type", "string"},
                   {"pattern", std::string("^") + k_time_window_pattern + "$"},
                   {"description", "HH:MM-HH:MM (or H:MM), the hours the backfill may run"}}},
       {"workers", {{"type", "integer"}, {"minimum", 1}, {"maximum", 64}}},
       {"target_batch_ms", {{"type", "integer"}, {"minimum", 1}, {"maximum", 600000}}},
       {"max_replica_lag", pattern(k_duration_pattern,
                                   "hold while a standby is further behind than this, e.g. 2s")},
       {"max_replica_lag_bytes",
        pattern(k_size_pattern, "hold while a standby has more WAL than this to replay, e.g. 64MB")},
       {"replicas", {{"type", "array"},
                     {"items", {{"type", "string"}, {"minLength", 1}}},
                     {"description", "the standbys (application_name) the lag limits watch; "
                                     "default every standby"}}},
       {"max_wal_rate", pattern(k_rate_pattern, "hold while the server writes WAL faster than "
                                                "this many bytes a second, e.g. 16MB")},
       {"max_xact_age", pattern(k_duration_pattern, "hold while a transaction open longer than "
                                                    "this pins the xmin horizon, e.g. 10min")}},
      {});
}

json plan_json_schema() {
  json schema = object(
      {{"name", {{"type", "string"},
                 {"pattern", "^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$"},
                 {"description", "plan name (defaults to the file's stem)"}}},
       {"description", str("what the plan does, for people")},
       {"schema", ident("the schema the tables live in (default public)")},
       {"version_schema", {{"type", "string"},
                           {"pattern", "^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$"},
                           {"description", "the new application's version schema (default: the "
                                           "plan's name); the old application's is this name "
                                           "with _old"}}},
       {"changes", {{"type", "array"}, {"minItems", 1}, {"items", change_schema()}}},
       {"backfill", backfill_json_schema()},
       {"gates", gates_schema()},
       {"hooks", str("directory of event hooks (a relative path is taken from the working directory of `orchestrate next`)")}},
      {"changes"});
  schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  schema["title"] = "orchestrate change plan";
  return schema;
}

} // namespace orchestrate
