// set_replica_identity: what an UPDATE or DELETE writes to the WAL about the old row, for
// logical replication. ALTER TABLE ... REPLICA IDENTITY changes the catalog only (no scan, no
// rewrite; a short ACCESS EXCLUSIVE lock under lock_timeout), and neither application's
// statements depend on it, so it is applied at expand. Rollback restores the identity the
// table had when the plan was rendered, index and all.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/kind.hpp"
#include "plan/json_fields.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {

// One identity: 'd' default, 'f' full, 'n' nothing, 'i' the index `index`.
struct Identity {
  char kind = 'd';
  std::string index;
};

class SetReplicaIdentity final : public Change {
public:
  SetReplicaIdentity(Located<std::string> table, Identity identity, Mark identity_mark)
      : m_table(std::move(table)), m_identity(std::move(identity)),
        m_identity_mark(identity_mark) {}

  std::string_view kind() const override { return "set_replica_identity"; }

  std::vector<Touch> touches() const override {
    return {{.table = m_table.value, .modifies = false, .mark = m_table.mark}};
  }

  void validate(const ChangeContext& ctx) const override {
    const Table& table = require_table(ctx, m_table);
    if (m_identity.kind != 'i') {
      return;
    }
    const Index* index = nullptr;
    for (const auto& i : table.indexes) {
      if (i.name == m_identity.index) {
        index = &i;
      }
    }
    if (index == nullptr) {
      fail(ctx, fmt::format("index {} of table {} does not exist", m_identity.index, table.name));
    }
    // PostgreSQL's own rules for an identity index, said before anything runs.
    const char* why = !index->unique             ? "is not unique"
                      : index->partial           ? "is partial (it has a WHERE clause)"
                      : !index->immediate        ? "is deferrable"
                      : index->uses_expression   ? "indexes an expression"
                      : !index->valid            ? "is not valid"
                                                 : nullptr;
    if (why != nullptr) {
      fail(ctx, fmt::format("index {} {}; a replica identity index must be unique, not partial, "
                            "not deferrable, on plain NOT NULL columns",
                            index->name, why));
    }
    for (const auto& name : index->columns) {
      const Column* c = table.column(name);
      if (c != nullptr && !c->not_null) {
        fail(ctx, fmt::format("index {} covers column {}, which may be NULL; a replica identity "
                              "index must be on NOT NULL columns (set_not_null first)",
                              index->name, name));
      }
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    PhaseWork w;
    if (phase == Phase::expand) {
      w.steps.push_back({.id = id("set"), .sql = alter_sql(ctx, m_identity)});
    }
    if (phase == Phase::expand || phase == Phase::contract) {
      w.gate.push_back({.id = id("holds"),
                        .description = fmt::format("table {} has replica identity {}", m_table.value,
                                    describe(m_identity)),
                        .sql = holds_sql(ctx, m_identity)});
    }
    return w;
  }

  std::vector<Step> rollback(Phase /*reached*/, const ChangeContext& ctx) const override {
    return {{.id = "rollback." + id("restore"), .sql = alter_sql(ctx, previous(ctx))}};
  }

  // Without an identity, a table published for UPDATE or DELETE refuses them: the
  // application's statements would fail from expand on.
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    const Table* table = ctx.before.table(ctx.schema, m_table.value);
    const bool none = m_identity.kind == 'n' ||
                      (m_identity.kind == 'd' && table != nullptr &&
                       std::none_of(table->indexes.begin(), table->indexes.end(),
                                    [](const Index& i) { return i.primary; }));
    if (!none) {
      return {};
    }
    const std::string qualified = quote_literal(quote_qualified(ctx.schema, m_table.value));
    return {{.mark = m_identity_mark,
             .what = "set_replica_identity",
             .sql = fmt::format(
                 "DO $orc$ DECLARE p text; BEGIN\n"
                 "  SELECT string_agg(pubname, ', ' ORDER BY pubname) INTO p FROM pg_publication "
                 "pb\n"
                 "   WHERE (pubupdate OR pubdelete) AND {0}::regclass IN (SELECT "
                 "(quote_ident(schemaname) || '.' || quote_ident(tablename))::regclass FROM "
                 "pg_publication_tables pt WHERE pt.pubname = pb.pubname);\n"
                 "  IF p IS NOT NULL THEN\n"
                 "    RAISE EXCEPTION 'table % would have no replica identity while publication(s) "
                 "% publish its updates or deletes: PostgreSQL would refuse the application''s "
                 "UPDATE and DELETE', {0}, p USING ERRCODE = '55000';\n"
                 "  END IF;\nEND $orc$",
                 qualified)}};
  }

  ChangeFacts facts() const override {
    return {.table = m_table.value, .full_replica_identity = m_identity.kind == 'f'};
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    Table* table = catalog.table(ctx.schema, m_table.value);
    if (table == nullptr) {
      return;
    }
    table->replica_identity = m_identity.kind;
    for (auto& i : table->indexes) {
      i.replica_identity = m_identity.kind == 'i' && i.name == m_identity.index;
    }
  }

private:
  [[noreturn]] void fail(const ChangeContext& ctx, const std::string& message) const {
    throw PlanError(ctx.file, m_identity_mark.line, m_identity_mark.column,
                    "set_replica_identity: " + message);
  }

  std::string id(const std::string& what) const {
    return fmt::format("set_replica_identity.{}.{}", m_table.value, what);
  }

  Identity previous(const ChangeContext& ctx) const {
    const Table* table = ctx.before.table(ctx.schema, m_table.value);
    Identity out;
    if (table == nullptr) {
      return out;
    }
    out.kind = table->replica_identity;
    for (const auto& i : table->indexes) {
      if (i.replica_identity) {
        out.index = i.name;
      }
    }
    // An identity index dropped since leaves 'i' with no index: PostgreSQL treats it as none.
    if (out.kind == 'i' && out.index.empty()) {
      out.kind = 'n';
    }
    return out;
  }

  static std::string describe(const Identity& identity) {
    switch (identity.kind) {
    case 'f':
      return "FULL";
    case 'n':
      return "NOTHING";
    case 'i':
      return "USING INDEX " + identity.index;
    default:
      return "DEFAULT";
    }
  }

  std::string alter_sql(const ChangeContext& ctx, const Identity& identity) const {
    return fmt::format("ALTER TABLE {} REPLICA IDENTITY {}",
                       quote_qualified(ctx.schema, m_table.value),
                       identity.kind == 'i' ? "USING INDEX " + quote_ident(identity.index)
                                            : describe(identity));
  }

  std::string holds_sql(const ChangeContext& ctx, const Identity& identity) const {
    const std::string table = quote_literal(quote_qualified(ctx.schema, m_table.value));
    std::string sql = fmt::format("SELECT (SELECT relreplident FROM pg_class WHERE oid = "
                                  "{}::regclass) = '{}'",
                                  table, identity.kind);
    if (identity.kind == 'i') {
      sql += fmt::format(" AND EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass({}) "
                         "AND indisreplident)",
                         quote_literal(quote_qualified(ctx.schema, identity.index)));
    }
    return sql;
  }

  Located<std::string> m_table;
  Identity m_identity;
  Mark m_identity_mark;
};

} // namespace

std::unique_ptr<Change> parse_set_replica_identity(Fields& fields) {
  fields.expect({"table", "identity", "index"});
  auto table = fields.required_identifier("table");
  auto identity = fields.optional_string("identity");
  auto index = fields.optional_identifier("index");
  fields.finish();
  if (identity && index) {
    fields.fail(index->mark, "set_replica_identity: give either 'identity' or 'index', not both");
  }
  if (index) {
    return std::make_unique<SetReplicaIdentity>(
        std::move(table), Identity{.kind = 'i', .index = index->value}, index->mark);
  }
  if (!identity) {
    fields.fail(fields.mark(), "set_replica_identity: give 'identity' (default, full or nothing) "
                               "or 'index' (a unique index's name)");
  }
  const std::string v = lowercase(identity->value);
  const char kind = v == "default" ? 'd' : v == "full" ? 'f' : v == "nothing" ? 'n' : '?';
  if (kind == '?') {
    fields.fail(identity->mark, "set_replica_identity: 'identity' must be default, full or "
                                "nothing, got '" + identity->value + "' (for an index, give "
                                "'index: NAME')");
  }
  return std::make_unique<SetReplicaIdentity>(std::move(table), Identity{.kind = kind, .index = ""},
                                              identity->mark);
}

namespace {
// Its fields, for the JSON Schema of plans (`orchestrate schema`).
nlohmann::json set_replica_identity_fields() {
  using namespace json_fields;
  return object(
      {{"table", ident("table")},
       {"identity", {{"type", "string"},
                     {"enum", {"default", "full", "nothing", "DEFAULT", "FULL", "NOTHING"}},
                     {"description", "what UPDATE and DELETE log of the old row, set at expand "
                                     "(or give `index`)"}}},
       {"index", ident("a unique, not partial, not deferrable index over NOT NULL columns "
                       "(REPLICA IDENTITY USING INDEX)")}},
      {"table"});
}
} // namespace

ChangeKind change_kind_set_replica_identity() {
  return {.name = "set_replica_identity",
          .doc = "Sets what UPDATE and DELETE write to the WAL for logical replication: identity "
                 "default, full or nothing, or index: NAME (unique, not partial, not deferrable, "
                 "over NOT NULL columns; checked at validate). Set at expand (a catalog change "
                 "under lock_timeout); rollback restores the table's identity as it was at start, "
                 "index included. validate refuses leaving a table without an identity while a "
                 "publication publishes its updates or deletes (PostgreSQL would then refuse "
                 "them). lint warns about full (replica-identity-full).",
          .example = text_block(R"yaml(
- set_replica_identity: {table: users, identity: full}
- set_replica_identity: {table: users, index: users_email_idx}
)yaml"),
          .parse = &parse_set_replica_identity,
          .fields = &set_replica_identity_fields};
}

} // namespace orchestrate
