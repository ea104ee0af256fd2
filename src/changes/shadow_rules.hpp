#pragma once

#include <string>
#include <vector>

#include "changes/change.hpp"
#include "changes/sync_trigger.hpp"
#include "changes/twins.hpp"

namespace orchestrate {

// A constraint only a shadow column gets (add_check, add_unique and add_foreign_key with
// up/down, alter_column): built on the temporary column like the twins (a unique index
// CONCURRENTLY at expand, attached USING INDEX at transition; a check or foreign key NOT VALID
// in dual-write, validated at transition) and given its own name at contract. The old column
// never gets it, so the old application's writes that break it are kept, and only their `up`
// must satisfy it.
struct ShadowRule {
  Located<std::string> name{};
  char type = 'c'; // 'c' check, 'u' unique, 'f' foreign key
  std::string check{}; // 'c': the expression, naming the column as it is named now
  // The constraint's columns, the shadowed column among them ('c': that column alone).
  std::vector<std::string> columns{};
  std::string ref_table{}; // 'f'
  std::vector<std::string> ref_columns{};
  // What follows the definition: " ON DELETE CASCADE DEFERRABLE" for a foreign key, " NO
  // INHERIT" for a check.
  std::string suffix{};
};

// The rule as a twin on `temp`, the temporary column that replaces `column`.
Twin rule_twin(const ShadowRule& rule,
               const std::string& schema,
               const std::string& column,
               const std::string& temp);

// Refuses, at its name, a rule whose name (or its twin's) is taken, and a foreign key whose
// referenced table, columns or unique key is missing.
void validate_rules(const std::vector<ShadowRule>& rules,
                    const Table& table,
                    const ChangeContext& ctx,
                    const std::string& kind);

// At validate, over the live rows: how many rows `up` (over `view`, the row as the old
// application sees it) leaves breaking each rule, with an example: a check `up` fails, a key
// `up` gives to more than one row, a reference `up` gives that names no row. Nothing for a
// table an earlier change creates.
std::vector<LiveCheck> rule_live_checks(const std::vector<ShadowRule>& rules,
                                        const std::string& kind,
                                        const std::string& column,
                                        const Located<std::string>& up,
                                        const std::vector<ViewColumn>& view,
                                        const Table* live,
                                        const ChangeContext& ctx);

// The rules as the table has them after contract, on `column`.
void apply_rules(const std::vector<ShadowRule>& rules,
                 Table& table,
                 Catalog& catalog,
                 const ChangeContext& ctx);

// `cascade`, `no_action`, ... as SQL (CASCADE, NO ACTION); empty when `value` is none of
// cascade, restrict, no_action, set_null, set_default.
std::string referential_action(const std::string& value);

} // namespace orchestrate
