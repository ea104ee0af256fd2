#pragma once

#include <string>
#include <vector>

#include "changes/change.hpp"
#include "plan/fields.hpp"
#include "changes/column_transition.hpp"
#include "changes/shadow_rules.hpp"
#include "changes/version_schema.hpp"

namespace orchestrate {

// A column replaced in place by a temporary physical column `_orc_new_<column>` that holds what
// the column will hold afterwards (change_type, set_not_null, drop_not_null, drop_constraint,
// add_check, add_unique and add_foreign_key with up/down, alter_column). The old application
// keeps the old column; the new one sees the temporary column under the column's name through
// the version schema. The column's indexes and constraints get twins on the temporary
// column, and contract drops the old column and renames the temporary one (and the twins) to
// the old names in one transaction, so the column then stands last in the table, as the
// version schema shows it from the start.
struct ShadowSpec {
  std::string kind{};      // for step ids: "<kind>.<table>.<column>"
  Located<std::string> table{};
  Located<std::string> column{};
  std::string type{};      // the type the column ends with
  // Over the row as the old application sees it; empty: the column itself, assigned to the new
  // type as ALTER COLUMN TYPE would (an error, never truncation, when a value does not fit).
  Located<std::string> up{};
  // Over the row as the new application sees it; empty: the column itself, likewise.
  Located<std::string> down{};
  bool not_null = false; // the column ends NOT NULL (and the temporary column is NOT NULL)
  bool up_cannot_fail = false;
  // Constraints of the column the temporary column does not get (drop_constraint): they go
  // with the old column at contract, with the indexes that back them.
  std::vector<std::string> dropped{};
  // Constraints only the temporary column gets (add_check, add_unique and add_foreign_key with
  // up/down, alter_column), built like the twins and given their names at contract.
  std::vector<ShadowRule> rules{};
  // The column's default and comment after contract when the plan gives them (alter_column);
  // unset: the column's own (its default through `up`, see shadow_default). An inner nullopt
  // drops it. The temporary column has them from expand, so the new application's view shows
  // them from its creation on, while the old application keeps the old column's.
  std::optional<std::optional<std::string>> default_sql{};
  std::optional<std::optional<std::string>> comment{};
};

// Refuses key, referenced, identity and generated columns, tables that views depend on, and
// tables without a row key.
// Refuses, too, a rule whose name is taken (validate_rules).
void validate_shadow(const ShadowSpec& spec, const ChangeContext& ctx);
// The expressions compiled and the rows counted (transition_live_checks), and the rows `up`
// leaves breaking a rule (rule_live_checks).
std::vector<LiveCheck> shadow_live_checks(const ShadowSpec& spec, const ChangeContext& ctx);
ColumnTransition shadow_transition(const ShadowSpec& spec, const ChangeContext& ctx);
std::vector<Touch> shadow_touches(const ShadowSpec& spec);
VersionedColumn shadow_versioned(const ShadowSpec& spec);
// The column takes its new type, NOT NULL, default and comment, loses the constraints dropped,
// gains the rules, and moves to the end of the table.
void shadow_apply(const ShadowSpec& spec, Catalog& catalog, const ChangeContext& ctx);

// `_orc_new_<column>`, shortened to 63 bytes when needed.
std::string shadow_column_name(const std::string& column);

// A change whose whole work is one shadow column. A kind gives its spec as parsed, completes it
// from the schema before the change (`resolved`) and adds its own refusals (`validate_kind`,
// called after the shared ones, with the column known to exist).
class ShadowChange : public Change, public Versioned {
public:
  explicit ShadowChange(ShadowSpec spec) : m_spec(std::move(spec)) {}

  std::string_view kind() const override { return m_spec.kind; }
  std::vector<Touch> touches() const override;
  // The column is replaced at contract and its values copied, by `up` and `down` where given.
  ChangeFacts facts() const override;
  void validate(const ChangeContext& ctx) const override;
  PhaseWork work(Phase phase, const ChangeContext& ctx) const override;
  std::vector<Step> rollback(Phase reached, const ChangeContext& ctx) const override;
  std::vector<LiveCheck> live_checks(const ChangeContext& ctx) const override;
  void apply(Catalog& catalog, const ChangeContext& ctx) const override;
  std::vector<VersionedColumn> version_columns(const ChangeContext& ctx) const override;

protected:
  // The spec as parsed; `column` is null when the table or column does not exist (validate
  // refuses that before anything else uses the result).
  virtual ShadowSpec resolved(const ShadowSpec& spec, const Column* column) const = 0;
  virtual void validate_kind(const ShadowSpec& spec,
                             const Column& column,
                             const ChangeContext& ctx) const = 0;

private:
  ShadowSpec resolved(const ChangeContext& ctx) const;
  const Table& table_of(const ChangeContext& ctx) const;

  ShadowSpec m_spec;
};

// The data fix of a constraint kind (add_unique and add_foreign_key; add_check has its own):
// `column`, one of the constraint's columns, moves to a shadow column whose values are `up` of
// the old application's (over its row) and which alone gets the constraint; the old column
// keeps what the old application writes and gets `down` of the new one's writes (default: the
// value as it is). Its type and NOT NULL stay.
struct DataFix {
  std::optional<Located<std::string>> column{};
  std::optional<Located<std::string>> up{};
  std::optional<Located<std::string>> down{};
  bool given() const { return column || up || down; }
};
// Reads `column`, `up` and `down` (the caller lists them in `expect`).
DataFix read_data_fix(Fields& fields);
// The change that makes `rule` on `table` with the data fix; refuses (at the field) a fix
// without `column` or `up`, and a `column` that is not one of the rule's.
std::unique_ptr<Change> data_fix_change(const DataFix& fix,
                                        const std::string& kind,
                                        const Located<std::string>& table,
                                        ShadowRule rule,
                                        Fields& fields);

} // namespace orchestrate
