#include "changes/common.hpp"

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
[[noreturn]] void fail(const ChangeContext& ctx, Mark mark, const std::string& message) {
  throw PlanError(ctx.file, mark.line, mark.column, message);
}
} // namespace

const Table& require_table(const ChangeContext& ctx, const Located<std::string>& table) {
  const Table* t = ctx.before.table(ctx.schema, table.value);
  if (t == nullptr) {
    fail(ctx, table.mark, fmt::format("table {}.{} does not exist", ctx.schema, table.value));
  }
  return *t;
}

const Column& require_column(const ChangeContext& ctx,
                             const Table& table,
                             const Located<std::string>& column) {
  const Column* c = table.column(column.value);
  if (c == nullptr) {
    fail(ctx, column.mark,
         fmt::format("column {}.{} does not exist", table.name, column.value));
  }
  return *c;
}

void require_no_column(const ChangeContext& ctx,
                       const Table& table,
                       const Located<std::string>& column) {
  if (table.column(column.value) != nullptr) {
    fail(ctx, column.mark,
         fmt::format("column {}.{} already exists", table.name, column.value));
  }
}

std::vector<std::string> require_row_key(const ChangeContext& ctx, const Table& table, Mark mark) {
  auto key = table.row_key();
  if (key.empty()) {
    fail(ctx, mark,
         fmt::format("table {} has no primary key or unique NOT NULL key to copy rows by; add one "
                     "first",
                     table.name));
  }
  return key;
}

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
  Step build{id_prefix + ".build",
             fmt::format("CREATE {}INDEX CONCURRENTLY IF NOT EXISTS {} ON {} {}",
                         unique ? "UNIQUE " : "", quote_ident(index),
                         quote_qualified(schema, table), definition),
             false};
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
                           const std::string& assignments,
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
  spec.assignments = assignments;
  spec.differs = differs;
  for (const auto& t : table.triggers) {
    if (t.rfind("_orc_", 0) != 0) {
      spec.table_triggers.push_back(t);
    }
  }
  return spec;
}

Check parity_check(const BackfillSpec& spec) {
  return {spec.id + ".parity",
          fmt::format("no row of {} where {}", spec.table, spec.differs),
          "",
          false,
          spec};
}

std::optional<ColumnReference> parse_column_reference(Fields& fields,
                                                      const std::string& key,
                                                      bool with_options) {
  YAML::Node node = fields.optional_node(key);
  if (!node.IsDefined()) {
    return std::nullopt;
  }
  if (node.IsScalar()) {
    static const std::regex k_reference(R"(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*)");
    std::smatch m;
    const std::string text = node.Scalar();
    if (!std::regex_match(text, m, k_reference) || !is_plain_identifier(m[1].str()) ||
        !is_plain_identifier(m[2].str())) {
      fields.fail(node, "'" + key + "' must look like table(column), got '" + text + "'");
    }
    const Mark mark = mark_of(node);
    return ColumnReference{{m[1].str(), mark}, {m[2].str(), mark}};
  }
  Fields sub(node, fields.file(), key);
  if (with_options) {
    sub.expect({"table", "column", "name", "on_delete", "on_update", "match", "deferrable",
                "initially_deferred"});
  } else {
    sub.expect({"table", "column"});
  }
  ColumnReference ref{.table = sub.required_identifier("table"),
                      .column = sub.required_identifier("column")};
  if (with_options) {
    ref.name = sub.optional_identifier("name");
    ref.actions = parse_foreign_key_actions(sub, key);
    ref.deferral = parse_deferral(sub, key);
  }
  sub.finish();
  return ref;
}

std::string references_sql(const std::string& schema, const ColumnReference& ref) {
  return fmt::format(" REFERENCES {} ({}){}{}", quote_qualified(schema, ref.table.value),
                     quote_ident(ref.column.value), foreign_key_actions_sql(ref.actions),
                     deferral_sql(ref.deferral));
}

void require_reference(const ChangeContext& ctx, const ColumnReference& ref) {
  const Table& table = require_table(ctx, ref.table);
  require_column(ctx, table, ref.column);
}

bool expression_may_be_volatile(const std::string& expression) {
  static const std::set<std::string> k_not_volatile = {
      "now", "current_date", "current_timestamp", "localtimestamp", "statement_timestamp",
      "transaction_timestamp", "lower", "upper", "coalesce", "nullif", "greatest", "least",
      "concat", "concat_ws", "length", "char_length", "substr", "substring", "trim", "btrim",
      "ltrim", "rtrim", "replace", "lpad", "rpad", "left", "right", "md5", "abs", "round",
      "floor", "ceil", "make_interval", "make_date", "make_timestamp", "make_timestamptz",
      "to_char", "to_date", "to_timestamp", "to_number", "date_trunc", "extract", "date_part",
      "jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array",
      "array", "row", "interval", "timestamp", "timestamptz", "date", "numeric", "int",
      "integer", "bigint", "text", "varchar", "character", "boolean", "split_part", "format",
      "current_user", "session_user", "current_setting", "cast"};
  static const std::regex k_call(R"(([A-Za-z_][A-Za-z0-9_$.]*)\s*\()");
  // String literals may hold parentheses; they name no function.
  std::string text;
  bool in_literal = false;
  for (char c : expression) {
    if (c == '\'') {
      in_literal = !in_literal;
      continue;
    }
    if (!in_literal) {
      text += c;
    }
  }
  for (auto it = std::sregex_iterator(text.begin(), text.end(), k_call);
       it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[1].str();
    auto dot = name.rfind('.');
    if (dot != std::string::npos) {
      name = name.substr(dot + 1);
    }
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!k_not_volatile.count(name)) {
      return true;
    }
  }
  return false;
}

bool relation_name_taken(const Catalog& catalog, const std::string& schema, const std::string& name) {
  if (catalog.relations.count(schema + "." + name) != 0) {
    return true;
  }
  // The tables and indexes of the plan's earlier changes are in the model only.
  for (const auto& [key, table] : catalog.tables) {
    if (table.schema != schema) {
      continue;
    }
    if (table.name == name) {
      return true;
    }
    for (const auto& index : table.indexes) {
      if (index.name == name) {
        return true;
      }
    }
  }
  return false;
}

bool constraint_name_taken(const Table& table, const std::string& name) {
  for (const auto& con : table.constraints) {
    if (con.name == name) {
      return true;
    }
  }
  // Catalogs built by hand may record a UNIQUE or PRIMARY KEY constraint only on its index.
  for (const auto& index : table.indexes) {
    if (index.constraint == name) {
      return true;
    }
  }
  return false;
}

bool index_constraint_name_taken(const Catalog& catalog,
                                 const std::string& schema,
                                 const Table& table,
                                 const std::string& name) {
  return relation_name_taken(catalog, schema, name) || constraint_name_taken(table, name);
}

IndexLookup find_index(const Catalog& catalog, const std::string& schema, const std::string& name) {
  for (const auto& [key, table] : catalog.tables) {
    if (table.schema != schema) {
      continue;
    }
    for (const auto& index : table.indexes) {
      if (index.name == name) {
        return {&table, &index};
      }
    }
  }
  return {};
}

Step drop_index_step(const std::string& id, const std::string& schema, const std::string& index) {
  Step step{id, "DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(schema, index), false};
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
