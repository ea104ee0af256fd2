#include "changes/column_remap.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "changes/common.hpp"
#include "changes/sync_trigger.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "plan/fields.hpp"

namespace orchestrate {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool is_from(const RemapSpec& spec, const std::string& name) {
  return std::any_of(spec.from.begin(), spec.from.end(),
                     [&](const Located<std::string>& f) { return f.value == name; });
}

SyncSpec sync_spec(const RemapSpec& spec, const ChangeContext& ctx, const Table& table) {
  SyncSpec s;
  s.schema = ctx.schema;
  s.table = spec.table.value;
  s.function = helper_name("sync", spec.table.value, spec.into.front().name.value);
  s.trigger = s.function;
  s.old_view = physical_view(table);
  for (const auto& c : s.old_view) {
    if (!is_from(spec, c.name)) {
      s.new_view.push_back(c);
    }
  }
  for (const auto& t : spec.into) {
    s.new_view.push_back({t.name.value, t.name.value, t.type});
    s.up.push_back({t.name.value, t.type, t.expr, false});
  }
  for (const auto& d : spec.down) {
    s.down.push_back({d.name.value, table.column(d.name.value)->type, d.expr, false});
  }
  return s;
}

BackfillSpec backfill_spec(const RemapSpec& spec, const ChangeContext& ctx, const Table& table) {
  std::string assignments;
  std::string differs;
  for (const auto& t : spec.into) {
    assignments += fmt::format("{}{} = ({})", assignments.empty() ? "" : ", ",
                               quote_ident(t.name.value), t.expr);
    differs += fmt::format("{}{} IS DISTINCT FROM ({})", differs.empty() ? "" : " OR ",
                           quote_ident(t.name.value), t.expr);
  }
  return make_backfill(spec.id, ctx.schema, table, assignments, differs);
}

} // namespace

void validate_remap(const RemapSpec& spec, const ChangeContext& ctx) {
  const Table& table = require_table(ctx, spec.table);
  for (const auto& f : spec.from) {
    const Column& column = require_column(ctx, table, f);
    auto fail = [&](const std::string& message) {
      throw PlanError(ctx.file, f.mark.line, f.mark.column, spec.kind + ": " + message);
    };
    for (const auto& index : table.indexes) {
      if (index.primary && contains(index.columns, f.value)) {
        fail(fmt::format("{}.{} is part of the primary key; that is not supported", table.name,
                         f.value));
      }
    }
    for (const auto& fk : table.referenced_by) {
      if (contains(fk.referenced_columns, f.value)) {
        fail(fmt::format("{}.{} is referenced by foreign key {} on {}; drop or move it first",
                         table.name, f.value, fk.name, fk.table));
      }
    }
    if (column.identity || column.generated) {
      fail(fmt::format("{}.{} is an identity or generated column; that is not supported",
                       table.name, f.value));
    }
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
  if (!table.dependent_views.empty()) {
    throw PlanError(ctx.file, spec.table.mark.line, spec.table.mark.column,
                    fmt::format("{}: views depend on {} ({}); contract could not drop the old "
                                "columns",
                                spec.kind, table.name, table.dependent_views.front()));
  }
  require_row_key(ctx, table, spec.table.mark);
}

PhaseWork remap_work(const RemapSpec& spec, Phase phase, const ChangeContext& ctx) {
  const Table& table = *ctx.before.table(ctx.schema, spec.table.value);
  const std::string qualified = quote_qualified(ctx.schema, spec.table.value);
  const auto sync = sync_spec(spec, ctx, table);
  const std::string& id = spec.id;
  PhaseWork w;
  switch (phase) {
  case Phase::expand: {
    // Nullable and without a default: adding them rewrites nothing and the old application's
    // inserts, which do not name them, still succeed.
    std::string add;
    for (const auto& t : spec.into) {
      add += fmt::format("{}ADD COLUMN IF NOT EXISTS {} {}", add.empty() ? "" : ", ",
                         quote_ident(t.name.value), t.type);
      w.gate.push_back(column_exists_check(id + ".column." + t.name.value, ctx.schema,
                                           spec.table.value, t.name.value, true));
    }
    w.steps.push_back({id + ".add_columns", fmt::format("ALTER TABLE {} {}", qualified, add)});
    break;
  }
  case Phase::dual_write:
    w.steps.push_back({id + ".sync_function", sync_function_sql(sync)});
    w.steps.push_back({id + ".sync_trigger", sync_trigger_sql(sync)});
    for (auto& c : sync_gate_checks(sync, table.row_key(), id)) {
      w.gate.push_back(std::move(c));
    }
    break;
  case Phase::backfill: {
    auto b = backfill_spec(spec, ctx, table);
    w.backfills.push_back(b);
    w.gate.push_back(parity_check(b));
    break;
  }
  case Phase::transition:
    // The new application moves to the new columns now; nothing changes in the schema, but
    // they must still agree with the old ones.
    w.gate.push_back(parity_check(backfill_spec(spec, ctx, table)));
    break;
  case Phase::contract: {
    std::string sql = drop_sync_sql(sync) + ";\n";
    std::string drops;
    for (const auto& f : spec.from) {
      drops += fmt::format("{}DROP COLUMN IF EXISTS {}", drops.empty() ? "" : ", ",
                           quote_ident(f.value));
      w.gate.push_back(column_exists_check(id + ".old_gone." + f.value, ctx.schema,
                                           spec.table.value, f.value, false));
    }
    // One transaction: the old columns never exist without their trigger.
    sql += fmt::format("ALTER TABLE {} {}", qualified, drops);
    w.steps.push_back({id + ".drop_old", sql});
    w.gate.push_back(sync_gone_check(sync, id));
    w.gate.push_back(no_helpers_check(id + ".no_helpers", ctx.schema, spec.table.value));
    break;
  }
  }
  return w;
}

std::vector<Step> remap_rollback(const RemapSpec& spec, const ChangeContext& ctx) {
  const Table& table = *ctx.before.table(ctx.schema, spec.table.value);
  std::string drops;
  for (const auto& t : spec.into) {
    drops += fmt::format("{}DROP COLUMN IF EXISTS {}", drops.empty() ? "" : ", ",
                         quote_ident(t.name.value));
  }
  // One transaction, so the new columns never exist without the trigger that fills them.
  return {{"rollback." + spec.id + ".drop",
           fmt::format("{};\nALTER TABLE {} {}", drop_sync_sql(sync_spec(spec, ctx, table)),
                       quote_qualified(ctx.schema, spec.table.value), drops)}};
}

std::vector<Touch> remap_touches(const RemapSpec& spec) {
  std::vector<Touch> out;
  for (const auto& f : spec.from) {
    out.push_back({spec.table.value, f.value, true, f.mark});
  }
  for (const auto& t : spec.into) {
    out.push_back({spec.table.value, t.name.value, true, t.name.mark});
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
  t.expr = up.value;
  return t;
}

} // namespace orchestrate
