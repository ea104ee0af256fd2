// add_column: a new column, added nullable so ADD COLUMN never scans or rewrites the table.
//
// - A default that is not volatile is part of ADD COLUMN (metadata only: existing rows read it
//   without a rewrite). A volatile one (random(), nextval(), an unknown function) is set with
//   SET DEFAULT after the column exists, for new rows, and the backfill gives it to existing rows.
// - `fill` is what existing rows get. With a fill or a volatile default the column is a column
//   transition (column_transition.hpp): the dual-write trigger gives the column its fill for
//   the old application's writes that leave it NULL (it does not know the column) and for rows
//   no write reached yet, keeps the new application's writes (explicit NULLs included) as given,
//   and the backfill fills the rows nobody reached.
// - NOT NULL goes through CHECK (...) NOT VALID added in dual-write, VALIDATE at transition,
//   SET NOT NULL (which then skips its scan) and dropping the check. Without a fill, ADD COLUMN's
//   default gives every row, old application's inserts included, its value.
// - `unique` builds its index CONCURRENTLY at expand and becomes a constraint USING INDEX at
//   transition; `check` and `references` are added NOT VALID and validated at transition. Each
//   may be named (unique_name, check_name, references' name; PostgreSQL's names otherwise); the
//   check may be NO INHERIT, the foreign key carries its actions, match and deferral from
//   expand on.
#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/column_transition.hpp"
#include "changes/expression_checks.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

struct AddColumnSpec {
  Located<std::string> table;
  Located<std::string> column;
  Located<std::string> type;
  std::optional<Located<std::string>> default_sql;
  std::optional<Located<std::string>> fill;
  bool nullable = true;
  Mark nullable_mark;
  bool unique = false;
  std::optional<Located<std::string>> unique_name;
  std::optional<Located<std::string>> check;
  std::optional<Located<std::string>> check_name;
  bool check_no_inherit = false;
  std::optional<ColumnReference> references;
  std::optional<Located<std::string>> comment;
};

class AddColumn final : public Change {
public:
  explicit AddColumn(AddColumnSpec spec) : m_spec(std::move(spec)) {}

  std::string_view kind() const override { return "add_column"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_spec.table.value,
             .column = m_spec.column.value,
             .mark = m_spec.column.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_spec.table);
    require_no_column(ctx, table, m_spec.column);
    if (m_spec.references) {
      require_reference(ctx, *m_spec.references);
    }
    if (!m_spec.nullable && !m_spec.fill && !m_spec.default_sql) {
      throw PlanError(ctx.file, m_spec.nullable_mark.line, m_spec.nullable_mark.column,
                      fmt::format("add_column: {}.{} is NOT NULL but has neither 'default' nor "
                                  "'fill'; existing rows and the old application's inserts need "
                                  "a value",
                                  table.name, m_spec.column.value));
    }
    // Only the names it gives: the unique constraint builds an index (a relation of the
    // schema); the check and the foreign key need only names free among the table's
    // constraints.
    // Each at the name the plan gave, else at the column.
    struct Name {
      std::string name;
      bool taken;
      Mark mark;
    };
    auto at = [&](const std::optional<Located<std::string>>& given) {
      return given ? given->mark : m_spec.column.mark;
    };
    std::vector<Name> names;
    if (m_spec.unique) {
      names.push_back(
          {.name = unique_name(),
           .taken = index_constraint_name_taken(ctx.before, ctx.schema, table, unique_name()),
           .mark = at(m_spec.unique_name)});
    }
    if (m_spec.check) {
      names.push_back({.name = check_name(),
                       .taken = constraint_name_taken(table, check_name()),
                       .mark = at(m_spec.check_name)});
    }
    if (m_spec.references) {
      names.push_back({.name = fkey_name(),
                       .taken = constraint_name_taken(table, fkey_name()),
                       .mark = at(m_spec.references->name)});
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      const bool twice = std::any_of(names.begin(), names.begin() + static_cast<long>(i),
                                     [&](const Name& n) { return n.name == names[i].name; });
      if (names[i].taken || twice) {
        throw PlanError(ctx.file, names[i].mark.line, names[i].mark.column,
                        fmt::format("add_column: the name {} it would give its index or "
                                    "constraint is already taken",
                                    names[i].name));
      }
    }
    if (needs_backfill()) {
      require_row_key(ctx, table, m_spec.table.mark);
    }
  }

  // With a fill or a volatile default the column is a transition of its own (the engine adds
  // it, keeps it filled for the old application's writes and backfills it); otherwise ADD
  // COLUMN with its default gives every row its value at once.
  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_spec.table.value);
    const std::string& t = m_spec.table.value;
    const std::string col = quote_ident(m_spec.column.value);
    const std::string id = step_id();
    PhaseWork w;
    if (needs_backfill()) {
      w = transition_work(describe(ctx), phase, table);
    } else if (phase == Phase::expand) {
      std::string sql = fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}",
                                    quote_qualified(ctx.schema, t), col, m_spec.type.value);
      if (m_spec.default_sql) {
        sql += " DEFAULT " + m_spec.default_sql->value;
      }
      w.steps.push_back({.id = id + ".add_column", .sql = sql});
      w.gate.push_back(column_exists_check(id + ".column", ctx.schema, t, m_spec.column.value,
                                           true));
    } else if (phase == Phase::dual_write && !m_spec.nullable) {
      not_null_dual_write(w, id, ctx.schema, t, m_spec.column.value,
                          helper_name("nn", t, m_spec.column.value));
    } else if (phase == Phase::transition && !m_spec.nullable) {
      not_null_transition(w, id, ctx.schema, t, m_spec.column.value,
                          helper_name("nn", t, m_spec.column.value));
    } else if (phase == Phase::contract) {
      w.gate.push_back(column_exists_check(id + ".column", ctx.schema, t, m_spec.column.value,
                                           true));
      if (!m_spec.nullable) {
        w.gate.push_back(column_not_null_check(id + ".not_null", ctx.schema, t,
                                               m_spec.column.value));
      }
      w.gate.push_back(no_helpers_check(id + ".no_helpers", ctx.schema, t));
    }
    if (phase == Phase::expand && m_spec.comment) {
      // After the column exists, in either path; rollback drops the column and its comment.
      w.steps.push_back({.id = id + ".comment",
                         .sql = fmt::format("COMMENT ON COLUMN {}.{} IS {}",
                                            quote_qualified(ctx.schema, t), col,
                                            quote_literal(m_spec.comment->value))});
    }
    switch (phase) {
    case Phase::expand:
      if (m_spec.unique) {
        for (auto& s : build_index_steps(id + ".unique_index", ctx.schema, t, unique_name(), true,
                                         "USING btree (" + col + ")")) {
          w.steps.push_back(std::move(s));
        }
        w.gate.push_back(index_valid_check(id + ".unique_index", ctx.schema, unique_name()));
      }
      if (m_spec.check) {
        w.steps.push_back({.id = id + ".check",
                           .sql = add_constraint_sql(ctx.schema, t, check_name(),
                                                     "CHECK (" + m_spec.check->value + ")" +
                                                         (m_spec.check_no_inherit ? " NO INHERIT"
                                                                                  : "") +
                                                         " NOT VALID")});
        w.gate.push_back(constraint_check(id + ".check", ctx.schema, t, check_name(), false));
      }
      if (m_spec.references) {
        w.steps.push_back({.id = id + ".foreign_key",
                           .sql = add_constraint_sql(ctx.schema, t, fkey_name(),
                                                     fkey_definition(ctx))});
        w.gate.push_back(constraint_check(id + ".foreign_key", ctx.schema, t, fkey_name(), false));
      }
      break;
    case Phase::transition:
      for (const auto& name : {check_name(), fkey_name()}) {
        if ((name == check_name() && m_spec.check) || (name == fkey_name() && m_spec.references)) {
          // VALIDATE takes SHARE UPDATE EXCLUSIVE: writes go on while it scans.
          w.steps.push_back(
              {.id = id + ".validate." + name, .sql = validate_constraint_sql(ctx.schema, t, name)});
          w.gate.push_back(constraint_check(id + ".validated." + name, ctx.schema, t, name, true));
        }
      }
      if (m_spec.unique) {
        w.steps.push_back({.id = id + ".unique",
                           .sql = add_constraint_sql(ctx.schema, t, unique_name(),
                                                     "UNIQUE USING INDEX " +
                                                         quote_ident(unique_name()))});
        w.gate.push_back(constraint_check(id + ".unique", ctx.schema, t, unique_name(), true));
      }
      break;
    default:
      break;
    }
    return w;
  }

  std::vector<Step> rollback(Phase, const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_spec.table.value);
    if (needs_backfill()) {
      return transition_rollback(describe(ctx), table);
    }
    // Dropping the column takes its index, constraints and default with it.
    return {{.id = "rollback." + step_id() + ".drop_column",
             .sql = fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}",
                                quote_qualified(ctx.schema, m_spec.table.value),
                                quote_ident(m_spec.column.value))}};
  }

  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    const Table& table = *ctx.before.table(ctx.schema, m_spec.table.value);
    const Table* live = live_table(ctx, m_spec.table.value);
    std::vector<LiveCheck> out;
    if (needs_backfill()) {
      out = transition_live_checks(describe(ctx), table, live);
    }
    auto row = physical_view(table);
    if (m_spec.default_sql) {
      out.push_back(
          default_compiles("add_column.default", *m_spec.default_sql, m_spec.type.value, row, live));
    }
    if (m_spec.check) {
      // Over the row with the new column in it.
      row.push_back({.name = m_spec.column.value,
                     .physical = m_spec.column.value,
                     .type = m_spec.type.value});
      out.push_back(check_compiles("add_column.check", *m_spec.check, row, live));
    }
    return out;
  }

  // A fill or a volatile default is copied into existing rows by the backfill.
  ChangeFacts facts() const override {
    ChangeFacts f{.table = m_spec.table.value, .needs_backfill = needs_backfill()};
    if (m_spec.fill) {
      f.expressions.push_back({.role = "fill", .sql = *m_spec.fill});
    }
    f.columns.push_back({.name = m_spec.column,
                         .type = m_spec.type.value,
                         .mark = m_spec.column.mark,
                         .default_sql = m_spec.default_sql,
                         .default_volatile = default_volatile()});
    return f;
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_spec.table.value);
    if (table == nullptr) {
      return;
    }
    Column c;
    c.name = m_spec.column.value;
    c.type = m_spec.type.value;
    c.not_null = !m_spec.nullable;
    if (m_spec.default_sql) {
      c.default_sql = m_spec.default_sql->value;
      c.default_volatile = !default_in_add_column();
    }
    if (m_spec.comment) {
      c.comment = m_spec.comment->value;
    }
    table->columns.push_back(c);
    if (m_spec.unique) {
      table->indexes.push_back(
          {.name = unique_name(), .columns = {c.name}, .unique = true,
           .constraint = unique_name()});
      table->constraints.push_back({.name = unique_name(), .type = 'u', .columns = {c.name}});
    }
    if (m_spec.check) {
      table->constraints.push_back({.name = check_name(),
                                    .type = 'c',
                                    .definition = "CHECK (" + m_spec.check->value + ")",
                                    .columns = {c.name}});
    }
    if (m_spec.references) {
      table->constraints.push_back({.name = fkey_name(),
                                    .type = 'f',
                                    .columns = {c.name},
                                    .foreign_table = m_spec.references->table.value,
                                    .foreign_columns = {m_spec.references->column.value}});
    }
  }

private:
  std::string step_id() const {
    return fmt::format("add_column.{}.{}", m_spec.table.value, m_spec.column.value);
  }
  // The plan's names, else PostgreSQL's.
  std::string unique_name() const {
    return m_spec.unique_name
               ? m_spec.unique_name->value
               : fit_identifier(m_spec.table.value + "_" + m_spec.column.value + "_key");
  }
  std::string check_name() const {
    return m_spec.check_name
               ? m_spec.check_name->value
               : fit_identifier(m_spec.table.value + "_" + m_spec.column.value + "_check");
  }
  std::string fkey_name() const {
    return m_spec.references && m_spec.references->name
               ? m_spec.references->name->value
               : fit_identifier(m_spec.table.value + "_" + m_spec.column.value + "_fkey");
  }
  bool default_volatile() const {
    return m_spec.default_sql && expression_may_be_volatile(m_spec.default_sql->value);
  }
  // With a fill, existing rows must stay NULL until the backfill gives them the fill.
  bool default_in_add_column() const { return !m_spec.fill && !default_volatile(); }
  bool needs_backfill() const { return m_spec.fill.has_value() || default_volatile(); }

  std::string fkey_definition(const ChangeContext& ctx) const {
    return fmt::format("FOREIGN KEY ({}){} NOT VALID", quote_ident(m_spec.column.value),
                       references_sql(ctx.schema, *m_spec.references));
  }

  // The old application does not know the column: a row it writes (or a row no write reached
  // yet) gets what the column holds, else the fill (or the volatile default). The new
  // application's writes, explicit NULLs included, are kept as given.
  ColumnTransition describe(const ChangeContext& ctx) const {
    const Table& table = *ctx.before.table(ctx.schema, m_spec.table.value);
    ColumnTransition t;
    t.kind = "add_column";
    t.id = step_id();
    t.plan = ctx.plan;
    t.schema = ctx.schema;
    t.table = m_spec.table;
    t.name = m_spec.column.value;
    const Located<std::string>& value = m_spec.fill ? *m_spec.fill : *m_spec.default_sql;
    AddedColumn a{.name = m_spec.column.value,
                  .type = m_spec.type.value,
                  .not_null = !m_spec.nullable,
                  .up = {fmt::format("COALESCE({}, ({}))", quote_ident(m_spec.column.value),
                                     value.value),
                         value.mark}};
    if (m_spec.default_sql) {
      a.default_sql = m_spec.default_sql->value;
      a.default_volatile = default_volatile();
    }
    t.added.push_back(std::move(a));
    t.up_reads_added = true;
    t.new_view = physical_view(table);
    t.new_view.push_back({.name = m_spec.column.value,
                          .physical = m_spec.column.value,
                          .type = m_spec.type.value});
    return t;
  }

  AddColumnSpec m_spec;
};

} // namespace

std::unique_ptr<Change> parse_add_column(Fields& fields) {
  fields.expect({"table", "column", "type", "default", "fill", "nullable", "unique",
                 "unique_name", "check", "check_name", "check_no_inherit", "references",
                 "comment"});
  AddColumnSpec spec;
  spec.table = fields.required_identifier("table");
  spec.column = fields.required_identifier("column");
  spec.type = fields.required_string("type");
  spec.default_sql = fields.optional_string("default");
  spec.fill = fields.optional_string("fill");
  if (auto n = fields.optional_bool("nullable")) {
    spec.nullable = n->value;
    spec.nullable_mark = n->mark;
  } else {
    spec.nullable_mark = spec.column.mark;
  }
  if (auto u = fields.optional_bool("unique")) {
    spec.unique = u->value;
  }
  spec.unique_name = fields.optional_identifier("unique_name");
  spec.check = fields.optional_string("check");
  spec.check_name = fields.optional_identifier("check_name");
  const auto no_inherit = fields.optional_bool("check_no_inherit");
  spec.check_no_inherit = no_inherit && no_inherit->value;
  spec.references = parse_column_reference(fields, "references", true);
  spec.comment = fields.optional_string("comment");
  fields.finish();
  if (spec.unique_name && !spec.unique) {
    fields.fail(spec.unique_name->mark, "add_column: 'unique_name' names the constraint of "
                                        "'unique: true'");
  }
  if (!spec.check && (spec.check_name || no_inherit)) {
    fields.fail(spec.check_name ? spec.check_name->mark : no_inherit->mark,
                "add_column: 'check_name' and 'check_no_inherit' go with 'check'");
  }
  if (spec.comment && spec.comment->value.empty()) {
    spec.comment.reset(); // PostgreSQL stores an empty comment as none
  }
  for (const auto* expr : {&spec.default_sql, &spec.fill, &spec.check}) {
    if (*expr && (*expr)->value.find_first_not_of(" \t\n") == std::string::npos) {
      fields.fail((*expr)->mark, "add_column: an expression must not be empty");
    }
  }
  if (spec.type.value.find(';') != std::string::npos) {
    fields.fail(spec.type.mark, "add_column: 'type' must be a type name");
  }
  const std::string lowered = lowercase(spec.type.value);
  // Both give every existing row a value drawn at ADD COLUMN, which rewrites the table under an
  // exclusive lock.
  if (lowered.find("serial") != std::string::npos || lowered.find("generated") != std::string::npos) {
    fields.fail(spec.type.mark,
                "add_column: serial, identity and generated columns rewrite the table when added; "
                "use an integer type with default: nextval('a_sequence') (existing rows are "
                "backfilled) instead");
  }
  return std::make_unique<AddColumn>(std::move(spec));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json add_column_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"column", ident("new column")},
       {"type", str("SQL type, e.g. text or timestamptz")},
       {"default", expr("SQL default for new rows (volatile defaults move at contract)")},
       {"fill", expr("SQL expression for existing rows, copied by the backfill")},
       {"nullable", boolean("false adds NOT NULL through a validated CHECK (default true)")},
       {"unique", boolean("add a unique constraint (index built CONCURRENTLY)")},
       {"unique_name", ident("its name (default <table>_<column>_key)")},
       {"check", expr("SQL boolean expression, added NOT VALID then validated")},
       {"check_name", ident("its name (default <table>_<column>_check)")},
       {"check_no_inherit", boolean("the check is NO INHERIT")},
       {"references", column_foreign_key()},
       {"comment", str("COMMENT ON COLUMN, set at expand")}},
      {"table", "column", "type"});
}
} // namespace

ChangeKind change_kind_add_column() {
  return {.name = "add_column",
          .doc = "Adds a column. default is for new rows; fill is for existing rows (copied by "
                 "the backfill); nullable: false goes through a validated CHECK. unique, check "
                 "and references (table(column), or a mapping) are optional: the unique index is "
                 "built CONCURRENTLY and attached at transition; the check and the foreign key "
                 "are added NOT VALID at expand and validated at transition. unique_name, "
                 "check_name and the name of references name what it adds (PostgreSQL's names "
                 "otherwise: `<table>_<column>_key`, `_check`, `_fkey`); check_no_inherit: true "
                 "makes the check NO INHERIT; references as a mapping takes the foreign key's "
                 "name, on_delete, on_update, match (simple or full), deferrable and "
                 "initially_deferred. comment sets the column's comment (as set_comment does).",
          .example = text_block(R"yaml(
- add_column: {table: users, column: email_verified, type: boolean, default: "false",
               fill: "false", nullable: false}
- add_column: {table: comments, column: account_id, type: int, references: accounts(id)}
# Names for what it adds, a NO INHERIT check, and references as a mapping.
- add_column: {table: comments, column: editor_id, type: int, unique: true,
               unique_name: comments_editor_uq, check: editor_id > 0,
               check_name: comments_editor_positive, check_no_inherit: true,
               references: {table: accounts, column: id, name: comments_editor_fk,
                            on_delete: set_null, match: full, deferrable: true}}
)yaml"),
          .parse = &parse_add_column,
          .fields = &add_column_fields};
}

} // namespace orchestrate
