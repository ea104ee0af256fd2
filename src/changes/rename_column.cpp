// rename_column: a new column under the new name, kept equal to the old one by a trigger,
// backfilled, constrained like the old one, and finally the only one left; or, with
// `copy: false`, the same column shown under both names by the version schemas and renamed in
// place at contract (rename_in_place.hpp).
#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/column_transition.hpp"
#include "changes/rename_in_place.hpp"
#include "changes/version_schema.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

std::string twin_name(const std::string& name, const std::string& from, const std::string& to) {
  auto pos = name.find(from);
  if (pos != std::string::npos) {
    return fit_identifier(name.substr(0, pos) + to + name.substr(pos + from.size()));
  }
  return fit_identifier(name + "_" + to);
}

class RenameColumn final : public Change, public Versioned {
public:
  RenameColumn(Located<std::string> table,
               Located<std::string> from,
               Located<std::string> to,
               std::optional<Located<bool>> copy)
      : m_table(std::move(table)), m_from(std::move(from)), m_to(std::move(to)),
        m_copy(std::move(copy)) {}

  std::string_view kind() const override { return "rename_column"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_table.value, .column = m_from.value, .mark = m_from.mark},
            {.table = m_table.value, .column = m_to.value, .mark = m_to.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    require_column(ctx, table, m_from);
    require_no_column(ctx, table, m_to);
    require_replaceable_column(ctx, table, m_from, "rename_column");
    require_row_key(ctx, table, m_table.mark);
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    if (!copies()) {
      return rename_in_place_work(in_place(ctx), phase);
    }
    return transition_work(describe(ctx), phase, table_of(ctx));
  }

  // In place, nothing on the table changes before contract; the planner drops the version
  // schemas.
  std::vector<Step> rollback(Phase, const ChangeContext& ctx) const override {
    if (!copies()) {
      return {};
    }
    return transition_rollback(describe(ctx), table_of(ctx));
  }

  std::vector<LiveCheck> live_checks(const ChangeContext&) const override {
    if (!copies()) {
      return {version_schemas_required(m_copy->mark, "rename_column.copy")};
    }
    return {};
  }

  // In place, the new application reads the old column under the new name until contract.
  std::vector<VersionedColumn> version_columns(const ChangeContext&) const override {
    if (!copies()) {
      return {{.table = m_table.value, .column = m_to.value, .physical = m_from.value}};
    }
    return {};
  }

  // The old name goes at contract; with copy: false nothing is copied.
  ChangeFacts facts() const override {
    return {.table = m_table.value, .removed = {m_from.value}, .needs_backfill = copies()};
  }

  // After contract the column stands last, under its new name; renamed in place, where it was.
  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_table.value);
    if (table == nullptr) {
      return;
    }
    auto& cols = table->columns;
    auto it = std::find_if(cols.begin(), cols.end(),
                           [&](const Column& c) { return c.name == m_from.value; });
    if (it != cols.end() && !copies()) {
      it->name = m_to.value;
    } else if (it != cols.end()) {
      Column moved = *it;
      moved.name = m_to.value;
      cols.erase(it);
      cols.push_back(std::move(moved));
    }
    for (auto& index : table->indexes) {
      std::replace(index.columns.begin(), index.columns.end(), m_from.value, m_to.value);
    }
    for (auto& con : table->constraints) {
      std::replace(con.columns.begin(), con.columns.end(), m_from.value, m_to.value);
    }
  }

private:
  bool copies() const { return !m_copy || m_copy->value; }

  RenameInPlace in_place(const ChangeContext& ctx) const {
    return {.id = fmt::format("rename_column.{}.{}", m_table.value, m_to.value),
            .schema = ctx.schema,
            .table = m_table.value,
            .from = m_from.value,
            .to = m_to.value};
  }

  const Table& table_of(const ChangeContext& ctx) const {
    return *ctx.before.table(ctx.schema, m_table.value);
  }

  // A new column under the new name, copied both ways (an exact round trip), constrained and
  // indexed like the old one, which contract drops.
  ColumnTransition describe(const ChangeContext& ctx) const {
    const Table& table = table_of(ctx);
    const Column& column = *table.column(m_from.value);
    ColumnTransition t;
    t.kind = "rename_column";
    t.id = fmt::format("rename_column.{}.{}", m_table.value, m_to.value);
    t.plan = ctx.plan;
    t.schema = ctx.schema;
    t.table = m_table;
    t.name = m_to.value;
    t.added.push_back({.name = m_to.value,
                       .type = column.type,
                       .collation = column.collation,
                       .default_sql = column.default_sql,
                       .default_volatile = column.default_volatile,
                       .not_null = column.not_null,
                       .up = {m_from.value, m_from.mark},
                       .up_is_copy = true,
                       .comment = column.comment});
    t.old_side.push_back({.name = m_from.value, .down = {m_to.value, m_to.mark}, .down_is_copy = true});
    t.new_view = physical_view(table);
    for (auto& c : t.new_view) {
      if (c.name == m_from.value) {
        c.name = m_to.value;
        c.physical = m_to.value;
      }
    }
    t.twins = find_twins(table, m_from.value, m_to.value, [&](const std::string& name) {
      return twin_name(name, m_from.value, m_to.value);
    });
    t.drop_at_contract = {m_from.value};
    if (column.default_volatile) {
      t.sequence_owner = std::make_pair(m_from.value, m_to.value);
    }
    return t;
  }

  Located<std::string> m_table;
  Located<std::string> m_from;
  Located<std::string> m_to;
  std::optional<Located<bool>> m_copy;
};

} // namespace

std::unique_ptr<Change> parse_rename_column(Fields& fields) {
  fields.expect({"table", "from", "to", "copy"});
  auto table = fields.required_identifier("table");
  auto from = fields.required_identifier("from");
  auto to = fields.required_identifier("to");
  auto copy = fields.optional_bool("copy");
  fields.finish();
  if (from.value == to.value) {
    fields.fail(to.mark, "rename_column: 'to' is the same as 'from'");
  }
  return std::make_unique<RenameColumn>(std::move(table), std::move(from), std::move(to),
                                        std::move(copy));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json rename_column_fields() {
  using namespace json_fields;
  return object({{"table", ident("table")},
                               {"from", ident("current column name")},
                               {"to", ident("new column name")},
                               {"copy", boolean("false: no new column, trigger or backfill; the "
                                                "version schemas show the column under both "
                                                "names and contract renames it in place (needs "
                                                "CREATE on the database; default true)")}},
                              {"table", "from", "to"});
}
} // namespace

ChangeKind change_kind_rename_column() {
  return {.name = "rename_column",
          .doc = "Renames a column; both names work until contract. A new column under the new "
                 "name is kept equal to the old one by a trigger, backfilled, constrained like "
                 "the old one, and after contract the only one left. With copy: false nothing is "
                 "copied, for applications that use the version schemas (see *Stable shapes*): no "
                 "new column, trigger or backfill; the new application's version schema shows the "
                 "column under its new name, and contract renames the column in place (a catalog "
                 "change under a lock held for a moment, no row rewritten; indexes and "
                 "constraints keep their names). validate refuses copy: false when the role may "
                 "not CREATE on the database.",
          .example = text_block(R"yaml(
- rename_column: {table: users, from: phone_number, to: phone}
# Without copying anything: the version schemas show both names.
- rename_column: {table: users, from: fax_number, to: fax, copy: false}
)yaml"),
          .parse = &parse_rename_column,
          .fields = &rename_column_fields};
}

} // namespace orchestrate
