// surrogate_key: a table keyed by a meaningful value (an email, a code) gets an identity key,
// and every foreign key pointing at the natural key moves to it.
//
// - expand adds the surrogate (surrogate_parent.hpp) and builds its unique index
//   CONCURRENTLY; each referencing table gets its new foreign-key column (nullable, no
//   default) with a marker column, and an index on it, built CONCURRENTLY.
// - dual-write: each referencing table's pair of columns is a column transition: the old
//   application writes the natural-key column and the trigger gives the new column the
//   surrogate of that value; the new application (its sessions marked) writes the surrogate
//   and the trigger gives the old column the natural key it stands for. The new foreign key is
//   added NOT VALID, and the surrogate's NOT NULL as a CHECK NOT VALID.
// - backfill gives every row of the table its surrogate, then every referencing row nobody
//   wrote since expand its new column, by lookup.
// - transition validates the foreign keys and NOT NULL, and builds the unique index the
//   natural key keeps; the new application joins on the surrogate from here on.
// - contract drops the dual-write and the old columns (their foreign keys go with them), then
//   moves the primary key to the surrogate (USING INDEX), keeps the natural key UNIQUE, and
//   turns the surrogate into an identity column.
// The referencing columns default to every foreign key referencing the natural key in the live
// catalog, found at validate and `start`; the rendered plan stored at `start` names them.
#include <fmt/format.h>

#include <algorithm>

#include "changes/column_transition.hpp"
#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/surrogate_parent.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

struct ReferencingSpec {
  Located<std::string> table;
  Located<std::string> column;
  std::optional<Located<std::string>> new_column;
};

struct SurrogateKeySpec {
  Located<std::string> table;
  Located<std::string> column{"id", {}};
  Located<std::string> type{"bigint", {}};
  std::optional<Located<std::vector<ReferencingSpec>>> referencing;
};

// One foreign key that moves to the surrogate, as found in the catalog.
struct Referencing {
  std::string table;
  std::string column;
  std::string new_column;
  std::string constraint; // the old foreign key
  std::string actions;    // " ON DELETE CASCADE ..." of the old foreign key
  bool not_null = false;
  Mark mark;
};

// What follows "REFERENCES t(c)" in a foreign key's definition: its actions and deferrability.
std::string fk_actions(const std::string& definition) {
  const auto refs = definition.find("REFERENCES");
  const auto close = refs == std::string::npos ? refs : definition.find(')', refs);
  if (close == std::string::npos) {
    return "";
  }
  std::string rest = definition.substr(close + 1);
  const std::string not_valid = " NOT VALID";
  if (rest.size() >= not_valid.size() &&
      rest.compare(rest.size() - not_valid.size(), not_valid.size(), not_valid) == 0) {
    rest.resize(rest.size() - not_valid.size());
  }
  return rest;
}

class SurrogateKey final : public Change {
public:
  explicit SurrogateKey(SurrogateKeySpec spec) : m_spec(std::move(spec)) {}

  std::string_view kind() const override { return "surrogate_key"; }

  std::vector<Touch> touches() const override {
    std::vector<Touch> out{
        {.table = m_spec.table.value, .column = m_spec.column.value, .mark = m_spec.column.mark}};
    if (m_spec.referencing) {
      for (const auto& r : m_spec.referencing->value) {
        out.push_back({.table = r.table.value, .column = r.column.value, .mark = r.column.mark});
      }
    }
    return out;
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_spec.table);
    auto fail = [&](const Mark& mark, const std::string& message) {
      throw PlanError(ctx.file, mark.line, mark.column, "surrogate_key: " + message);
    };
    require_no_column(ctx, table, m_spec.column);
    const SurrogateParent p = parent(ctx);
    if (p.key.empty()) {
      fail(m_spec.table.mark,
           fmt::format("{} has no single-column primary key (nor, without a primary key, a "
                       "single-column unique key that foreign keys reference) to replace",
                       table.name));
    }
    // The names expand and transition give the new indexes, and contract the primary key.
    std::vector<std::string> names{p.id_index};
    names.push_back(p.key_is_primary ? p.key_index : p.primary_name);
    for (const auto& name : names) {
      if (relation_name_taken(ctx.before, ctx.schema, name)) {
        fail(m_spec.table.mark, fmt::format("an index or constraint named {} exists already", name));
      }
    }
    for (const auto& fk : table.referenced_by) {
      if (ctx.before.table(ctx.schema, fk.table) == nullptr) {
        fail(m_spec.table.mark, fmt::format("foreign key {} of {}, outside schema {}, references "
                                            "{}; that is not supported",
                                            fk.name, fk.table, ctx.schema, table.name));
      }
    }
    const auto refs = referencing(ctx, true);
    for (std::size_t i = 0; i < refs.size(); ++i) {
      const Referencing& r = refs[i];
      const Table& t = *ctx.before.table(ctx.schema, r.table);
      if (r.table == table.name) {
        fail(r.mark, fmt::format("{} references itself ({}); that is not supported", table.name,
                                 r.constraint));
      }
      require_replaceable_column(ctx, t, {r.column, r.mark}, "surrogate_key");
      require_no_dependent_views(ctx, t, {r.table, r.mark}, "surrogate_key");
      require_row_key(ctx, t, r.mark);
      if (t.column(r.new_column) != nullptr) {
        fail(r.mark, fmt::format("{}.{} exists already; name the new column with new_column",
                                 r.table, r.new_column));
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (refs[j].table == r.table && refs[j].new_column == r.new_column) {
          fail(r.mark, fmt::format("{}.{} and {}.{} would both become {}.{}; name the new "
                                   "columns with new_column",
                                   r.table, refs[j].column, r.table, r.column, r.table,
                                   r.new_column));
        }
      }
      for (const auto& name : {fk_name(r), fk_index(r)}) {
        if (relation_name_taken(ctx.before, ctx.schema, name)) {
          fail(r.mark, fmt::format("an index or constraint named {} exists already", name));
        }
      }
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const SurrogateParent p = parent(ctx);
    const auto refs = referencing(ctx, false);
    const std::string id = step_id();
    const std::string& t = p.table;
    const std::string nn = helper_name("nn", t, p.column);
    PhaseWork w;
    auto add = [&](PhaseWork&& more) {
      w.steps.insert(w.steps.end(), more.steps.begin(), more.steps.end());
      w.gate.insert(w.gate.end(), more.gate.begin(), more.gate.end());
      w.backfills.insert(w.backfills.end(), more.backfills.begin(), more.backfills.end());
    };
    switch (phase) {
    case Phase::expand:
      w.steps.push_back({.id = id + ".add", .sql = surrogate_add_sql(p)});
      for (auto& s : build_index_steps(id + ".index", ctx.schema, t, p.id_index, true,
                                       fmt::format("USING btree ({})", quote_ident(p.column)))) {
        w.steps.push_back(std::move(s));
      }
      w.gate.push_back(column_exists_check(id + ".column", ctx.schema, t, p.column, true));
      w.gate.push_back(index_valid_check(id + ".index", ctx.schema, p.id_index));
      for (const auto& r : refs) {
        add(transition_work(describe(ctx, p, r), phase, table_of(ctx, r.table)));
        for (auto& s : build_index_steps(ref_id(r) + ".index", ctx.schema, r.table, fk_index(r),
                                         false,
                                         fmt::format("USING btree ({})",
                                                     quote_ident(r.new_column)))) {
          w.steps.push_back(std::move(s));
        }
        w.gate.push_back(index_valid_check(ref_id(r) + ".index", ctx.schema, fk_index(r)));
      }
      break;
    case Phase::dual_write:
      not_null_dual_write(w, id, ctx.schema, t, p.column, nn);
      for (const auto& r : refs) {
        add(transition_work(describe(ctx, p, r), phase, table_of(ctx, r.table)));
        w.steps.push_back(
            {.id = ref_id(r) + ".foreign_key",
             .sql = add_constraint_sql(ctx.schema, r.table, fk_name(r),
                                       fmt::format("FOREIGN KEY ({}) REFERENCES {} ({}){} NOT "
                                                   "VALID",
                                                   quote_ident(r.new_column),
                                                   quote_qualified(ctx.schema, t),
                                                   quote_ident(p.column), r.actions))});
        w.gate.push_back(
            constraint_check(ref_id(r) + ".foreign_key", ctx.schema, r.table, fk_name(r), false));
      }
      break;
    case Phase::backfill: {
      // The table first: its rows' surrogates are what the referencing rows look up (a row
      // reached earlier by a lookup already has one and is skipped).
      BackfillSpec b = parent_backfill(ctx, p);
      w.backfills.push_back(b);
      Check parity = parity_check(b);
      parity.advice = "run `orchestrate backfill` to finish the copy";
      w.gate.push_back(std::move(parity));
      for (const auto& r : refs) {
        add(transition_work(describe(ctx, p, r), phase, table_of(ctx, r.table)));
      }
      break;
    }
    case Phase::transition:
      not_null_transition(w, id, ctx.schema, t, p.column, nn);
      if (p.key_is_primary) {
        for (auto& s : build_index_steps(id + ".key_index", ctx.schema, t, p.key_index, true,
                                         fmt::format("USING btree ({})", quote_ident(p.key)))) {
          w.steps.push_back(std::move(s));
        }
        w.gate.push_back(index_valid_check(id + ".key_index", ctx.schema, p.key_index));
      }
      for (const auto& r : refs) {
        add(transition_work(describe(ctx, p, r), phase, table_of(ctx, r.table)));
        w.steps.push_back({.id = ref_id(r) + ".validate",
                           .sql = validate_constraint_sql(ctx.schema, r.table, fk_name(r))});
        w.gate.push_back(
            constraint_check(ref_id(r) + ".validated", ctx.schema, r.table, fk_name(r), true));
      }
      break;
    case Phase::contract:
      // The old columns go first: their foreign keys depend on the natural key's index.
      for (const auto& r : refs) {
        add(transition_work(describe(ctx, p, r), phase, table_of(ctx, r.table)));
      }
      w.steps.push_back({.id = id + ".primary_key", .sql = surrogate_swap_sql(p)});
      w.steps.push_back({.id = id + ".identity", .sql = surrogate_identity_sql(p)});
      w.gate.push_back({.id = id + ".primary_key",
                        .description = fmt::format("the primary key of {} is {}", t, p.column),
                        .sql = surrogate_is_primary_sql(p)});
      w.gate.push_back({.id = id + ".natural_key",
                        .description = fmt::format("{}.{} keeps a unique constraint", t, p.key),
                        .sql = natural_key_unique_sql(p)});
      w.gate.push_back({.id = id + ".identity",
                        .description = fmt::format("{}.{} is an identity column", t, p.column),
                        .sql = surrogate_is_identity_sql(p)});
      w.gate.push_back({.id = id + ".helpers_gone",
                        .description = "the temporary sequence and the key function are dropped",
                        .sql = surrogate_helpers_gone_sql(p)});
      w.gate.push_back(no_helpers_check(id + ".no_helpers", ctx.schema, t));
      break;
    }
    return w;
  }

  // The referencing tables' columns first (their dual-write calls the key function, their new
  // foreign keys depend on the surrogate's index), then the table's own.
  std::vector<Step> rollback(Phase, const ChangeContext& ctx) const override {
    const SurrogateParent p = parent(ctx);
    std::vector<Step> out;
    const auto refs = referencing(ctx, false);
    for (auto it = refs.rbegin(); it != refs.rend(); ++it) {
      for (auto& s : transition_rollback(describe(ctx, p, *it), table_of(ctx, it->table))) {
        out.push_back(std::move(s));
      }
    }
    out.push_back({.id = "rollback." + step_id() + ".drop", .sql = surrogate_drop_sql(p)});
    return out;
  }

  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    const SurrogateParent p = parent(ctx);
    std::vector<LiveCheck> out;
    if (p.key.empty()) {
      return out;
    }
    const Column* key = table_of(ctx, p.table).column(p.key);
    if (key == nullptr || !key->not_null) {
      out.push_back({.mark = m_spec.table.mark,
                     .what = "surrogate_key",
                     .sql = natural_key_nulls_sql(p),
                     .counts_rows = true,
                     .advice = "give them a value, or delete them"});
    }
    for (const auto& r : referencing(ctx, false)) {
      out.push_back({.mark = r.mark,
                     .what = "surrogate_key",
                     .sql = orphans_sql(p, r.table, r.column,
                                       table_of(ctx, r.table).row_key()),
                     .counts_rows = true,
                     .advice = fmt::format("their new column would have no surrogate to hold; "
                                           "give them a value that names a row of {}, or NULL",
                                           p.table)});
    }
    return out;
  }

  ChangeFacts facts() const override {
    return {.table = m_spec.table.value, .needs_backfill = true};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    const SurrogateParent p = parent(ctx);
    const auto refs = referencing(ctx, false);
    for (const auto& r : refs) {
      Table* t = catalog.table(ctx.schema, r.table);
      if (t == nullptr) {
        continue;
      }
      std::erase_if(t->columns, [&](const Column& c) { return c.name == r.column; });
      std::erase_if(t->constraints, [&](const Constraint& c) { return c.name == r.constraint; });
      t->columns.push_back({.name = r.new_column, .type = p.type, .not_null = r.not_null});
      t->constraints.push_back({.name = fk_name(r),
                                .type = 'f',
                                .columns = {r.new_column},
                                .foreign_table = p.table,
                                .foreign_columns = {p.column}});
      t->indexes.push_back({.name = fk_index(r), .columns = {r.new_column}});
    }
    Table* table = catalog.table(ctx.schema, p.table);
    if (table == nullptr) {
      return;
    }
    for (auto& i : table->indexes) {
      if (i.primary) {
        i.primary = false;
        i.name = p.key_index;
        i.constraint = p.key_index;
      }
    }
    table->columns.push_back(
        {.name = p.column, .type = p.type, .not_null = true, .identity = true});
    table->indexes.push_back({.name = p.primary_name,
                              .columns = {p.column},
                              .unique = true,
                              .primary = true,
                              .constraint = p.primary_name});
    table->referenced_by.clear();
    for (const auto& r : refs) {
      table->referenced_by.push_back(
          {.name = fk_name(r), .table = r.table, .referenced_columns = {p.column}});
    }
  }

private:
  std::string step_id() const { return "surrogate_key." + m_spec.table.value; }

  static std::string ref_id(const Referencing& r) {
    return fmt::format("surrogate_key.{}.{}", r.table, r.new_column);
  }
  static std::string fk_name(const Referencing& r) {
    return fit_identifier(r.table + "_" + r.new_column + "_fkey");
  }
  static std::string fk_index(const Referencing& r) {
    return fit_identifier(r.table + "_" + r.new_column + "_idx");
  }

  static const Table& table_of(const ChangeContext& ctx, const std::string& name) {
    return *ctx.before.table(ctx.schema, name);
  }

  // The natural key: the single-column primary key, else (without a primary key) the one
  // single-column unique key other tables' foreign keys reference.
  SurrogateParent parent(const ChangeContext& ctx) const {
    const Table& table = table_of(ctx, m_spec.table.value);
    SurrogateParent p;
    p.schema = ctx.schema;
    p.table = table.name;
    p.column = m_spec.column.value;
    p.type = m_spec.type.value;
    p.id_index = fit_identifier(table.name + "_" + p.column + "_key");
    p.key_is_primary = false;
    for (const auto& i : table.indexes) {
      if (i.primary) {
        if (i.columns.size() == 1 && !i.uses_expression) {
          p.key = i.columns[0];
          p.primary_name = i.constraint.value_or(i.name);
        }
        p.key_is_primary = true;
        break;
      }
    }
    if (!p.key_is_primary) {
      p.primary_name = fit_identifier(table.name + "_pkey");
      for (const auto& fk : table.referenced_by) {
        if (fk.referenced_columns.size() == 1) {
          p.key = fk.referenced_columns[0];
          break;
        }
      }
    }
    if (!p.key.empty()) {
      const Column* key = table.column(p.key);
      p.key_type = key != nullptr ? key->type : "text";
      p.key_index = fit_identifier(table.name + "_" + p.key + "_key");
    }
    return p;
  }

  // The foreign keys to move: those the plan lists, else every one referencing the natural key.
  // `checked`: refuse, at the plan, what cannot be moved.
  std::vector<Referencing> referencing(const ChangeContext& ctx, bool checked) const {
    const SurrogateParent p = parent(ctx);
    auto fail = [&](const Mark& mark, const std::string& message) {
      throw PlanError(ctx.file, mark.line, mark.column, "surrogate_key: " + message);
    };
    std::vector<Referencing> found;
    for (const auto& [name, t] : ctx.before.tables) {
      if (t.schema != ctx.schema) {
        continue;
      }
      for (const auto& c : t.constraints) {
        if (c.type != 'f' || c.foreign_table != p.table) {
          continue;
        }
        const bool on_key = c.foreign_columns.size() == 1 && c.foreign_columns[0] == p.key;
        if (checked && (!on_key || c.columns.size() != 1)) {
          fail(m_spec.table.mark,
               fmt::format("foreign key {} of {} references {}({}); only single-column foreign "
                           "keys on the natural key {} can move to the surrogate",
                           c.name, t.name, p.table, join(c.foreign_columns, ", "), p.key));
        }
        if (!on_key || c.columns.size() != 1) {
          continue;
        }
        Referencing r;
        r.table = t.name;
        r.column = c.columns[0];
        r.constraint = c.name;
        r.actions = fk_actions(c.definition);
        const Column* col = t.column(r.column);
        r.not_null = col != nullptr && col->not_null;
        r.mark = m_spec.table.mark;
        const std::string suffix = "_" + p.key;
        if (r.column.size() > suffix.size() &&
            r.column.compare(r.column.size() - suffix.size(), suffix.size(), suffix) == 0) {
          r.new_column = r.column.substr(0, r.column.size() - suffix.size()) + "_" + p.column;
        } else {
          r.new_column = singular(p.table) + "_" + p.column;
        }
        found.push_back(std::move(r));
      }
    }
    if (!m_spec.referencing) {
      return found;
    }
    // Listed: each must be one of those found, and every one found must be listed, since
    // contract moves the primary key from under them.
    std::vector<Referencing> out;
    for (const auto& l : m_spec.referencing->value) {
      auto it = std::find_if(found.begin(), found.end(), [&](const Referencing& r) {
        return r.table == l.table.value && r.column == l.column.value;
      });
      if (it == found.end()) {
        if (checked) {
          fail(l.column.mark, fmt::format("{}.{} has no foreign key referencing {}({})",
                                          l.table.value, l.column.value, p.table, p.key));
        }
        continue;
      }
      Referencing r = *it;
      r.mark = l.column.mark;
      if (l.new_column) {
        r.new_column = l.new_column->value;
        r.mark = l.new_column->mark;
      }
      out.push_back(std::move(r));
    }
    if (checked) {
      for (const auto& r : found) {
        if (std::none_of(out.begin(), out.end(), [&](const Referencing& o) {
              return o.table == r.table && o.column == r.column;
            })) {
          fail(m_spec.referencing->mark,
               fmt::format("foreign key {} of {}({}) references {}({}) too; list it under "
                           "referencing (contract moves the primary key away from {})",
                           r.constraint, r.table, r.column, p.table, p.key, p.key));
        }
      }
    }
    return out;
  }

  // A referencing table's two columns as a column transition: the old application's natural
  // key and the new application's surrogate, each the other's lookup.
  ColumnTransition describe(const ChangeContext& ctx,
                            const SurrogateParent& p,
                            const Referencing& r) const {
    const Table& table = table_of(ctx, r.table);
    ColumnTransition t;
    t.kind = "surrogate_key";
    t.id = ref_id(r);
    t.plan = ctx.plan;
    t.schema = ctx.schema;
    t.table = {r.table, r.mark};
    t.name = r.new_column;
    t.added.push_back({.name = r.new_column,
                       .type = p.type,
                       .not_null = r.not_null,
                       .up = {surrogate_lookup_sql(p, quote_ident(r.column)), r.mark}});
    t.old_side.push_back({.name = r.column, .down = {natural_lookup_sql(p, quote_ident(r.new_column)),
                                                     r.mark}});
    for (const auto& c : physical_view(table)) {
      if (c.name != r.column) {
        t.new_view.push_back(c);
      }
    }
    t.new_view.push_back({.name = r.new_column, .physical = r.new_column, .type = p.type});
    t.drop_at_contract.push_back(r.column);
    return t;
  }

  BackfillSpec parent_backfill(const ChangeContext& ctx, const SurrogateParent& p) const {
    return make_backfill(step_id(), ctx.schema, table_of(ctx, p.table),
                         surrogate_backfill_assignments(p), surrogate_pending_sql(p));
  }

  SurrogateKeySpec m_spec;
};

} // namespace

std::unique_ptr<Change> parse_surrogate_key(Fields& fields) {
  fields.expect({"table", "column", "type", "referencing"});
  SurrogateKeySpec spec;
  spec.table = fields.required_identifier("table");
  if (auto c = fields.optional_identifier("column")) {
    spec.column = *c;
  }
  if (auto t = fields.optional_string("type")) {
    if (t->value != "bigint" && t->value != "integer") {
      fields.fail(t->mark, "surrogate_key: 'type' must be bigint or integer (the column becomes "
                           "an identity column)");
    }
    spec.type = *t;
  }
  YAML::Node refs = fields.optional_node("referencing");
  fields.finish();
  if (refs) {
    if (!refs.IsSequence() || refs.size() == 0) {
      fields.fail(refs, "surrogate_key: 'referencing' lists the foreign keys to move, each "
                        "{table, column, new_column}");
    }
    Located<std::vector<ReferencingSpec>> list{{}, mark_of(refs)};
    for (std::size_t i = 0; i < refs.size(); ++i) {
      Fields f(refs[i], fields.file(), fmt::format("surrogate_key.referencing[{}]", i));
      f.expect({"table", "column", "new_column"});
      ReferencingSpec r;
      r.table = f.required_identifier("table");
      r.column = f.required_identifier("column");
      r.new_column = f.optional_identifier("new_column");
      f.finish();
      list.value.push_back(std::move(r));
    }
    spec.referencing = std::move(list);
  }
  return std::make_unique<SurrogateKey>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json surrogate_key_fields() {
  using namespace json_fields;
  return object(
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
}
} // namespace

ChangeKind change_kind_surrogate_key() {
  return {.name = "surrogate_key",
          .doc = "Gives a table keyed by a value that means something (an email, a code) an "
                 "identity key. column (default id; type bigint or integer) is added with a "
                 "default drawing from a sequence, filled by the backfill, its unique index built "
                 "CONCURRENTLY. Each foreign key pointing at the natural key (by default every "
                 "one in the live catalog, found at validate and start; or those listed in "
                 "referencing, which must be all of them) gets a new column (customer_email to "
                 "customer_id, else `<table, singular>_<column>`; new_column names it) that the "
                 "dual-write keeps in step both ways: the old application writes the natural key "
                 "and the new column gets its surrogate, the new application (its sessions marked "
                 "by `orchestrate url`) writes the surrogate and the old column gets the natural "
                 "key it stands for. The backfill fills it by lookup; its foreign key (with the "
                 "old one's ON DELETE/ON UPDATE) is added NOT VALID at dual-write and validated "
                 "at transition, when the new application may join on the surrogate. Contract "
                 "drops the old columns with their foreign keys, moves the primary key to the "
                 "surrogate (USING INDEX), keeps the natural key UNIQUE (its index built "
                 "CONCURRENTLY at transition) and makes the surrogate an identity column that "
                 "continues after the highest value. validate refuses referencing values that "
                 "name no row and a natural key with NULLs.",
          .example = text_block(R"yaml(
- surrogate_key: {table: customers, column: id, type: bigint,
                  referencing: [{table: orders, column: customer_email, new_column: customer_id},
                                {table: reviews, column: author_email}]}
)yaml"),
          .parse = &parse_surrogate_key,
          .fields = &surrogate_key_fields};
}

} // namespace orchestrate
