// add_unique: the unique index is built CONCURRENTLY at expand (writes go on; an invalid
// leftover of a failed build is dropped and rebuilt) and becomes a UNIQUE constraint with
// USING INDEX at transition, which only takes a brief lock and scans nothing. With `column`,
// `up` and `down`, rows that would break it are rewritten through a shadow column, which alone
// gets the key (shadow_column.hpp, DataFix).
#include <fmt/format.h>

#include "changes/common.hpp"
#include "changes/kinds.hpp"
#include "changes/shadow_column.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class AddUnique final : public Change {
public:
  AddUnique(Located<std::string> table,
            Located<std::string> name,
            std::vector<Located<std::string>> columns)
      : m_table(std::move(table)), m_name(std::move(name)), m_columns(std::move(columns)) {}

  std::string_view kind() const override { return "add_unique"; }

  std::vector<Touch> touches() const override {
    std::vector<Touch> out;
    for (const auto& c : m_columns) {
      out.push_back({m_table.value, c.value, false, c.mark});
    }
    return out;
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    for (const auto& c : m_columns) {
      require_column(ctx, table, c);
    }
    if (index_constraint_name_taken(ctx.before, ctx.schema, table, m_name.value)) {
      throw PlanError(ctx.file, m_name.mark.line, m_name.mark.column,
                      fmt::format("add_unique: the name {} is already taken", m_name.value));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const std::string id = fmt::format("add_unique.{}.{}", m_table.value, m_name.value);
    PhaseWork w;
    switch (phase) {
    case Phase::expand: {
      std::string cols;
      for (const auto& c : m_columns) {
        cols += (cols.empty() ? "" : ", ") + quote_ident(c.value);
      }
      for (auto& s : build_index_steps(id + ".index", ctx.schema, m_table.value, m_name.value,
                                       true, "USING btree (" + cols + ")")) {
        w.steps.push_back(std::move(s));
      }
      w.gate.push_back(index_valid_check(id + ".index", ctx.schema, m_name.value));
      break;
    }
    case Phase::transition:
      w.steps.push_back({id + ".constraint",
                         add_constraint_sql(ctx.schema, m_table.value, m_name.value,
                                            "UNIQUE USING INDEX " + quote_ident(m_name.value))});
      w.gate.push_back(constraint_check(id + ".constraint", ctx.schema, m_table.value,
                                        m_name.value, true));
      break;
    case Phase::contract:
      w.gate.push_back(constraint_check(id + ".constraint", ctx.schema, m_table.value,
                                        m_name.value, true));
      w.gate.push_back(index_valid_check(id + ".index", ctx.schema, m_name.value));
      break;
    default:
      break;
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    const std::string id = fmt::format("rollback.add_unique.{}.{}", m_table.value, m_name.value);
    // The constraint owns the index once attached; dropping it drops the index too.
    return {{id + ".constraint",
             fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                         quote_qualified(ctx.schema, m_table.value), quote_ident(m_name.value))},
            drop_index_step(id + ".index", ctx.schema, m_name.value)};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    if (Table* table = catalog.table(ctx.schema, m_table.value)) {
      std::vector<std::string> cols;
      for (const auto& c : m_columns) {
        cols.push_back(c.value);
      }
      table->indexes.push_back({m_name.value, "", cols, true, false, true, false, m_name.value});
      table->constraints.push_back({m_name.value, 'u', "", cols, true, "", {}});
    }
  }

private:
  Located<std::string> m_table;
  Located<std::string> m_name;
  std::vector<Located<std::string>> m_columns;
};

} // namespace

std::unique_ptr<Change> parse_add_unique(Fields& fields) {
  fields.expect({"table", "name", "columns", "column", "up", "down"});
  auto table = fields.required_identifier("table");
  auto name = fields.required_identifier("name");
  auto columns = fields.required_identifier_list("columns");
  const DataFix fix = read_data_fix(fields);
  fields.finish();
  if (fix.given()) {
    ShadowRule rule{.name = name, .type = 'u'};
    for (const auto& c : columns) {
      rule.columns.push_back(c.value);
    }
    return data_fix_change(fix, "add_unique", table, std::move(rule), fields);
  }
  return std::make_unique<AddUnique>(std::move(table), std::move(name), std::move(columns));
}

} // namespace orchestrate
