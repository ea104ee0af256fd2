// create_table: a new table is invisible to the old application, so it is simply created at
// expand (CREATE TABLE IF NOT EXISTS, in one transaction); the other phases only check that it
// is there. Rollback drops it, with whatever the new application wrote into it.
//
// A new table has no readers and no rows, so every option goes into that one statement:
// generated and identity columns, named column constraints (unique, check, references with
// their actions and deferral), the named primary key, the table constraints of `constraints:`
// (unique, check, primary_key, foreign_key, exclude), and the table's and columns' comments
// in the same transaction.
#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "changes/new_column.hpp"
#include "changes/table_constraints.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/ranges.hpp"
#include "plan/fields.hpp"

namespace orchestrate {

namespace {

struct TableSpec {
  Located<std::string> table{};
  std::vector<NewColumn> columns{};
  std::vector<Located<std::string>> primary_key{};
  std::optional<Located<std::string>> primary_key_name{};
  std::vector<TableConstraint> constraints{};
  std::optional<Located<std::string>> comment{};
};

// A name the table's new constraints (and the indexes of some) take, where the plan gave it.
struct NewName {
  std::string name{};
  Mark mark{};
  bool index = false;
};

class CreateTable final : public Change {
public:
  explicit CreateTable(TableSpec spec) : m_spec(std::move(spec)) {}

  std::string_view kind() const override { return "create_table"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_spec.table.value, .mark = m_spec.table.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const auto& table = m_spec.table;
    if (ctx.before.table(ctx.schema, table.value) != nullptr ||
        relation_name_taken(ctx.before, ctx.schema, table.value)) {
      throw PlanError(ctx.file, table.mark.line, table.mark.column,
                      fmt::format("create_table: {}.{} already exists", ctx.schema, table.value));
    }
    for (const auto& c : m_spec.columns) {
      if (c.references && c.references->table.value != table.value) {
        require_reference(ctx, *c.references);
      }
    }
    for (const auto& k : m_spec.constraints) {
      if (k.type != "foreign_key" || k.ref_table->value == table.value) {
        continue;
      }
      const Table& ref = require_table(ctx, *k.ref_table);
      for (const auto& c : k.ref_columns) {
        require_column(ctx, ref, c);
      }
    }
    // One namespace for the table's constraints; the schema's relations for those with an
    // index (and the table itself).
    std::vector<std::string> seen;
    for (const auto& n : names()) {
      const bool taken = n.index && (n.name == table.value ||
                                     relation_name_taken(ctx.before, ctx.schema, n.name));
      if (taken || contains(seen, n.name)) {
        throw PlanError(ctx.file, n.mark.line, n.mark.column,
                        fmt::format("create_table: the name {} is already taken", n.name));
      }
      seen.push_back(n.name);
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const std::string id = "create_table." + m_spec.table.value;
    PhaseWork w;
    if (phase == Phase::expand) {
      w.steps.push_back({.id = id + ".create", .sql = create_sql(ctx)});
    }
    w.gate.push_back(relation_check(id + ".exists", ctx.schema, m_spec.table.value, 'r', true));
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    return {{.id = "rollback.create_table." + m_spec.table.value,
             .sql = "DROP TABLE IF EXISTS " + quote_qualified(ctx.schema, m_spec.table.value)}};
  }

  // Each default compiles into a column of its type. A default reads no column, so the row
  // is empty: a column's `type` may carry clauses (GENERATED ... AS IDENTITY) that only its own
  // definition takes. Everything else compiles over a temporary table with the new columns,
  // each at its field: the columns themselves (one more each time), generated expressions,
  // identity options, checks, and the unique, primary key and exclusion constraints. Foreign
  // keys are checked against the catalog (a temporary table may not reference a real one).
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    (void)ctx;
    std::vector<LiveCheck> out;
    std::string columns;
    for (const auto& c : m_spec.columns) {
      columns += (columns.empty() ? "" : ", ") + quote_ident(c.name.value) + " " + c.type.value;
      out.push_back(new_table_check("create_table.type", c.type.mark, columns, "SELECT 1"));
    }
    const std::string row = "ALTER TABLE pg_temp._orc_row ";
    for (const auto& c : m_spec.columns) {
      if (c.default_sql) {
        out.push_back(
            default_compiles("create_table.default", *c.default_sql, c.type.value, {}, nullptr));
      }
      if (c.generated) {
        out.push_back(new_table_check(
            "create_table.generated", c.generated->mark, columns,
            fmt::format("{}ADD COLUMN _orc_generated {} GENERATED ALWAYS AS ({}) STORED", row,
                        c.type.value, c.generated->value)));
      }
      if (!c.identity.empty()) {
        const Mark mark = c.identity_options ? c.identity_options->mark : c.type.mark;
        out.push_back(new_table_check("create_table.identity", mark, columns,
                                      fmt::format("{}ADD COLUMN _orc_identity {}{}", row,
                                                  c.type.value, identity_sql(c))));
      }
      if (c.check) {
        out.push_back(new_table_check("create_table.check", c.check->mark, columns,
                                      row + "ADD CHECK (" + c.check->value + ")"));
      }
    }
    for (const auto& k : m_spec.constraints) {
      if (k.type == "foreign_key") {
        continue;
      }
      const Mark mark = k.check     ? k.check->mark
                        : k.elements ? k.elements->mark
                                     : k.name.mark;
      out.push_back(new_table_check("create_table.constraints", mark, columns,
                                    row + "ADD " + table_constraint_sql(k, ctx.schema)));
    }
    return out;
  }

  ChangeFacts facts() const override {
    ChangeFacts f{.table = m_spec.table.value, .creates_table = true};
    for (const auto& c : m_spec.columns) {
      const bool in_key =
          c.primary_key ||
          std::any_of(m_spec.primary_key.begin(), m_spec.primary_key.end(),
                      [&](const Located<std::string>& k) { return k.value == c.name.value; }) ||
          std::any_of(m_spec.constraints.begin(), m_spec.constraints.end(),
                      [&](const TableConstraint& k) {
                        return k.type == "primary_key" &&
                               std::any_of(k.columns.begin(), k.columns.end(),
                                           [&](const Located<std::string>& col) {
                                             return col.value == c.name.value;
                                           });
                      });
      f.creates_primary_key = f.creates_primary_key || in_key;
      f.columns.push_back({.name = c.name,
                           .type = c.type.value,
                           .mark = c.mark,
                           .in_primary_key = in_key,
                           .default_sql = c.default_sql,
                           .default_volatile =
                               c.default_sql && expression_may_be_volatile(c.default_sql->value)});
    }
    return f;
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    const std::string& name = m_spec.table.value;
    Table t;
    t.schema = ctx.schema;
    t.name = name;
    t.created_by_plan = true;
    if (m_spec.comment) {
      t.comment = m_spec.comment->value;
    }
    const std::vector<std::string> key = primary_key();
    for (const auto& c : m_spec.columns) {
      t.columns.push_back(Column{
          .name = c.name.value,
          .type = c.type.value,
          .not_null = !c.nullable || contains(key, c.name.value) || !c.identity.empty(),
          .collation = std::nullopt,
          .default_sql = c.default_sql ? std::optional<std::string>(c.default_sql->value)
                                       : std::nullopt,
          .default_volatile = c.default_sql && expression_may_be_volatile(c.default_sql->value),
          .identity = !c.identity.empty(),
          .generated = c.generated.has_value(),
          .comment = c.comment ? std::optional<std::string>(c.comment->value) : std::nullopt});
      const std::vector<std::string> cols = {c.name.value};
      if (c.unique) {
        add_index(t, column_unique_name(c), cols, false, true);
      }
      if (c.check) {
        t.constraints.push_back({.name = column_check_name(c),
                                 .type = 'c',
                                 .definition = "CHECK (" + c.check->value + ")",
                                 .columns = cols});
      }
      if (c.references) {
        add_foreign_key(catalog, t, column_fkey_name(c), cols, c.references->table.value,
                        {c.references->column.value});
      }
    }
    if (!key.empty()) {
      add_index(t, primary_key_name(), key, true, true);
    }
    for (const auto& k : m_spec.constraints) {
      const std::vector<std::string> cols = values(k.columns);
      if (k.type == "foreign_key") {
        add_foreign_key(catalog, t, k.name.value, cols, k.ref_table->value, values(k.ref_columns));
      } else if (k.type == "check") {
        t.constraints.push_back({.name = k.name.value,
                                 .type = 'c',
                                 .definition = "CHECK (" + k.check->value + ")"});
      } else {
        // An exclusion constraint's index is not unique, and its elements may be expressions.
        std::vector<std::string> indexed = cols;
        for (const auto& i : k.include) {
          indexed.push_back(i.value);
        }
        t.indexes.push_back({.name = k.name.value,
                             .columns = indexed,
                             .unique = k.type != "exclude",
                             .primary = k.type == "primary_key",
                             .uses_expression = k.type == "exclude",
                             .constraint = k.name.value,
                             .partial = k.where.has_value(),
                             .immediate = !k.deferral.deferrable});
        t.constraints.push_back({.name = k.name.value, .type = k.contype(), .columns = cols});
      }
    }
    catalog.tables[ctx.schema + "." + name] = std::move(t);
  }

private:
  static std::vector<std::string> values(const std::vector<Located<std::string>>& list) {
    std::vector<std::string> out;
    for (const auto& v : list) {
      out.push_back(v.value);
    }
    return out;
  }

  static void add_index(Table& t,
                        const std::string& name,
                        const std::vector<std::string>& cols,
                        bool primary,
                        bool immediate) {
    t.indexes.push_back({.name = name,
                         .columns = cols,
                         .unique = true,
                         .primary = primary,
                         .constraint = name,
                         .immediate = immediate});
    t.constraints.push_back({.name = name, .type = primary ? 'p' : 'u', .columns = cols});
  }

  void add_foreign_key(Catalog& catalog,
                       Table& t,
                       const std::string& name,
                       const std::vector<std::string>& cols,
                       const std::string& ref_table,
                       const std::vector<std::string>& ref_cols) const {
    t.constraints.push_back({.name = name,
                             .type = 'f',
                             .columns = cols,
                             .foreign_table = ref_table,
                             .foreign_columns = ref_cols});
    Table* ref = ref_table == t.name ? &t : catalog.table(t.schema, ref_table);
    if (ref != nullptr) {
      ref->referenced_by.push_back(
          {.name = name, .table = t.name, .referenced_columns = ref_cols});
    }
  }

  // PostgreSQL's names for the constraints the plan leaves unnamed.
  std::string column_unique_name(const NewColumn& c) const {
    return c.unique_name ? c.unique_name->value
                         : fit_identifier(m_spec.table.value + "_" + c.name.value + "_key");
  }
  std::string column_check_name(const NewColumn& c) const {
    return c.check_name ? c.check_name->value
                        : fit_identifier(m_spec.table.value + "_" + c.name.value + "_check");
  }
  std::string column_fkey_name(const NewColumn& c) const {
    return c.references->name
               ? c.references->name->value
               : fit_identifier(m_spec.table.value + "_" + c.name.value + "_fkey");
  }
  std::string primary_key_name() const {
    return m_spec.primary_key_name ? m_spec.primary_key_name->value
                                   : fit_identifier(m_spec.table.value + "_pkey");
  }

  // Every constraint name the table gets, at the field that gives or implies it.
  std::vector<NewName> names() const {
    std::vector<NewName> out;
    for (const auto& c : m_spec.columns) {
      if (c.unique) {
        out.push_back({.name = column_unique_name(c),
                       .mark = c.unique_name ? c.unique_name->mark : c.name.mark,
                       .index = true});
      }
      if (c.check) {
        out.push_back({.name = column_check_name(c),
                       .mark = c.check_name ? c.check_name->mark : c.name.mark,
                       .index = false});
      }
      if (c.references) {
        out.push_back({.name = column_fkey_name(c),
                       .mark = c.references->name ? c.references->name->mark : c.name.mark,
                       .index = false});
      }
    }
    if (!primary_key().empty()) {
      out.push_back({.name = primary_key_name(),
                     .mark = m_spec.primary_key_name ? m_spec.primary_key_name->mark
                                                     : m_spec.table.mark,
                     .index = true});
    }
    for (const auto& k : m_spec.constraints) {
      out.push_back({.name = k.name.value, .mark = k.name.mark, .index = k.has_index()});
    }
    return out;
  }

  std::vector<std::string> primary_key() const {
    std::vector<std::string> key = values(m_spec.primary_key);
    for (const auto& c : m_spec.columns) {
      if (c.primary_key) {
        key.push_back(c.name.value);
      }
    }
    return key;
  }

  static std::string identity_sql(const NewColumn& c) {
    std::string out = " GENERATED " + c.identity + " AS IDENTITY";
    if (c.identity_options) {
      out += " (" + c.identity_options->value + ")";
    }
    return out;
  }

  std::string column_sql(const NewColumn& c, const ChangeContext& ctx) const {
    std::string line = fmt::format("  {} {}", quote_ident(c.name.value), c.type.value);
    if (c.generated) {
      line += " GENERATED ALWAYS AS (" + c.generated->value + ") STORED";
    }
    if (!c.identity.empty()) {
      line += identity_sql(c);
    }
    if (!c.nullable) {
      line += " NOT NULL";
    }
    if (c.default_sql) {
      line += " DEFAULT " + c.default_sql->value;
    }
    if (c.unique) {
      line += (c.unique_name ? " CONSTRAINT " + quote_ident(c.unique_name->value) : "") +
              " UNIQUE";
    }
    if (c.check) {
      line += (c.check_name ? " CONSTRAINT " + quote_ident(c.check_name->value) : "") +
              " CHECK (" + c.check->value + ")" + (c.check_no_inherit ? " NO INHERIT" : "");
    }
    if (c.references) {
      line += (c.references->name ? " CONSTRAINT " + quote_ident(c.references->name->value)
                                  : "") +
              references_sql(ctx.schema, *c.references);
    }
    return line;
  }

  std::string create_sql(const ChangeContext& ctx) const {
    const std::string table = quote_qualified(ctx.schema, m_spec.table.value);
    std::string body;
    for (const auto& c : m_spec.columns) {
      body += (body.empty() ? "" : ",\n") + column_sql(c, ctx);
    }
    auto key = primary_key();
    if (!key.empty()) {
      std::string cols;
      for (const auto& k : key) {
        cols += (cols.empty() ? "" : ", ") + quote_ident(k);
      }
      body += ",\n  " +
              (m_spec.primary_key_name
                   ? "CONSTRAINT " + quote_ident(m_spec.primary_key_name->value) + " "
                   : std::string()) +
              "PRIMARY KEY (" + cols + ")";
    }
    for (const auto& k : m_spec.constraints) {
      body += ",\n  " + table_constraint_sql(k, ctx.schema);
    }
    std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (\n{}\n)", table, body);
    // In the same transaction: the table never exists without its comments.
    if (m_spec.comment) {
      sql += fmt::format(";\nCOMMENT ON TABLE {} IS {}", table,
                         quote_literal(m_spec.comment->value));
    }
    for (const auto& c : m_spec.columns) {
      if (c.comment) {
        sql += fmt::format(";\nCOMMENT ON COLUMN {}.{} IS {}", table, quote_ident(c.name.value),
                           quote_literal(c.comment->value));
      }
    }
    return sql;
  }

  TableSpec m_spec;
};

} // namespace

std::unique_ptr<Change> parse_create_table(Fields& fields) {
  fields.expect({"table", "columns", "primary_key", "primary_key_name", "constraints", "comment"});
  TableSpec spec;
  spec.table = fields.required_identifier("table");
  YAML::Node list = fields.required_node("columns");
  if (!list.IsSequence() || list.size() == 0) {
    fields.fail(list, "create_table: 'columns' must be a non-empty list");
  }
  for (const auto& item : list) {
    NewColumn c = parse_new_column(item, fields.file());
    for (const auto& earlier : spec.columns) {
      if (earlier.name.value == c.name.value) {
        fields.fail(c.name.mark, "create_table: column " + c.name.value + " is listed twice");
      }
    }
    spec.columns.push_back(std::move(c));
  }
  YAML::Node pk = fields.optional_node("primary_key");
  if (pk.IsDefined()) {
    if (pk.IsScalar()) {
      spec.primary_key.push_back({pk.Scalar(), mark_of(pk)});
      if (!is_plain_identifier(pk.Scalar())) {
        fields.fail(pk, "create_table: 'primary_key' must be a plain name or a list of them");
      }
    } else {
      spec.primary_key = fields.required_identifier_list("primary_key");
    }
  }
  spec.primary_key_name = fields.optional_identifier("primary_key_name");
  YAML::Node constraints = fields.optional_node("constraints");
  if (constraints.IsDefined()) {
    if (!constraints.IsSequence() || constraints.size() == 0) {
      fields.fail(constraints, "create_table: 'constraints' must be a non-empty list");
    }
    for (const auto& item : constraints) {
      spec.constraints.push_back(parse_table_constraint(item, fields.file()));
    }
  }
  spec.comment = optional_comment(fields);
  fields.finish();
  bool column_keys = false;
  for (const auto& c : spec.columns) {
    column_keys = column_keys || c.primary_key;
  }
  if (column_keys && !spec.primary_key.empty()) {
    fields.fail(spec.primary_key[0].mark, "create_table: give the primary key either on the "
                                          "columns or as 'primary_key', not both");
  }
  const bool has_key = column_keys || !spec.primary_key.empty();
  if (spec.primary_key_name && !has_key) {
    fields.fail(spec.primary_key_name->mark, "create_table: 'primary_key_name' names the key of "
                                             "'primary_key' (or a column's primary_key: true)");
  }
  auto require_listed = [&](const Located<std::string>& k, const char* what) {
    const bool found = std::any_of(spec.columns.begin(), spec.columns.end(),
                                   [&](const NewColumn& c) { return c.name.value == k.value; });
    if (!found) {
      fields.fail(k.mark, fmt::format("create_table: {} column {} is not in 'columns'", what,
                                      k.value));
    }
  };
  for (const auto& k : spec.primary_key) {
    require_listed(k, "primary key");
  }
  bool keyed = has_key;
  for (const auto& k : spec.constraints) {
    if (k.type == "primary_key" && keyed) {
      fields.fail(k.name.mark, "create_table: the table has a primary key already; give it once");
    }
    keyed = keyed || k.type == "primary_key";
    for (const auto& c : k.columns) {
      require_listed(c, "constraint");
    }
    for (const auto& c : k.include) {
      require_listed(c, "constraint");
    }
  }
  for (const auto& c : spec.columns) {
    if (c.references && c.references->table.value == spec.table.value) {
      require_listed(c.references->column, "referenced");
    }
  }
  return std::make_unique<CreateTable>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json create_table_fields() {
  using namespace json_fields;
  using json = nlohmann::json;
  return object(
      {{"table", ident("new table")},
       {"columns",
        {{"type", "array"},
         {"minItems", 1},
         {"description", "the table's columns, in order"},
         {"items",
          object({{"name", ident("column")},
                  {"type", str("SQL type")},
                  {"nullable", boolean("default true")},
                  {"default", expr("SQL default")},
                  {"primary_key", boolean("this column is the primary key")},
                  {"references", column_foreign_key()},
                  {"comment", str("COMMENT ON COLUMN, set with the table")},
                  {"unique", boolean("a unique constraint on this column")},
                  {"unique_name", ident("its name (default <table>_<column>_key)")},
                  {"check", expr("a CHECK constraint on this column")},
                  {"check_name", ident("its name (default <table>_<column>_check)")},
                  {"check_no_inherit", boolean("the check is NO INHERIT")},
                  {"generated", expr("GENERATED ALWAYS AS (expression) STORED")},
                  {"identity", {{"type", "string"},
                                {"enum", {"always", "by_default"}},
                                {"description", "GENERATED ALWAYS or BY DEFAULT AS IDENTITY"}}},
                  {"identity_options", str("sequence options as CREATE SEQUENCE takes them, "
                                           "e.g. START WITH 10 INCREMENT BY 2")}},
                 {"name", "type"})}}},
       {"primary_key", {{"oneOf", json::array({ident("a column"), ident_list("key columns")})},
                        {"description", "the primary key's column, or its columns"}}},
       {"primary_key_name", ident("the primary key's name (default <table>_pkey)")},
       {"constraints", {{"type", "array"},
                        {"minItems", 1},
                        {"items", table_constraint()},
                        {"description", "table constraints, each {name, type} with what its "
                                        "type takes"}}},
       {"comment", str("COMMENT ON TABLE, set with the table")}},
      {"table", "columns"});
}
} // namespace

ChangeKind change_kind_create_table() {
  return {.name = "create_table",
          .doc = "Creates a table. A new table has no readers yet, so every option goes into its "
                 "one CREATE TABLE at expand (with COMMENT ON TABLE/COLUMN in the same "
                 "transaction). Columns: nullable, default, primary_key, comment, unique "
                 "(unique_name), check (check_name, check_no_inherit), references as "
                 "table(column) or a mapping {table, column, name, on_delete, on_update, match: "
                 "simple|full, deferrable, initially_deferred}, generated (an expression: "
                 "GENERATED ALWAYS AS (...) STORED), identity: always|by_default with "
                 "identity_options as CREATE SEQUENCE takes them; one of default, generated and "
                 "identity. The table: comment, primary_key (a column or a list), "
                 "primary_key_name, and constraints, each {name, type} with what its type takes: "
                 "unique (columns, nulls_not_distinct, include, storage_parameters, deferrable, "
                 "initially_deferred), primary_key (the same but nulls_not_distinct), check "
                 "(check, no_inherit), foreign_key (columns, references: {table, columns, "
                 "on_delete, on_update, match}, deferrable, initially_deferred), exclude "
                 "(exclude: {method (default gist), elements, where}, include, "
                 "storage_parameters, deferrable, initially_deferred). Unnamed column constraints "
                 "get PostgreSQL's names (`<table>_<column>_key`, `_check`, `_fkey`); validate "
                 "refuses two constraints of one name, and an index-backed one (unique, primary "
                 "key, exclude) whose name a relation of the schema has. Types, expressions, "
                 "identity options and the index-backed constraints compile at validate over a "
                 "temporary table, each at its line.",
          .example = text_block(R"yaml(
- create_table:
    table: audit_log
    columns:
      - {name: id, type: bigint, primary_key: true}
      - {name: user_id, type: bigint, references: users(id)}
      - {name: at, type: timestamptz, nullable: false, default: now(), comment: when}
# Column and table options, and table constraints.
- create_table:
    table: bookings
    comment: who holds which room, when
    primary_key_name: bookings_pk
    primary_key: [id]
    columns:
      - {name: id, type: bigint, identity: always, identity_options: "START WITH 10"}
      - {name: room, type: int, nullable: false, check: room > 0, check_name: room_positive}
      - {name: code, type: text, unique: true, unique_name: bookings_code_uq}
      - {name: user_id, type: bigint, references: {table: users, column: id,
         name: bookings_user_fk, on_delete: cascade, deferrable: true}}
      - {name: during, type: daterange, nullable: false}
      - {name: nights, type: int, generated: upper(during) - lower(during)}
    constraints:
      - {name: bookings_no_overlap, type: exclude,
         exclude: {method: gist, elements: "during WITH &&", where: "room > 0"}}
      - {name: bookings_code_room_key, type: unique, columns: [code, room], include: [user_id]}
)yaml"),
          .parse = &parse_create_table,
          .fields = &create_table_fields};
}

} // namespace orchestrate
