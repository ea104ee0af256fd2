#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan/fields.hpp"
#include "plan/model.hpp"

namespace orchestrate {

// Options PostgreSQL takes on constraints and indexes, read from a plan the same way by every
// kind that offers them, and rendered as the SQL clauses they stand for.

// The columns as a constraint's or an index's column list: `"a", "b"`.
std::string column_list(const std::vector<Located<std::string>>& columns);

// `deferrable` and `initially_deferred`. initially_deferred implies deferrable, as in
// PostgreSQL; with `deferrable: false` it is refused.
struct Deferral {
  bool deferrable = false;
  bool initially_deferred = false;
};
Deferral parse_deferral(Fields& fields, const std::string& kind);
// " DEFERRABLE", " DEFERRABLE INITIALLY DEFERRED" or "".
std::string deferral_sql(const Deferral& deferral);

// A foreign key's `on_delete`, `on_update` (cascade, restrict, no_action, set_null,
// set_default, in either case) and `match` (simple or full), kept as SQL words.
struct ForeignKeyActions {
  std::string on_delete{}; // "CASCADE", "NO ACTION", ...; empty: PostgreSQL's default
  std::string on_update{};
  std::string match{}; // "FULL" or "SIMPLE"; empty: PostgreSQL's default (simple)
};
ForeignKeyActions parse_foreign_key_actions(Fields& fields, const std::string& kind);
// " MATCH FULL ON DELETE CASCADE ON UPDATE SET NULL", each clause only when given.
std::string foreign_key_actions_sql(const ForeignKeyActions& actions);

// `storage_parameters` as pgroll writes them ("fillfactor=70, deduplicate_items=off"): names
// and plain values only, so the text cannot carry anything else into the statement; the
// parameters themselves are checked by PostgreSQL at validate.
std::optional<Located<std::string>> parse_storage_parameters(Fields& fields,
                                                             const std::string& kind);
// " WITH (fillfactor=70)" or "".
std::string storage_parameters_sql(const std::optional<Located<std::string>>& parameters);

} // namespace orchestrate
