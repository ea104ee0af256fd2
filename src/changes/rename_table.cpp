// rename_table: the table takes its new name at expand, and an auto-updatable view under the
// old name keeps the old application working (views need no trigger: PostgreSQL writes through
// a plain one-table projection by itself, with the table's defaults and triggers) until
// contract drops it.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/version_schema.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class RenameTable final : public Change {
public:
  RenameTable(Located<std::string> from, Located<std::string> to)
      : m_from(std::move(from)), m_to(std::move(to)) {}

  std::string_view kind() const override { return "rename_table"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_from.value, .mark = m_from.mark}, {.table = m_to.value, .mark = m_to.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    require_table(ctx, m_from);
    if (ctx.before.table(ctx.schema, m_to.value) != nullptr) {
      throw PlanError(ctx.file, m_to.mark.line, m_to.mark.column,
                      fmt::format("rename_table: table {}.{} already exists", ctx.schema,
                                  m_to.value));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_from.value);
    const std::string id = fmt::format("rename_table.{}.{}", m_from.value, m_to.value);
    const std::string from = quote_qualified(ctx.schema, m_from.value);
    const std::string to = quote_qualified(ctx.schema, m_to.value);
    PhaseWork w;
    if (phase == Phase::expand) {
      std::string cols;
      for (const auto& c : table.columns) {
        cols += (cols.empty() ? "" : ", ") + quote_ident(c.name);
      }
      // One transaction: no statement of the old application ever finds the old name missing.
      w.steps.push_back(
          {.id = id + ".rename",
           .sql = fmt::format("DO $orc$ BEGIN\n"
                              "  IF to_regclass({}) IS NULL THEN\n"
                              "    ALTER TABLE {} RENAME TO {};\n"
                              "    CREATE VIEW {} AS SELECT {} FROM {};\n"
                              "  END IF;\nEND $orc$;\n{}",
                              quote_literal(to), from, quote_ident(m_to.value), from, cols, to,
                              copy_grants_sql(to, from))});
      w.gate.push_back(relkind_check(id + ".table", ctx, m_to.value, "r', 'p"));
      w.gate.push_back(relkind_check(id + ".view", ctx, m_from.value, "v"));
    } else if (phase == Phase::contract) {
      w.steps.push_back({.id = id + ".drop_view", .sql = drop_view_sql(ctx)});
      w.gate.push_back(relkind_check(id + ".table", ctx, m_to.value, "r', 'p"));
      w.gate.push_back({.id = id + ".old_name_gone",
                        .description = fmt::format("nothing is named {} any more", m_from.value),
                        .sql = fmt::format("SELECT to_regclass({}) IS NULL", quote_literal(from))});
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    const std::string id = fmt::format("rollback.rename_table.{}.{}", m_from.value, m_to.value);
    const std::string from = quote_qualified(ctx.schema, m_from.value);
    const std::string to = quote_qualified(ctx.schema, m_to.value);
    // One transaction, the view first (the order in which a statement through the view locks
    // them): behind a long transaction it waits and retries as a whole, and the old name is a
    // view or the table at every moment, never missing.
    return {{.id = id + ".restore",
             .sql = fmt::format(
                 "DO $orc$ BEGIN\n"
                 "  IF to_regclass({0}) IS NOT NULL AND (to_regclass({1}) IS NULL OR "
                 "EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass({1}) AND relkind "
                 "= 'v')) THEN\n"
                 "    DROP VIEW IF EXISTS {2};\n"
                 "    ALTER TABLE {3} RENAME TO {4};\n"
                 "  END IF;\nEND $orc$",
                 quote_literal(to), quote_literal(from), from, to, quote_ident(m_from.value))}};
  }

  ChangeFacts facts() const override {
    return {.table = m_from.value, .removes_table = true, .table_renamed_to = m_to.value};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    auto it = catalog.tables.find(ctx.schema + "." + m_from.value);
    if (it == catalog.tables.end()) {
      return;
    }
    Table t = it->second;
    catalog.tables.erase(it);
    t.name = m_to.value;
    catalog.tables.emplace(ctx.schema + "." + m_to.value, std::move(t));
  }

private:
  // Drops the view under the old name, never a table that has taken the name back.
  std::string drop_view_sql(const ChangeContext& ctx) const {
    return fmt::format("DO $orc$ BEGIN\n"
                       "  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass({}) AND "
                       "relkind = 'v') THEN\n"
                       "    DROP VIEW {};\n"
                       "  END IF;\nEND $orc$",
                       quote_literal(quote_qualified(ctx.schema, m_from.value)),
                       quote_qualified(ctx.schema, m_from.value));
  }

  Check relkind_check(const std::string& id, const ChangeContext& ctx, const std::string& name,
                      const std::string& kinds) const {
    return {.id = id,
            .description = fmt::format("{} is a {}", name, kinds == "v" ? "view" : "table"),
            .sql = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass({}) AND "
                        "relkind IN ('{}'))",
                        quote_literal(quote_qualified(ctx.schema, name)), kinds)};
  }

  Located<std::string> m_from;
  Located<std::string> m_to;
};

} // namespace

std::unique_ptr<Change> parse_rename_table(Fields& fields) {
  fields.expect({"from", "to"});
  auto from = fields.required_identifier("from");
  auto to = fields.required_identifier("to");
  fields.finish();
  if (from.value == to.value) {
    fields.fail(to.mark, "rename_table: 'to' is the same as 'from'");
  }
  return std::make_unique<RenameTable>(std::move(from), std::move(to));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json rename_table_fields() {
  using namespace json_fields;
  return object({{"from", ident("current table name")},
                              {"to", ident("new table name")}},
                             {"from", "to"});
}
} // namespace

ChangeKind change_kind_rename_table() {
  return {.name = "rename_table",
          .doc = "Renames a table at expand; the old name stays alive as an updatable view over "
                 "it until contract drops the view, so the old application keeps reading and "
                 "writing it.",
          .example = text_block(R"yaml(
- rename_table: {from: comments, to: posts}
)yaml"),
          .parse = &parse_rename_table,
          .fields = &rename_table_fields};
}

} // namespace orchestrate
