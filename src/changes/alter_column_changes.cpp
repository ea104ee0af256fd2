// alter_column's changes (alter_column.hpp): the composed shadow column, the in-place parts
// side by side, and a single kind alter_column delegates to.
#include "changes/alter_column.hpp"

#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "changes/expression_checks.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {

// Everything on one shadow column.
class ComposedAlteration final : public ShadowChange {
public:
  ComposedAlteration(ShadowSpec spec, Alteration a)
      : ShadowChange(std::move(spec)), m_a(std::move(a)) {}

  // The default and the check compile first, each at its own position; then the shadow
  // column's checks (up and down, and the rows up leaves breaking a rule).
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    std::vector<LiveCheck> out;
    const Table& table = *ctx.before.table(ctx.schema, m_a.table.value);
    const Table* live = live_table(ctx, m_a.table.value);
    auto view = physical_view(table);
    for (auto& c : view) {
      if (c.name == m_a.column.value && m_a.type) {
        c.type = m_a.type->value;
      }
    }
    const std::string type = m_a.type ? m_a.type->value : table.column(m_a.column.value)->type;
    if (m_a.default_sql && m_a.default_sql->value) {
      out.push_back(default_compiles("alter_column.default",
                                     {*m_a.default_sql->value, m_a.default_sql->mark}, type, view,
                                     live));
    }
    for (const auto& rule : m_a.rules) {
      if (rule.type == 'c') {
        out.push_back(check_compiles("alter_column.check", {rule.check, m_a.check_mark}, view,
                                     live));
      }
    }
    for (auto& c : ShadowChange::live_checks(ctx)) {
      out.push_back(std::move(c));
    }
    return out;
  }

private:
  void validate_kind(const ShadowSpec& spec,
                     const Column& column,
                     const ChangeContext& ctx) const override {
    // The old application reads the column as NOT NULL until contract: a NULL the new one
    // writes needs a value of its own there.
    if (m_a.nullable && m_a.nullable->value && column.not_null && !m_a.down) {
      throw PlanError(ctx.file, m_a.nullable->mark.line, m_a.nullable->mark.column,
                      fmt::format("alter_column: {}.{} is NOT NULL until contract for the old "
                                  "application; give 'down', the value it reads where the new "
                                  "application writes NULL (over the row as the new application "
                                  "sees it), e.g. down: \"COALESCE({}, 'unknown')\"",
                                  spec.table.value, spec.column.value,
                                  quote_ident(spec.column.value)));
    }
  }

  ShadowSpec resolved(const ShadowSpec& spec, const Column* column) const override {
    ShadowSpec s = spec;
    if (s.type.empty()) {
      s.type = column ? column->type : "";
    }
    s.not_null = m_a.nullable ? !m_a.nullable->value : column != nullptr && column->not_null;
    return s;
  }

  Alteration m_a;
};

// Changes made in place, side by side: each sees the column as the ones before it leave it.
class InPlaceAlteration final : public Change, public Versioned {
public:
  explicit InPlaceAlteration(std::vector<std::unique_ptr<Change>> parts)
      : m_parts(std::move(parts)) {}

  std::string_view kind() const override { return "alter_column"; }

  std::vector<Touch> touches() const override {
    std::vector<Touch> out;
    for (const auto& p : m_parts) {
      for (auto& t : p->touches()) {
        out.push_back(std::move(t));
      }
    }
    return out;
  }

  void validate(const ChangeContext& ctx) const override {
    each(ctx, [](const Change& p, const ChangeContext& c) { p.validate(c); });
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    PhaseWork w;
    each(ctx, [&](const Change& p, const ChangeContext& c) {
      PhaseWork part = p.work(phase, c);
      w.precheck.insert(w.precheck.end(), part.precheck.begin(), part.precheck.end());
      w.steps.insert(w.steps.end(), part.steps.begin(), part.steps.end());
      w.gate.insert(w.gate.end(), part.gate.begin(), part.gate.end());
      w.backfills.insert(w.backfills.end(), part.backfills.begin(), part.backfills.end());
    });
    return w;
  }

  // Each part's rollback, the last part's first.
  std::vector<Step> rollback(Phase reached, const ChangeContext& ctx) const override {
    std::vector<std::vector<Step>> parts;
    each(ctx, [&](const Change& p, const ChangeContext& c) {
      parts.push_back(p.rollback(reached, c));
    });
    std::vector<Step> out;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      out.insert(out.end(), it->begin(), it->end());
    }
    return out;
  }

  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    std::vector<LiveCheck> out;
    each(ctx, [&](const Change& p, const ChangeContext& c) {
      auto checks = p.live_checks(c);
      out.insert(out.end(), checks.begin(), checks.end());
    });
    return out;
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    for (const auto& p : m_parts) {
      p->apply(catalog, ctx);
    }
  }

  std::vector<VersionedColumn> version_columns(const ChangeContext& ctx) const override {
    std::vector<VersionedColumn> out;
    each(ctx, [&](const Change& p, const ChangeContext& c) {
      if (const auto* v = dynamic_cast<const Versioned*>(&p)) {
        auto cols = v->version_columns(c);
        out.insert(out.end(), cols.begin(), cols.end());
      }
    });
    return out;
  }

private:
  template <class F> void each(const ChangeContext& ctx, F f) const {
    Catalog shape = ctx.before;
    for (const auto& p : m_parts) {
      const Catalog before = shape;
      const ChangeContext c{.file = ctx.file,
                            .plan = ctx.plan,
                            .schema = ctx.schema,
                            .before = before,
                            .live = ctx.live};
      f(*p, c);
      p->apply(shape, c);
    }
  }

  std::vector<std::unique_ptr<Change>> m_parts;
};

class Delegated final : public Change, public Versioned {
public:
  Delegated(std::unique_ptr<Change> inner, Mark at) : m_inner(std::move(inner)), m_at(at) {}

  std::string_view kind() const override { return m_inner->kind(); }
  std::vector<Touch> touches() const override { return m_inner->touches(); }

  void validate(const ChangeContext& ctx) const override {
    try {
      m_inner->validate(ctx);
    } catch (const PlanError& e) {
      if (e.line() > 0) {
        throw;
      }
      throw PlanError(e.file(), m_at.line, m_at.column, e.message());
    }
  }

  PhaseWork work(Phase phase, const ChangeContext& ctx) const override {
    return m_inner->work(phase, ctx);
  }
  std::vector<Step> rollback(Phase reached, const ChangeContext& ctx) const override {
    return m_inner->rollback(reached, ctx);
  }
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override {
    return m_inner->live_checks(ctx);
  }
  // The single kind's facts, under the name the plan gave it.
  ChangeFacts facts() const override {
    ChangeFacts f = m_inner->facts();
    f.written_as = "alter_column";
    return f;
  }

  void apply(Catalog& catalog, const ChangeContext& ctx) const override {
    m_inner->apply(catalog, ctx);
  }
  std::vector<VersionedColumn> version_columns(const ChangeContext& ctx) const override {
    const auto* v = dynamic_cast<const Versioned*>(m_inner.get());
    return v ? v->version_columns(ctx) : std::vector<VersionedColumn>{};
  }

private:
  std::unique_ptr<Change> m_inner;
  Mark m_at;
};

} // namespace

std::unique_ptr<Change> composed_alteration(const Alteration& a) {
  ShadowSpec spec;
  spec.kind = "alter_column";
  spec.table = a.table;
  spec.column = a.column;
  if (a.type) {
    spec.type = a.type->value; // else the column's own (resolved)
  }
  if (a.up) {
    spec.up = *a.up;
  }
  if (a.down) {
    spec.down = *a.down;
  }
  if (a.default_sql) {
    spec.default_sql = a.default_sql->value;
  }
  if (a.comment) {
    spec.comment = a.comment->value;
  }
  spec.rules = a.rules;
  return std::make_unique<ComposedAlteration>(std::move(spec), a);
}

std::unique_ptr<Change> in_place_alteration(std::vector<std::unique_ptr<Change>> parts) {
  return std::make_unique<InPlaceAlteration>(std::move(parts));
}

std::unique_ptr<Change> delegated(std::unique_ptr<Change> inner, Mark at) {
  return std::make_unique<Delegated>(std::move(inner), at);
}

} // namespace orchestrate
