#include "changes/rename_in_place.hpp"

#include <fmt/format.h>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "core/ident.hpp"

namespace orchestrate {

PhaseWork rename_in_place_work(const RenameInPlace& r, Phase phase) {
  PhaseWork w;
  if (phase != Phase::contract) {
    return w;
  }
  const std::string qualified = quote_qualified(r.schema, r.table);
  const std::string has_from = fmt::format(
      "EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = {}::regclass AND attname = {} AND "
      "NOT attisdropped)",
      quote_literal(qualified), quote_literal(r.from));
  w.steps.push_back(
      {.id = r.id + ".rename_in_place",
       .sql = fmt::format("DO $orc$ BEGIN\n  IF {} THEN\n    ALTER TABLE {} RENAME COLUMN {} TO "
                          "{};\n  END IF;\nEND $orc$",
                          has_from, qualified, quote_ident(r.from), quote_ident(r.to))});
  w.gate.push_back(column_exists_check(r.id + ".old_gone." + r.from, r.schema, r.table, r.from,
                                       false));
  w.gate.push_back(column_exists_check(r.id + ".present", r.schema, r.table, r.to, true));
  return w;
}

LiveCheck version_schemas_required(Mark mark, const std::string& what) {
  return {.mark = mark,
          .what = what,
          .sql = "DO $orc$ BEGIN\n"
                 "  IF NOT has_database_privilege(current_database(), 'CREATE') THEN\n"
                 "    RAISE EXCEPTION 'copy: false needs the version schemas, and role % may not "
                 "CREATE on database %: the new application would find no column under the new "
                 "name until contract; GRANT CREATE ON DATABASE % TO %, or leave copy out', "
                 "current_user, current_database(), quote_ident(current_database()), "
                 "quote_ident(current_user)\n"
                 "      USING ERRCODE = '42501';\n"
                 "  END IF;\n"
                 "END $orc$"};
}

} // namespace orchestrate
