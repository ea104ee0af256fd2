#include "changes/shadow_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/expression_checks.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/sql_text.hpp"

namespace orchestrate {

namespace {

std::string quoted_list(const std::vector<std::string>& columns,
                        const std::string& from,
                        const std::string& to) {
  std::string out;
  for (const auto& c : columns) {
    out += (out.empty() ? "" : ", ") + quote_ident(c == from ? to : c);
  }
  return out;
}

// Every row as the old application sees it, with `up` of it as "_orc_up".
std::string rows_with_up(const std::string& up,
                         const std::vector<ViewColumn>& view,
                         const Table& live) {
  return fmt::format("SELECT ({}) AS \"_orc_up\", _v.* FROM ({}) AS _v", up,
                     view_select(view, &live));
}

std::string row_key_json(const Table& live, const std::string& alias) {
  std::string key;
  for (const auto& k : live.row_key()) {
    key += (key.empty() ? "" : ", ") + alias + "." + quote_ident(k);
  }
  return "json_build_array(" + key + ")::text";
}

// Not NULL in any of `columns`: a key with a NULL is neither a duplicate nor an orphan.
std::string none_null(const std::vector<std::string>& columns,
                      const std::string& column,
                      const std::string& alias) {
  std::string out;
  for (const auto& c : columns) {
    out += fmt::format("{}{}.{} IS NOT NULL", out.empty() ? "" : " AND ", alias,
                       quote_ident(c == column ? "_orc_up" : c));
  }
  return out;
}

} // namespace

Twin rule_twin(const ShadowRule& rule,
               const std::string& schema,
               const std::string& column,
               const std::string& temp) {
  Twin t{.name = rule.name.value, .twin = fit_identifier("_orc_" + rule.name.value)};
  switch (rule.type) {
  case 'u':
    t.definition = "USING btree (" + quoted_list(rule.columns, column, temp) + ")";
    t.unique = true;
    t.unique_constraint = true;
    t.type = 'i';
    break;
  case 'f':
    t.definition = fmt::format("FOREIGN KEY ({}) REFERENCES {} ({}){}",
                               quoted_list(rule.columns, column, temp),
                               quote_qualified(schema, rule.ref_table),
                               quoted_list(rule.ref_columns, "", ""), rule.suffix);
    t.type = 'f';
    break;
  default:
    t.definition = "CHECK (" + replace_identifier(rule.check, column, temp) + ")" + rule.suffix;
    t.type = 'c';
    break;
  }
  return t;
}

void validate_rules(const std::vector<ShadowRule>& rules,
                    const Table& table,
                    const ChangeContext& ctx,
                    const std::string& kind) {
  for (const auto& rule : rules) {
    auto fail = [&](const std::string& message) {
      throw PlanError(ctx.file, rule.name.mark.line, rule.name.mark.column,
                      kind + ": " + message);
    };
    const std::string twin = fit_identifier("_orc_" + rule.name.value);
    // A unique constraint's index shares the schema's namespace of relations.
    const bool taken = rule.type == 'u'
                           ? index_constraint_name_taken(ctx.before, ctx.schema, table,
                                                         rule.name.value) ||
                                 relation_name_taken(ctx.before, ctx.schema, twin)
                           : constraint_name_taken(table, rule.name.value);
    if (taken) {
      fail(fmt::format("the name {} is already taken", rule.name.value));
    }
    if (rule.type != 'f') {
      continue;
    }
    const Table* ref = ctx.before.table(ctx.schema, rule.ref_table);
    if (ref == nullptr) {
      fail(fmt::format("the referenced table {} does not exist", rule.ref_table));
    }
    std::vector<std::string> wanted = rule.ref_columns;
    for (const auto& c : wanted) {
      if (ref->column(c) == nullptr) {
        fail(fmt::format("the referenced column {}.{} does not exist", rule.ref_table, c));
      }
    }
    // PostgreSQL requires a unique index over exactly the referenced columns.
    std::sort(wanted.begin(), wanted.end());
    const bool keyed = std::any_of(ref->indexes.begin(), ref->indexes.end(), [&](const Index& i) {
      auto cols = i.columns;
      std::sort(cols.begin(), cols.end());
      return i.unique && !i.uses_expression && !i.partial && cols == wanted;
    });
    if (!keyed) {
      fail(fmt::format("{} has no primary key or unique constraint over the referenced columns",
                       rule.ref_table));
    }
  }
}

std::vector<LiveCheck> rule_live_checks(const std::vector<ShadowRule>& rules,
                                        const std::string& kind,
                                        const std::string& column,
                                        const Located<std::string>& up,
                                        const std::vector<ViewColumn>& view,
                                        const Table* live,
                                        const ChangeContext& ctx) {
  std::vector<LiveCheck> out;
  if (live == nullptr || live->row_key().empty()) {
    return out;
  }
  const std::string expr = up.value.empty() ? quote_ident(column) : up.value;
  const std::string rows = rows_with_up(expr, view, *live);
  for (const auto& rule : rules) {
    LiveCheck check{.mark = up.value.empty() ? rule.name.mark : up.mark,
                    .what = kind + "." + rule.name.value,
                    .counts_rows = true,
                    .advice = "write an `up` that gives them values the constraint accepts"};
    switch (rule.type) {
    case 'u': {
      std::string key;
      for (const auto& c : rule.columns) {
        key += (key.empty() ? "" : ", ") + std::string("_u.") +
               quote_ident(c == column ? "_orc_up" : c);
      }
      check.sql = fmt::format(
          "SELECT coalesce(sum(_n), 0)::bigint, min(_k), 'a key up gives to more than one row' "
          "FROM (SELECT count(*) AS _n, json_build_array({0})::text AS _k FROM ({1}) AS _u "
          "WHERE {2} GROUP BY {0} HAVING count(*) > 1) AS _d",
          key, rows, none_null(rule.columns, column, "_u"));
      break;
    }
    case 'f': {
      const Table* ref = live_table(ctx, rule.ref_table);
      if (ref == nullptr) {
        continue;
      }
      std::string match;
      for (std::size_t i = 0; i < rule.columns.size() && i < rule.ref_columns.size(); ++i) {
        match += fmt::format("{}_r.{} = _u.{}", match.empty() ? "" : " AND ",
                             quote_ident(rule.ref_columns[i]),
                             quote_ident(rule.columns[i] == column ? "_orc_up" : rule.columns[i]));
      }
      check.sql = fmt::format(
          "SELECT count(*)::bigint, min({}), {} FROM ({}) AS _u WHERE {} AND NOT EXISTS (SELECT "
          "1 FROM {} AS _r WHERE {})",
          row_key_json(*live, "_u"),
          quote_literal("a reference up gives that names no row of " + rule.ref_table), rows,
          none_null(rule.columns, column, "_u"), quote_qualified(ref->schema, ref->name), match);
      break;
    }
    default:
      // A check passes unless it is false, as PostgreSQL has it: NULL passes.
      check.sql = fmt::format(
          "SELECT count(*)::bigint, min({}), {} FROM ({}) AS _u WHERE ({}) IS FALSE",
          row_key_json(*live, "_u"),
          quote_literal("a value up gives that breaks " + rule.name.value), rows,
          replace_identifier(rule.check, column, "_orc_up"));
      break;
    }
    out.push_back(std::move(check));
  }
  return out;
}

void apply_rules(const std::vector<ShadowRule>& rules,
                 Table& table,
                 Catalog& catalog,
                 const ChangeContext& ctx) {
  for (const auto& rule : rules) {
    switch (rule.type) {
    case 'u':
      table.indexes.push_back({.name = rule.name.value,
                               .columns = rule.columns,
                               .unique = true,
                               .constraint = rule.name.value});
      table.constraints.push_back(
          {.name = rule.name.value, .type = 'u', .columns = rule.columns});
      break;
    case 'f':
      table.constraints.push_back({.name = rule.name.value,
                                   .type = 'f',
                                   .columns = rule.columns,
                                   .foreign_table = rule.ref_table,
                                   .foreign_columns = rule.ref_columns});
      if (Table* ref = catalog.table(ctx.schema, rule.ref_table)) {
        ref->referenced_by.push_back(
            {.name = rule.name.value, .table = table.name, .referenced_columns = rule.ref_columns});
      }
      break;
    default:
      table.constraints.push_back({.name = rule.name.value,
                                   .type = 'c',
                                   .definition = "CHECK (" + rule.check + ")",
                                   .columns = rule.columns});
      break;
    }
  }
}

std::string referential_action(const std::string& value) {
  std::string v = value;
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::replace(v.begin(), v.end(), '_', ' ');
  static const std::vector<std::string> k_actions = {"CASCADE", "RESTRICT", "NO ACTION",
                                                     "SET NULL", "SET DEFAULT"};
  return std::find(k_actions.begin(), k_actions.end(), v) == k_actions.end() ? "" : v;
}

} // namespace orchestrate
