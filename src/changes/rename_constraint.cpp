// rename_constraint: the old application may name the constraint (ON CONFLICT ON CONSTRAINT,
// an error handler matching its name), so the rename waits for contract, when it is retired.
// RENAME CONSTRAINT changes the catalog only (no scan; a short lock under lock_timeout). A
// UNIQUE, PRIMARY KEY or EXCLUDE constraint renames its index with it, so its new name must be
// free among the schema's relations too. Rollback before contract has nothing to undo.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

bool backed_by_index(char type) {
  return type == 'u' || type == 'p' || type == 'x';
}

class RenameConstraint final : public Change {
public:
  RenameConstraint(Located<std::string> table, Located<std::string> from, Located<std::string> to)
      : m_table(std::move(table)), m_from(std::move(from)), m_to(std::move(to)) {}

  std::string_view kind() const override { return "rename_constraint"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_table.value, .modifies = false, .mark = m_table.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    const Constraint* con = find(table, m_from.value);
    if (con == nullptr) {
      throw PlanError(ctx.file, m_from.mark.line, m_from.mark.column,
                      fmt::format("rename_constraint: table {} has no constraint {}", table.name,
                                  m_from.value));
    }
    const bool taken = backed_by_index(con->type)
                           ? index_constraint_name_taken(ctx.before, ctx.schema, table, m_to.value)
                           : constraint_name_taken(table, m_to.value);
    if (taken) {
      throw PlanError(
          ctx.file, m_to.mark.line, m_to.mark.column,
          fmt::format("rename_constraint: the name {} is already taken ({})", m_to.value,
                      backed_by_index(con->type)
                          ? "a constraint with an index needs a name free among the schema's "
                            "relations and the table's constraints"
                          : "among the constraints of table " + table.name));
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    PhaseWork w;
    if (phase != Phase::contract) {
      return w;
    }
    const std::string table = quote_qualified(ctx.schema, m_table.value);
    // Guarded, so running it again after it was done is a no-op.
    w.steps.push_back(
        {.id = id("rename"),
         .sql = fmt::format("DO $orc$ BEGIN\n"
                            "  IF {} AND NOT {} THEN\n"
                            "    ALTER TABLE {} RENAME CONSTRAINT {} TO {};\n"
                            "  END IF;\nEND $orc$",
                            exists_sql(table, m_from.value), exists_sql(table, m_to.value), table,
                            quote_ident(m_from.value), quote_ident(m_to.value))});
    w.gate.push_back({.id = id("renamed"),
                      .description = fmt::format("table {} has constraint {} and no {}", m_table.value,
                                  m_to.value, m_from.value),
                      .sql = fmt::format("SELECT {} AND NOT {}", exists_sql(table, m_to.value),
                                  exists_sql(table, m_from.value))});
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& /*ctx*/) const override {
    return {}; // nothing changes before contract, after which there is no rollback
  }

  // Later changes see the constraint under its new name, and both names taken: the rename
  // happens at contract, after their expand, when the old name still holds it.
  ChangeFacts facts() const override {
    return {.table = m_table.value, .renamed_constraints = {m_from.value}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_table.value);
    if (table == nullptr) {
      return;
    }
    std::vector<Constraint> held;
    for (auto& con : table->constraints) {
      if (con.name == m_from.value) {
        held.push_back(con);
        con.name = m_to.value;
      }
    }
    for (auto& index : table->indexes) {
      if (index.constraint == m_from.value) {
        index.constraint = m_to.value;
        index.name = m_to.value;
        catalog.relations.insert(ctx.schema + "." + m_from.value);
        catalog.relations.insert(ctx.schema + "." + m_to.value);
      }
    }
    table->constraints.insert(table->constraints.end(), held.begin(), held.end());
  }

private:
  static const Constraint* find(const Table& table, const std::string& name) {
    for (const auto& con : table.constraints) {
      if (con.name == name) {
        return &con;
      }
    }
    return nullptr;
  }

  static std::string exists_sql(const std::string& table, const std::string& name) {
    return fmt::format("EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = {}::regclass AND "
                       "conname = {})",
                       quote_literal(table), quote_literal(name));
  }

  std::string id(const std::string& what) const {
    return fmt::format("rename_constraint.{}.{}.{}", m_table.value, m_from.value, what);
  }

  Located<std::string> m_table;
  Located<std::string> m_from;
  Located<std::string> m_to;
};

} // namespace

std::unique_ptr<Change> parse_rename_constraint(Fields& fields) {
  fields.expect({"table", "from", "to"});
  auto table = fields.required_identifier("table");
  auto from = fields.required_identifier("from");
  auto to = fields.required_identifier("to");
  fields.finish();
  if (from.value == to.value) {
    fields.fail(to.mark, "rename_constraint: 'to' is the same as 'from'");
  }
  return std::make_unique<RenameConstraint>(std::move(table), std::move(from), std::move(to));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json rename_constraint_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"from", ident("current constraint name")},
       {"to", ident("new constraint name, taken at contract")}},
      {"table", "from", "to"});
}
} // namespace

ChangeKind change_kind_rename_constraint() {
  return {.name = "rename_constraint",
          .doc = "Renames a constraint at contract, once the old application (which may name it "
                 "in ON CONFLICT ON CONSTRAINT or match it in error handling) is retired. The new "
                 "name must be free as PostgreSQL scopes it: among the table's constraints, and "
                 "for a UNIQUE, PRIMARY KEY or EXCLUDE constraint, which renames its index too, "
                 "among the schema's relations (tables, indexes, views, sequences).",
          .example = text_block(R"yaml(
- rename_constraint: {table: accounts, from: balance_not_negative, to: balance_positive}
)yaml"),
          .parse = &parse_rename_constraint,
          .fields = &rename_constraint_fields};
}

} // namespace orchestrate
