#include "changes/lookups.hpp"

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
    return ColumnReference{.table = {m[1].str(), mark}, .column = {m[2].str(), mark}};
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

} // namespace orchestrate
