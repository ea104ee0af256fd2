#pragma once

#include <string>
#include <vector>

#include "changes/change.hpp"
#include "changes/sync_trigger.hpp"

namespace orchestrate {

// The live checks that compile a plan's expressions at `validate`, before anything runs: an
// unknown column or function, a type without a cast, a CHECK that is not boolean fails here, at
// the expression's position, instead of at the phase that first evaluates it. Each compiles
// over the row the expression will see, as the live database holds it now: a temporary table
// shaped like `view`, whose columns come from the live table where it has them, and are NULLs
// of their type where it does not (a column an earlier change of the plan adds, a table it
// creates). Everything runs in a transaction that is always rolled back.

// The table `name` of the live schema (ctx.live, else ctx.before); null when it does not exist
// yet.
const Table* live_table(const ChangeContext& ctx, const std::string& name);

// `SELECT <view's columns> FROM <live> t`: a column the live table lacks is a NULL of its type;
// without a live table, the select has no FROM.
std::string view_select(const std::vector<ViewColumn>& view, const Table* live);

// Creates pg_temp._orc_row shaped like `view` (no rows), then runs `statement`, which names it.
LiveCheck row_check(const std::string& what,
                    const Mark& mark,
                    const std::vector<ViewColumn>& view,
                    const Table* live,
                    const std::string& statement);

// Creates pg_temp._orc_row from `columns` (column definitions as CREATE TABLE takes them), then
// runs `statement`, which names it: the checks of a table that does not exist yet.
LiveCheck new_table_check(const std::string& what,
                          const Mark& mark,
                          const std::string& columns,
                          const std::string& statement);

// `check` as a CHECK constraint of the row (boolean, no subquery, no aggregate).
LiveCheck check_compiles(const std::string& what,
                         const Located<std::string>& check,
                         const std::vector<ViewColumn>& view,
                         const Table* live);

// `expr` as the default of a column of `type` added to the row (no column reference).
LiveCheck default_compiles(const std::string& what,
                           const Located<std::string>& expr,
                           const std::string& type,
                           const std::vector<ViewColumn>& view,
                           const Table* live);

// `CREATE INDEX ON <the row> <definition>` (`USING btree (lower(email)) WHERE ...`): the
// expressions must be immutable, as for the real build.
LiveCheck index_compiles(const std::string& what,
                         const Mark& mark,
                         const std::string& definition,
                         const std::vector<ViewColumn>& view,
                         const Table* live);

// True when a default expression may be volatile: it calls a function that is not on a short
// list of known stable or immutable ones. Offline we cannot ask the database, so an unknown
// function counts as volatile; the cost of a wrong guess is a backfill instead of a metadata
// change, never a table rewrite.
bool expression_may_be_volatile(const std::string& expression);
// The list itself: false for a function (by its unqualified name, any case) known to give the
// same value for every row of a statement. lint's SQL rules judge defaults by it too.
bool function_may_be_volatile(std::string name);

} // namespace orchestrate
