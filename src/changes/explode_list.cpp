// explode_list: a delimited string column ("1,5,22") becomes a join table with one row per item.
//
// - expand creates the join table (a foreign key to the owner row and one to the item's parent
//   row, both cascading; a composite primary key) and a marker column on the table.
// - dual-write installs the sync of list_sync.hpp: the old application's writes of the string
//   replace that row's join rows, the new application's writes of the join table rebuild the
//   string; neither rewrites what the other side wrote.
// - backfill gives every row nobody reached its join rows, batch by batch (the items come from
//   string_to_array and unnest in the batch's own statement).
// - transition checks every row's join rows against its string's items.
// - contract drops the sync and the string column.
// Malformed items (not an integer, or naming no parent row) have no join row. `validate` counts
// the existing rows holding any: `malformed: refuse` (the default) refuses the plan while there
// are some, `malformed: skip` shows the count and goes on without them. A parent row deleted
// takes its join rows (ON DELETE CASCADE) and the strings keep naming it; a parent key changed
// is carried into the join rows (ON UPDATE CASCADE) and from them into the strings.
#include <fmt/format.h>

#include <algorithm>

#include "changes/column_transition.hpp"
#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/list_sync.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

struct ExplodeListSpec {
  Located<std::string> table;
  Located<std::string> column;
  Located<std::string> into;
  ColumnReference references;
  Located<std::string> delimiter{",", {}};
  Located<std::string> owner_column;
  Located<std::string> item_column;
  bool skip_malformed = false;
};

class ExplodeList final : public Change {
public:
  explicit ExplodeList(ExplodeListSpec spec) : m_spec(std::move(spec)) {}

  std::string_view kind() const override { return "explode_list"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_spec.table.value,
             .column = m_spec.column.value,
             .mark = m_spec.column.mark},
            {.table = m_spec.into.value, .mark = m_spec.into.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_spec.table);
    const Column& column = require_column(ctx, table, m_spec.column);
    auto fail = [&](const Mark& mark, const std::string& message) {
      throw PlanError(ctx.file, mark.line, mark.column, "explode_list: " + message);
    };
    if (!is_string_type(column.type)) {
      fail(m_spec.column.mark, fmt::format("{}.{} is {}, not a string holding a list",
                                           table.name, column.name, column.type));
    }
    require_replaceable_column(ctx, table, m_spec.column, "explode_list");
    require_no_dependent_views(ctx, table, m_spec.column, "explode_list");
    if (primary_key(table).empty()) {
      fail(m_spec.table.mark, fmt::format("{} needs a single-column primary key for the join "
                                          "table to reference",
                                          table.name));
    }
    require_reference(ctx, m_spec.references);
    const Table& parent = *ctx.before.table(ctx.schema, m_spec.references.table.value);
    const Column& parent_column = *parent.column(m_spec.references.column.value);
    if (!is_integer_type(parent_column.type)) {
      fail(m_spec.references.column.mark,
           fmt::format("{}.{} is {}; the items of a list must be integer keys", parent.name,
                       parent_column.name, parent_column.type));
    }
    const bool unique = std::any_of(parent.indexes.begin(), parent.indexes.end(), [&](const Index& i) {
      return i.unique && i.valid && !i.uses_expression && i.columns.size() == 1 &&
             i.columns[0] == parent_column.name;
    });
    if (!unique) {
      fail(m_spec.references.column.mark,
           fmt::format("{}.{} has no primary key or unique constraint of its own for the join "
                       "table's foreign key",
                       parent.name, parent_column.name));
    }
    if (ctx.before.table(ctx.schema, m_spec.into.value) != nullptr ||
        relation_name_taken(ctx.before, ctx.schema, m_spec.into.value)) {
      fail(m_spec.into.mark, fmt::format("{} exists already", m_spec.into.value));
    }
    if (m_spec.owner_column.value == m_spec.item_column.value) {
      fail(m_spec.item_column.mark, "'owner_column' and 'item_column' must differ");
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const Table& table = table_of(ctx);
    const ListSync s = sync(ctx);
    const std::string id = step_id();
    const std::string& t = m_spec.table.value;
    PhaseWork w;
    switch (phase) {
    case Phase::expand:
      // The join table is new and empty: its foreign keys cost nothing to validate, and their
      // brief locks on the two referenced tables run under lock_timeout.
      w.steps.push_back({.id = id + ".create_table", .sql = list_create_table_sql(s)});
      w.steps.push_back(
          {.id = id + ".side_column",
           .sql = fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} \"char\" NOT NULL "
                              "DEFAULT '0'",
                              quote_qualified(ctx.schema, t), quote_ident(list_side_column(s)))});
      w.gate.push_back(relation_check(id + ".table", ctx.schema, m_spec.into.value, 'r', true));
      w.gate.push_back(
          column_exists_check(id + ".side_column", ctx.schema, t, list_side_column(s), true));
      break;
    case Phase::dual_write:
      w.steps.push_back({.id = id + ".sync", .sql = list_install_sql(s)});
      w.gate.push_back({.id = id + ".sync",
                        .description = fmt::format("the triggers keeping {}.{} and {} in step "
                                                   "are present and enabled",
                                                   t, m_spec.column.value, m_spec.into.value),
                        .sql = list_triggers_present_sql(s)});
      break;
    case Phase::backfill: {
      w.backfills.push_back(backfill(ctx, table));
      Check parity = parity_check(w.backfills.back());
      parity.advice = "run `orchestrate backfill` to finish the copy; a row it leaves was written "
                      "around the sync triggers and must be written again through either "
                      "application";
      w.gate.push_back(std::move(parity));
      break;
    }
    case Phase::transition: {
      Check parity = parity_check(backfill(ctx, table));
      parity.advice = "these rows' join rows are not their string's items (written around the "
                      "triggers, or a parent key changed): write them again through either "
                      "application, or `orchestrate rollback`";
      w.gate.push_back(std::move(parity));
      break;
    }
    case Phase::contract:
      w.steps.push_back(
          {.id = id + ".contract",
           .sql = list_drop_sql(s) + fmt::format(";\nALTER TABLE {} DROP COLUMN IF EXISTS {}, "
                                                 "DROP COLUMN IF EXISTS {}",
                                                 quote_qualified(ctx.schema, t),
                                                 quote_ident(m_spec.column.value),
                                                 quote_ident(list_side_column(s)))});
      w.gate.push_back(column_exists_check(id + ".old_gone", ctx.schema, t, m_spec.column.value,
                                           false));
      w.gate.push_back({.id = id + ".sync_gone",
                        .description = "the sync triggers and their functions are dropped",
                        .sql = list_triggers_gone_sql(s)});
      w.gate.push_back(no_helpers_check(id + ".no_helpers", ctx.schema, t));
      w.gate.push_back(no_helpers_check(id + ".no_helpers_into", ctx.schema, m_spec.into.value));
      break;
    }
    return w;
  }

  // One transaction: the join table (with its trigger), the table's triggers and functions,
  // the marker. The string column was never touched.
  std::vector<Step> rollback(Phase, const ChangeContext& ctx) const override {
    const ListSync s = sync(ctx);
    return {{.id = "rollback." + step_id() + ".drop",
             .sql = fmt::format("DROP TABLE IF EXISTS {};\n{};\nALTER TABLE {} DROP COLUMN IF "
                                "EXISTS {}",
                                quote_qualified(ctx.schema, m_spec.into.value), list_drop_sql(s),
                                quote_qualified(ctx.schema, m_spec.table.value),
                                quote_ident(list_side_column(s)))}};
  }

  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    return {{.mark = m_spec.column.mark,
             .what = "explode_list",
             .sql = list_malformed_sql(sync(ctx)),
             .counts_rows = true,
             .notice_only = m_spec.skip_malformed,
             .advice = m_spec.skip_malformed
                           ? "they get no join row (malformed: skip)"
                           : "fix them, or say `malformed: skip` to leave those items out"}};
  }

  // The backfill walks the table and writes the join rows of each.
  ChangeFacts facts() const override {
    return {.table = m_spec.table.value, .needs_backfill = true};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_spec.table.value);
    if (table == nullptr) {
      return;
    }
    const ListSync s = sync(ctx);
    std::erase_if(table->columns, [&](const Column& c) { return c.name == m_spec.column.value; });
    Table into;
    into.schema = ctx.schema;
    into.name = m_spec.into.value;
    into.columns = {{.name = s.owner_column, .type = s.key_type, .not_null = true},
                    {.name = s.item_column, .type = s.item_type, .not_null = true}};
    const std::string pkey = fit_identifier(into.name + "_pkey");
    into.indexes = {{.name = pkey,
                     .columns = {s.owner_column, s.item_column},
                     .unique = true,
                     .primary = true,
                     .constraint = pkey}};
    catalog.tables.emplace(ctx.schema + "." + into.name, into);
  }

private:
  std::string step_id() const {
    return fmt::format("explode_list.{}.{}", m_spec.table.value, m_spec.column.value);
  }

  const Table& table_of(const ChangeContext& ctx) const {
    return *ctx.before.table(ctx.schema, m_spec.table.value);
  }

  static std::string primary_key(const Table& table) {
    for (const auto& i : table.indexes) {
      if (i.primary && i.columns.size() == 1) {
        return i.columns[0];
      }
    }
    return "";
  }

  ListSync sync(const ChangeContext& ctx) const {
    const Table& table = table_of(ctx);
    const Table* parent = ctx.before.table(ctx.schema, m_spec.references.table.value);
    const std::string key = primary_key(table);
    const Column* key_column = table.column(key);
    const Column* item = parent != nullptr ? parent->column(m_spec.references.column.value)
                                           : nullptr;
    return {.plan = ctx.plan,
            .schema = ctx.schema,
            .table = table.name,
            .key = key,
            .key_type = key_column != nullptr ? key_column->type : "bigint",
            .column = m_spec.column.value,
            .delimiter = m_spec.delimiter.value,
            .into = m_spec.into.value,
            .owner_column = m_spec.owner_column.value,
            .item_column = m_spec.item_column.value,
            .parent = m_spec.references.table.value,
            .parent_column = m_spec.references.column.value,
            .item_type = item != nullptr ? item->type : "bigint"};
  }

  BackfillSpec backfill(const ChangeContext& ctx, const Table& table) const {
    const ListSync s = sync(ctx);
    BackfillSpec b = make_backfill(step_id(), ctx.schema, table, list_backfill_assignments(s),
                                   list_pending_sql(s));
    b.invalid = list_invalid_sql(s);
    return b;
  }

  ExplodeListSpec m_spec;
};

} // namespace

std::unique_ptr<Change> parse_explode_list(Fields& fields) {
  fields.expect({"table", "column", "into", "references", "delimiter", "owner_column",
                 "item_column", "malformed"});
  ExplodeListSpec spec;
  spec.table = fields.required_identifier("table");
  spec.column = fields.required_identifier("column");
  spec.into = fields.required_identifier("into");
  auto references = parse_column_reference(fields, "references");
  if (auto d = fields.optional_string("delimiter")) {
    spec.delimiter = *d;
  }
  auto owner = fields.optional_identifier("owner_column");
  auto item = fields.optional_identifier("item_column");
  const auto malformed = fields.optional_string("malformed");
  fields.finish();
  if (!references) {
    fields.fail(fields.mark(), "explode_list: 'references' is required: the table(column) each "
                               "item is a key of");
  }
  spec.references = *references;
  spec.owner_column = owner ? *owner
                            : Located<std::string>{singular(spec.table.value) + "_id", spec.table.mark};
  spec.item_column =
      item ? *item
           : Located<std::string>{singular(spec.references.table.value) + "_id",
                                  spec.references.table.mark};
  if (spec.delimiter.value.empty()) {
    fields.fail(spec.delimiter.mark, "explode_list: 'delimiter' must not be empty");
  }
  if (malformed) {
    if (malformed->value == "skip") {
      spec.skip_malformed = true;
    } else if (malformed->value != "refuse") {
      fields.fail(malformed->mark, "explode_list: 'malformed' must be refuse (validate refuses "
                                   "the plan while rows hold malformed items) or skip (they get "
                                   "no join row)");
    }
  }
  return std::make_unique<ExplodeList>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json explode_list_fields() {
  using namespace json_fields;
  return object(
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
}
} // namespace

ChangeKind change_kind_explode_list() {
  return {.name = "explode_list",
          .doc = "Turns a delimited string (\"1,5,22\") into a join table: into is created at "
                 "expand with a foreign key to each side (both cascading) and a composite primary "
                 "key, and filled by the backfill with string_to_array/unnest. Until contract the "
                 "old application's writes of the string replace that row's join rows, and the "
                 "new application's writes of the join table rebuild the string (its items in "
                 "order); neither rewrites what the other wrote (a parent row deleted takes its "
                 "join rows and the strings keep naming it; a parent key changed is carried into "
                 "both). Contract drops the string. Items that are not integers or name no row "
                 "are malformed: validate counts the rows holding any and refuses the plan "
                 "(malformed: refuse, the default) or shows the count and leaves them out (skip). "
                 "owner_column and item_column name the join table's columns (default `<table, "
                 "singular>_id` and `<referenced table, singular>_id`: post_id and tag_id in the "
                 "example).",
          .example = text_block(R"yaml(
- explode_list: {table: posts, column: tag_ids, into: post_tags, references: tags(id),
                 delimiter: ",", malformed: refuse}
)yaml"),
          .parse = &parse_explode_list,
          .fields = &explode_list_fields};
}

} // namespace orchestrate
