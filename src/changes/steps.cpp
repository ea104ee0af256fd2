#include "changes/steps.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>
#include <set>

#include "core/errors.hpp"
#include "core/ident.hpp"
#include "plan/fields.hpp"

namespace orchestrate {

namespace {
// `statement` in a DO block that runs it only while `condition` holds, so the step can run again.
std::string guarded_sql(const std::string& condition, const std::string& statement) {
  return fmt::format("DO $orc$ BEGIN\n  IF {} THEN\n    {};\n  END IF;\nEND $orc$", condition,
                     statement);
}

std::string constraint_exists(const std::string& qualified_table,
                              const std::string& name,
                              const std::string& extra = "") {
  return fmt::format("EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = {}::regclass AND "
                     "conname = {}{})",
                     quote_literal(qualified_table), quote_literal(name), extra);
}
} // namespace

std::string add_constraint_sql(const std::string& schema,
                               const std::string& table,
                               const std::string& name,
                               const std::string& definition) {
  const std::string qualified = quote_qualified(schema, table);
  return guarded_sql("NOT " + constraint_exists(qualified, name),
                     fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}", qualified,
                                 quote_ident(name), definition));
}

std::string validate_constraint_sql(const std::string& schema,
                                    const std::string& table,
                                    const std::string& name) {
  // Guarded, so a step run again after a later step of the same phase dropped the constraint
  // (set_not_null's temporary NOT NULL check) is a no-op; the gate still requires it validated
  // wherever it must remain.
  const std::string qualified = quote_qualified(schema, table);
  return guarded_sql(constraint_exists(qualified, name, " AND NOT convalidated"),
                     fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", qualified,
                                 quote_ident(name)));
}

namespace {
std::string index_valid_sql(const std::string& schema, const std::string& index) {
  return fmt::format("SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass({}) "
                     "AND indisvalid AND indisready)",
                     quote_literal(quote_qualified(schema, index)));
}
} // namespace

std::vector<Step> build_index_steps(const std::string& id_prefix,
                                    const std::string& schema,
                                    const std::string& table,
                                    const std::string& index,
                                    bool unique,
                                    const std::string& definition) {
  const std::string qualified_index = quote_qualified(schema, index);
  Step build{.id = id_prefix + ".build",
             .sql = fmt::format("CREATE {}INDEX CONCURRENTLY IF NOT EXISTS {} ON {} {}",
                                unique ? "UNIQUE " : "", quote_ident(index),
                                quote_qualified(schema, table), definition),
             .in_transaction = false};
  build.under_lock_timeout = false;
  // A failed or interrupted CONCURRENTLY build leaves an invalid index that IF NOT EXISTS would
  // then accept, so every attempt starts by dropping it, and the build is done only once the
  // index is valid.
  build.clear_leftover = guarded_sql(
      fmt::format("EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass({}) AND NOT "
                  "indisvalid)",
                  quote_literal(qualified_index)),
      "DROP INDEX " + qualified_index);
  build.verify = index_valid_sql(schema, index);
  if (unique) {
    build.unique_index = qualified_index;
  }
  return {build};
}

Check column_exists_check(const std::string& id,
                          const std::string& schema,
                          const std::string& table,
                          const std::string& column,
                          bool exists) {
  return {.id = id,
          .description = fmt::format("column {}.{} {}", table, column, exists ? "exists" : "is gone"),
          .sql = fmt::format("SELECT {}EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({}) "
                      "AND attname = {} AND NOT attisdropped)",
                      exists ? "" : "NOT ", quote_literal(quote_qualified(schema, table)),
                      quote_literal(column))};
}

Check column_not_null_check(const std::string& id,
                            const std::string& schema,
                            const std::string& table,
                            const std::string& column) {
  return {.id = id,
          .description = fmt::format("column {}.{} is NOT NULL", table, column),
          .sql = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({}) "
                      "AND attname = {} AND attnotnull AND NOT attisdropped)",
                      quote_literal(quote_qualified(schema, table)), quote_literal(column))};
}

Check index_valid_check(const std::string& id, const std::string& schema, const std::string& index) {
  return {.id = id,
          .description = fmt::format("index {} exists and is valid", index),
          .sql = index_valid_sql(schema, index)};
}

Check constraint_check(const std::string& id,
                       const std::string& schema,
                       const std::string& table,
                       const std::string& name,
                       bool must_be_validated) {
  return {.id = id,
          .description = fmt::format("constraint {} exists{}", name, must_be_validated ? " and is validated" : ""),
          .sql = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass({}) "
                      "AND conname = {}{})",
                      quote_literal(quote_qualified(schema, table)), quote_literal(name),
                      must_be_validated ? " AND convalidated" : "")};
}

Check no_helpers_check(const std::string& id, const std::string& schema, const std::string& table) {
  const std::string rel = quote_literal(quote_qualified(schema, table));
  return {.id = id,
          .description = fmt::format("no helper objects (_orc_*) left on {}", table),
          .sql = fmt::format(
              "SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass({0}) "
              "AND conname LIKE '\\_orc\\_%')\n"
              "   AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass({0}) "
              "AND tgname LIKE '\\_orc\\_%')\n"
              "   AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({0}) "
              "AND attname LIKE '\\_orc\\_%' AND NOT attisdropped)",
              rel)};
}

BackfillSpec make_backfill(const std::string& id,
                           const std::string& schema,
                           const Table& table,
                           std::vector<Assignment> sets,
                           const std::string& differs) {
  BackfillSpec spec;
  spec.id = id;
  spec.schema = schema;
  spec.table = table.name;
  spec.key = table.row_key();
  for (const auto& k : spec.key) {
    spec.key_types.push_back(table.column(k)->type);
  }
  spec.integer_key = spec.key.size() == 1 && table.column(spec.key[0]) != nullptr &&
                     is_integer_type(table.column(spec.key[0])->type);
  spec.assignments = assignments_sql(sets);
  spec.sets = std::move(sets);
  spec.differs = differs;
  for (const auto& t : table.triggers) {
    if (t.rfind("_orc_", 0) != 0) {
      spec.table_triggers.push_back(t);
    }
  }
  return spec;
}

std::string assignments_sql(const std::vector<Assignment>& sets) {
  std::string out;
  for (const auto& a : sets) {
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", quote_ident(a.column), a.value);
  }
  return out;
}

Check parity_check(const BackfillSpec& spec) {
  return {.id = spec.id + ".parity",
          .description = fmt::format("no row of {} where {}", spec.table, spec.differs),
          .parity = spec};
}

Step drop_index_step(const std::string& id, const std::string& schema, const std::string& index) {
  Step step{.id = id,
            .sql = "DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(schema, index),
            .in_transaction = false};
  // Like the build, a concurrent drop waits for old transactions instead of blocking writes.
  step.under_lock_timeout = false;
  return step;
}

Check relation_check(const std::string& id,
                     const std::string& schema,
                     const std::string& name,
                     char relkind,
                     bool exists) {
  const std::string what = relkind == 'v' ? "view" : "table";
  return {.id = id,
          .description = exists ? fmt::format("{} {} exists", what, name) : fmt::format("{} is gone", name),
          .sql = exists ? fmt::format("SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass({}) "
                               "AND relkind = '{}')",
                               quote_literal(quote_qualified(schema, name)), relkind)
                 : fmt::format("SELECT to_regclass({}) IS NULL",
                               quote_literal(quote_qualified(schema, name)))};
}

} // namespace orchestrate
