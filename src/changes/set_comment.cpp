// set_comment: COMMENT ON TABLE or COLUMN at expand. A comment is catalog data only (no
// rewrite, no scan, a lock that lets reads and writes go on), and neither application's
// statements depend on it; the old application's version schema, created before it, keeps
// showing the comment the column had. Rollback puts back exactly the comment the catalog held
// when the plan was rendered, none included.
#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

class SetComment final : public Change {
public:
  SetComment(Located<std::string> table,
             std::optional<Located<std::string>> column,
             Located<std::optional<std::string>> comment)
      : m_table(std::move(table)), m_column(std::move(column)), m_comment(std::move(comment)) {}

  std::string_view kind() const override { return "set_comment"; }

  std::vector<Touch> touches() const override {
    if (m_column) {
      return {{.table = m_table.value, .column = m_column->value, .mark = m_column->mark}};
    }
    return {{.table = m_table.value, .modifies = false, .mark = m_table.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    if (m_column) {
      require_column(ctx, table, *m_column);
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    PhaseWork w;
    if (phase == Phase::expand) {
      w.steps.push_back({.id = id("set"), .sql = comment_sql(ctx, m_comment.value)});
    }
    if (phase == Phase::expand || phase == Phase::contract) {
      w.gate.push_back({.id = id("holds"),
                        .description = fmt::format("{} has the plan's comment", target()),
                        .sql = fmt::format("SELECT ({}) IS NOT DISTINCT FROM {}", current_sql(ctx),
                                    literal(m_comment.value))});
    }
    return w;
  }

  // Guarded: a column an earlier change of the plan adds may not exist yet (or any more) when
  // the rollback runs, and then there is nothing to restore.
  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    const std::string table = quote_literal(quote_qualified(ctx.schema, m_table.value));
    const std::string exists =
        m_column ? fmt::format("EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
                               "to_regclass({}) AND attname = {} AND NOT attisdropped)",
                               table, quote_literal(m_column->value))
                 : fmt::format("to_regclass({}) IS NOT NULL", table);
    return {{.id = "rollback." + id("restore"),
             .sql = fmt::format("DO $orc$ BEGIN\n  IF {} THEN\n    {};\n  END IF;\nEND $orc$",
                                exists, comment_sql(ctx, previous(ctx)))}};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_table.value);
    if (table == nullptr) {
      return;
    }
    if (!m_column) {
      table->comment = m_comment.value;
    } else if (Column* column = table->column(m_column->value)) {
      column->comment = m_comment.value;
    }
  }

private:
  std::string target() const {
    return m_column ? m_table.value + "." + m_column->value : m_table.value;
  }

  std::string id(const std::string& what) const {
    return fmt::format("set_comment.{}.{}", target(), what);
  }

  static std::string literal(const std::optional<std::string>& text) {
    return text ? quote_literal(*text) : "NULL";
  }

  std::optional<std::string> previous(const ChangeContext& ctx) const {
    const Table* table = ctx.before.table(ctx.schema, m_table.value);
    if (table == nullptr) {
      return std::nullopt;
    }
    if (!m_column) {
      return table->comment;
    }
    const Column* column = table->column(m_column->value);
    return column ? column->comment : std::nullopt;
  }

  std::string comment_sql(const ChangeContext& ctx, const std::optional<std::string>& text) const {
    const std::string table = quote_qualified(ctx.schema, m_table.value);
    if (m_column) {
      return fmt::format("COMMENT ON COLUMN {}.{} IS {}", table, quote_ident(m_column->value),
                         literal(text));
    }
    return fmt::format("COMMENT ON TABLE {} IS {}", table, literal(text));
  }

  std::string current_sql(const ChangeContext& ctx) const {
    const std::string table = quote_literal(quote_qualified(ctx.schema, m_table.value));
    if (m_column) {
      return fmt::format("SELECT col_description(attrelid, attnum) FROM pg_attribute WHERE "
                         "attrelid = {}::regclass AND attname = {}",
                         table, quote_literal(m_column->value));
    }
    return fmt::format("SELECT obj_description({}::regclass, 'pg_class')", table);
  }

  Located<std::string> m_table;
  std::optional<Located<std::string>> m_column;
  Located<std::optional<std::string>> m_comment;
};

} // namespace

std::unique_ptr<Change> parse_set_comment(Fields& fields) {
  fields.expect({"table", "column", "comment"});
  auto table = fields.required_identifier("table");
  auto column = fields.optional_identifier("column");
  auto comment = fields.required_nullable_string("comment");
  fields.finish();
  // PostgreSQL stores an empty comment as none: say so in the plan's own terms.
  if (comment.value && comment.value->empty()) {
    comment.value.reset();
  }
  return std::make_unique<SetComment>(std::move(table), std::move(column), std::move(comment));
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json set_comment_fields() {
  using namespace json_fields;
  using json = nlohmann::json;
  return object(
      {{"table", ident("table")},
       {"column", ident("column (omit to comment on the table)")},
       {"comment", {{"type", json::array({"string", "null"})},
                    {"description", "the comment, set at expand; null (or '') removes it"}}}},
      {"table", "comment"});
}
} // namespace

ChangeKind change_kind_set_comment() {
  return {.name = "set_comment",
          .doc = "Sets the comment on a table (no column) or a column at expand; null or '' "
                 "removes one. The old application's version schema keeps showing the old column "
                 "comment. Rollback restores the comment exactly as it was at start, none "
                 "included. create_table columns and add_column take comment: too.",
          .example = text_block(R"yaml(
- set_comment: {table: users, column: phone, comment: "E.164, checked by support"}
- set_comment: {table: users, comment: null}
)yaml"),
          .parse = &parse_set_comment,
          .fields = &set_comment_fields};
}

} // namespace orchestrate
