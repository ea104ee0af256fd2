#include "changes/column_remap.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "plan/fields.hpp"

namespace orchestrate {

namespace {

bool is_from(const RemapSpec& spec, const std::string& name) {
  return std::any_of(spec.from.begin(), spec.from.end(),
                     [&](const Located<std::string>& f) { return f.value == name; });
}

} // namespace

void validate_remap(const RemapSpec& spec, const ChangeContext& ctx) {
  const Table& table = require_table(ctx, spec.table);
  for (const auto& f : spec.from) {
    require_column(ctx, table, f);
    require_replaceable_column(ctx, table, f, spec.kind);
    auto fail = [&](const std::string& message) {
      throw PlanError(ctx.file, f.mark.line, f.mark.column, spec.kind + ": " + message);
    };
    if (std::none_of(spec.down.begin(), spec.down.end(),
                     [&](const RemapTarget& d) { return d.name.value == f.value; })) {
      fail(fmt::format("'down' must say how the new application's writes rebuild {}", f.value));
    }
  }
  for (const auto& d : spec.down) {
    if (!is_from(spec, d.name.value)) {
      throw PlanError(ctx.file, d.name.mark.line, d.name.mark.column,
                      fmt::format("{}: 'down' names {}, which is not one of the columns in "
                                  "'from'",
                                  spec.kind, d.name.value));
    }
  }
  for (const auto& t : spec.into) {
    require_no_column(ctx, table, t.name);
  }
  require_no_dependent_views(ctx, table, spec.table, spec.kind);
  require_row_key(ctx, table, spec.table.mark);
}

ColumnTransition remap_transition(const RemapSpec& spec, const ChangeContext& ctx) {
  const Table& table = *ctx.before.table(ctx.schema, spec.table.value);
  ColumnTransition t;
  t.kind = spec.kind;
  t.id = spec.id;
  t.plan = ctx.plan;
  t.schema = ctx.schema;
  t.table = spec.table;
  t.name = spec.into.front().name.value;
  // Nullable and without a default: adding them rewrites nothing and the old application's
  // inserts, which do not name them, still succeed.
  for (const auto& n : spec.into) {
    t.added.push_back({.name = n.name.value, .type = n.type, .up = n.expr});
  }
  for (const auto& d : spec.down) {
    t.old_side.push_back({.name = d.name.value, .down = d.expr});
  }
  for (const auto& c : physical_view(table)) {
    if (!is_from(spec, c.name)) {
      t.new_view.push_back(c);
    }
  }
  for (const auto& n : spec.into) {
    t.new_view.push_back({.name = n.name.value, .physical = n.name.value, .type = n.type});
  }
  for (const auto& f : spec.from) {
    t.drop_at_contract.push_back(f.value);
  }
  return t;
}

ChangeFacts remap_facts(const RemapSpec& spec) {
  ChangeFacts f{.table = spec.table.value, .needs_backfill = true};
  for (const auto& c : spec.from) {
    f.removed.push_back(c.value);
  }
  for (const auto& t : spec.into) {
    f.expressions.push_back({.role = "up", .sql = t.expr});
  }
  for (const auto& t : spec.down) {
    f.expressions.push_back({.role = "down", .sql = t.expr});
  }
  return f;
}

std::vector<Touch> remap_touches(const RemapSpec& spec) {
  std::vector<Touch> out;
  for (const auto& f : spec.from) {
    out.push_back({.table = spec.table.value, .column = f.value, .mark = f.mark});
  }
  for (const auto& t : spec.into) {
    out.push_back({.table = spec.table.value, .column = t.name.value, .mark = t.name.mark});
  }
  return out;
}

void remap_apply(const RemapSpec& spec, Catalog& catalog, const ChangeContext& ctx) {
  Table* table = catalog.table(ctx.schema, spec.table.value);
  if (table == nullptr) {
    return;
  }
  auto& cols = table->columns;
  cols.erase(std::remove_if(cols.begin(), cols.end(),
                            [&](const Column& c) { return is_from(spec, c.name); }),
             cols.end());
  for (const auto& t : spec.into) {
    Column c;
    c.name = t.name.value;
    c.type = t.type;
    cols.push_back(c);
  }
  auto& indexes = table->indexes;
  indexes.erase(std::remove_if(indexes.begin(), indexes.end(),
                               [&](const Index& i) {
                                 return std::any_of(i.columns.begin(), i.columns.end(),
                                                    [&](const std::string& c) {
                                                      return is_from(spec, c);
                                                    });
                               }),
                indexes.end());
  auto& cons = table->constraints;
  cons.erase(std::remove_if(cons.begin(), cons.end(),
                            [&](const Constraint& k) {
                              return std::any_of(k.columns.begin(), k.columns.end(),
                                                 [&](const std::string& c) {
                                                   return is_from(spec, c);
                                                 });
                            }),
             cons.end());
}

// Reads one {name, type, up} mapping.
RemapTarget parse_remap_target(const YAML::Node& node, const std::string& file,
                               const std::string& what) {
  Fields f(node, file, what);
  f.expect({"name", "type", "up"});
  RemapTarget t;
  t.name = f.required_identifier("name");
  auto type = f.required_string("type");
  auto up = f.required_string("up");
  f.finish();
  if (type.value.empty() || type.value.find(';') != std::string::npos) {
    f.fail(type.mark, what + ": 'type' must be a type name such as text or integer");
  }
  t.type = type.value;
  t.expr = up;
  return t;
}

} // namespace orchestrate
