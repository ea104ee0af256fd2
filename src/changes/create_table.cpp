// create_table: a new table is invisible to the old application, so it is simply created at
// expand (CREATE TABLE IF NOT EXISTS, in one transaction); the other phases only check that it
// is there. Rollback drops it, with whatever the new application wrote into it.
#include <fmt/format.h>

#include "changes/common.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kinds.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "plan/fields.hpp"
#include "core/ranges.hpp"

namespace orchestrate {

namespace {

struct NewColumn {
  Located<std::string> name;
  Located<std::string> type;
  bool nullable = true;
  std::optional<Located<std::string>> default_sql;
  bool primary_key = false;
  std::optional<ColumnReference> references;
  std::optional<Located<std::string>> comment;
};

class CreateTable final : public Change {
public:
  CreateTable(Located<std::string> table,
              std::vector<NewColumn> columns,
              std::vector<Located<std::string>> primary_key)
      : m_table(std::move(table)), m_columns(std::move(columns)),
        m_primary_key(std::move(primary_key)) {}

  std::string_view kind() const override { return "create_table"; }

  std::vector<Touch> touches() const override {
    return {{m_table.value, "", true, m_table.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    if (ctx.before.table(ctx.schema, m_table.value) != nullptr ||
        relation_name_taken(ctx.before, ctx.schema, m_table.value)) {
      throw PlanError(ctx.file, m_table.mark.line, m_table.mark.column,
                      fmt::format("create_table: {}.{} already exists", ctx.schema,
                                  m_table.value));
    }
    for (const auto& c : m_columns) {
      if (c.references && c.references->table.value != m_table.value) {
        require_reference(ctx, *c.references);
      }
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const std::string id = "create_table." + m_table.value;
    PhaseWork w;
    if (phase == Phase::expand) {
      w.steps.push_back({id + ".create", create_sql(ctx)});
    }
    w.gate.push_back(relation_check(id + ".exists", ctx.schema, m_table.value, 'r', true));
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    return {{"rollback.create_table." + m_table.value,
             "DROP TABLE IF EXISTS " + quote_qualified(ctx.schema, m_table.value)}};
  }

  // Each default compiles into a column of its type. A default reads no column, so the row
  // is empty: a column's `type` may carry clauses (GENERATED ... AS IDENTITY) that only its own
  // definition takes.
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    (void)ctx;
    std::vector<LiveCheck> out;
    for (const auto& c : m_columns) {
      if (c.default_sql) {
        out.push_back(
            default_compiles("create_table.default", *c.default_sql, c.type.value, {}, nullptr));
      }
    }
    return out;
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table t;
    t.schema = ctx.schema;
    t.name = m_table.value;
    t.created_by_plan = true;
    std::vector<std::string> key = primary_key();
    for (const auto& c : m_columns) {
      t.columns.push_back(Column{
          .name = c.name.value,
          .type = c.type.value,
          .not_null =
              !c.nullable || contains(key, c.name.value),
          .collation = std::nullopt,
          .default_sql = c.default_sql ? std::optional<std::string>(c.default_sql->value)
                                       : std::nullopt,
          .default_volatile = c.default_sql && expression_may_be_volatile(c.default_sql->value),
          .identity = false,
          .generated = false,
          .comment = c.comment ? std::optional<std::string>(c.comment->value) : std::nullopt});
      if (c.references) {
        t.constraints.push_back({fit_identifier(m_table.value + "_" + c.name.value + "_fkey"), 'f',
                                 "", {c.name.value}, true, c.references->table.value,
                                 {c.references->column.value}});
      }
    }
    if (!key.empty()) {
      const std::string pkey = fit_identifier(m_table.value + "_pkey");
      t.indexes.push_back({pkey, "", key, true, true, true, false, pkey});
      t.constraints.push_back({pkey, 'p', "", key, true, "", {}});
    }
    catalog.tables[ctx.schema + "." + m_table.value] = std::move(t);
  }

private:
  std::vector<std::string> primary_key() const {
    std::vector<std::string> key;
    for (const auto& k : m_primary_key) {
      key.push_back(k.value);
    }
    for (const auto& c : m_columns) {
      if (c.primary_key) {
        key.push_back(c.name.value);
      }
    }
    return key;
  }

  std::string create_sql(const ChangeContext& ctx) const {
    std::string body;
    for (const auto& c : m_columns) {
      std::string line = fmt::format("  {} {}", quote_ident(c.name.value), c.type.value);
      if (!c.nullable) {
        line += " NOT NULL";
      }
      if (c.default_sql) {
        line += " DEFAULT " + c.default_sql->value;
      }
      if (c.references) {
        line += fmt::format(" REFERENCES {} ({})",
                            quote_qualified(ctx.schema, c.references->table.value),
                            quote_ident(c.references->column.value));
      }
      body += (body.empty() ? "" : ",\n") + line;
    }
    auto key = primary_key();
    if (!key.empty()) {
      std::string cols;
      for (const auto& k : key) {
        cols += (cols.empty() ? "" : ", ") + quote_ident(k);
      }
      body += ",\n  PRIMARY KEY (" + cols + ")";
    }
    std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (\n{}\n)",
                                  quote_qualified(ctx.schema, m_table.value), body);
    // In the same transaction: the table never exists without its comments.
    for (const auto& c : m_columns) {
      if (c.comment) {
        sql += fmt::format(";\nCOMMENT ON COLUMN {}.{} IS {}",
                           quote_qualified(ctx.schema, m_table.value), quote_ident(c.name.value),
                           quote_literal(c.comment->value));
      }
    }
    return sql;
  }

  Located<std::string> m_table;
  std::vector<NewColumn> m_columns;
  std::vector<Located<std::string>> m_primary_key;
};

} // namespace

std::unique_ptr<Change> parse_create_table(Fields& fields) {
  fields.expect({"table", "columns", "primary_key"});
  auto table = fields.required_identifier("table");
  YAML::Node list = fields.required_node("columns");
  if (!list.IsSequence() || list.size() == 0) {
    fields.fail(list, "create_table: 'columns' must be a non-empty list");
  }
  std::vector<NewColumn> columns;
  for (const auto& item : list) {
    Fields f(item, fields.file(), "create_table column");
    f.expect({"name", "type", "nullable", "default", "primary_key", "references", "comment"});
    NewColumn c;
    c.name = f.required_identifier("name");
    c.type = f.required_string("type");
    if (auto n = f.optional_bool("nullable")) {
      c.nullable = n->value;
    }
    if (auto d = f.optional_string("default")) {
      c.default_sql = *d;
    }
    if (auto p = f.optional_bool("primary_key")) {
      c.primary_key = p->value;
    }
    c.references = parse_column_reference(f, "references");
    c.comment = f.optional_string("comment");
    if (c.comment && c.comment->value.empty()) {
      c.comment.reset(); // PostgreSQL stores an empty comment as none
    }
    f.finish();
    for (const auto& earlier : columns) {
      if (earlier.name.value == c.name.value) {
        f.fail(c.name.mark, "create_table: column " + c.name.value + " is listed twice");
      }
    }
    columns.push_back(std::move(c));
  }
  std::vector<Located<std::string>> primary_key;
  YAML::Node pk = fields.optional_node("primary_key");
  if (pk.IsDefined()) {
    if (pk.IsScalar()) {
      primary_key.push_back({pk.Scalar(), mark_of(pk)});
      if (!is_plain_identifier(pk.Scalar())) {
        fields.fail(pk, "create_table: 'primary_key' must be a plain name or a list of them");
      }
    } else {
      primary_key = fields.required_identifier_list("primary_key");
    }
  }
  fields.finish();
  bool column_keys = false;
  for (const auto& c : columns) {
    column_keys = column_keys || c.primary_key;
  }
  if (column_keys && !primary_key.empty()) {
    fields.fail(primary_key[0].mark, "create_table: give the primary key either on the columns or "
                                     "as 'primary_key', not both");
  }
  for (const auto& k : primary_key) {
    bool found = false;
    for (const auto& c : columns) {
      found = found || c.name.value == k.value;
    }
    if (!found) {
      fields.fail(k.mark, "create_table: primary key column " + k.value + " is not in 'columns'");
    }
  }
  return std::make_unique<CreateTable>(std::move(table), std::move(columns),
                                       std::move(primary_key));
}

} // namespace orchestrate
