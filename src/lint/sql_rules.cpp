// Rules for `sql` changes: the statements that pgroll, strong_migrations and Squawk flag as
// unsafe on a table the application is using. The SQL is parsed with libpg_query (PostgreSQL's
// own parser), so comments, quoting and odd formatting cannot hide a statement. A missing
// lock_timeout is not flagged: orchestrate sets one on every step itself.
#include <pg_query.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "changes/expression_checks.hpp"
#include "lint/lint.hpp"

namespace orchestrate {

namespace {
using json = nlohmann::json;

std::string relname(const json& rel) {
  if (!rel.is_object()) {
    return "?";
  }
  std::string name = rel.value("relname", "?");
  if (rel.contains("schemaname")) {
    name = rel["schemaname"].get<std::string>() + "." + name;
  }
  return name;
}

// Whether an expression tree calls a function the change kinds take for volatile
// (function_may_be_volatile), so a default using it rewrites the table at ADD COLUMN (nextval
// through a serial type is checked by the caller).
bool calls_volatile(const json& node) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "FuncCall") {
        const auto& names = value["funcname"];
        const std::string fn = names.empty() ? "" : names.back()["String"].value("sval", "");
        if (function_may_be_volatile(fn)) {
          return true;
        }
      }
      if (calls_volatile(value)) {
        return true;
      }
    }
  } else if (node.is_array()) {
    for (const auto& v : node) {
      if (calls_volatile(v)) {
        return true;
      }
    }
  }
  return false;
}

bool is_serial(const json& column_def) {
  static const std::set<std::string> k_serials = {"serial", "serial2", "serial4", "serial8",
                                                  "smallserial", "bigserial"};
  const auto& names = column_def["typeName"]["names"];
  return !names.empty() && k_serials.count(names.back()["String"].value("sval", "")) != 0;
}

class SqlLinter {
public:
  SqlLinter(Mark mark, std::vector<LintWarning>& out) : m_mark(mark), m_out(out) {}

  void statement(const json& stmt, int n, Mark at) {
    m_n = n;
    m_at = at;
    if (stmt.contains("IndexStmt")) {
      index(stmt["IndexStmt"]);
    } else if (stmt.contains("AlterTableStmt")) {
      const auto& a = stmt["AlterTableStmt"];
      for (const auto& cmd : a.value("cmds", json::array())) {
        if (cmd.contains("AlterTableCmd")) {
          alter(relname(a["relation"]), cmd["AlterTableCmd"]);
        }
      }
    } else if (stmt.contains("RenameStmt")) {
      rename(stmt["RenameStmt"]);
    } else if (stmt.contains("DropStmt")) {
      drop(stmt["DropStmt"]);
    } else if ((stmt.contains("VacuumStmt") && has_option(stmt["VacuumStmt"], "options", "full")) ||
               stmt.contains("ClusterStmt")) {
      warn("table-rewrite-lock", "VACUUM FULL and CLUSTER rewrite the table under an ACCESS "
                                 "EXCLUSIVE lock, blocking reads and writes until they finish",
           "run them outside orchestrate in a maintenance window, or use pg_repack");
    } else if (stmt.contains("ReindexStmt") && !has_option(stmt["ReindexStmt"], "params", "concurrently")) {
      warn("reindex-not-concurrent", "REINDEX without CONCURRENTLY blocks writes to the table",
           "REINDEX ... CONCURRENTLY outside orchestrate (it cannot run in a transaction)");
    }
  }

private:
  static bool has_option(const json& stmt, const char* list, const std::string& name) {
    for (const auto& p : stmt.value(list, json::array())) {
      if (p.contains("DefElem") && p["DefElem"].value("defname", "") == name) {
        return true;
      }
    }
    return false;
  }

  void warn(const std::string& rule, const std::string& message, const std::string& alternative) {
    m_out.push_back({rule, m_at, fmt::format("sql statement {}: {}", m_n, message),
                     alternative});
  }

  void index(const json& s) {
    const std::string table = relname(s["relation"]);
    if (!s.value("concurrent", false)) {
      warn("index-not-concurrent",
           fmt::format("CREATE INDEX on {} without CONCURRENTLY blocks every write to the table "
                       "for as long as the build takes",
                       table),
           "use a create_index change: it builds the index CONCURRENTLY outside a transaction "
           "and rebuilds an invalid leftover");
    } else {
      warn("concurrently-in-transaction",
           "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and an sql "
           "change's `up` runs in one",
           "use a create_index change, which runs the build outside a transaction");
    }
  }

  void alter(const std::string& table, const json& cmd) {
    const std::string sub = cmd.value("subtype", "");
    const std::string column = cmd.value("name", "");
    if (sub == "AT_AddConstraint" && cmd.contains("def") && cmd["def"].contains("Constraint")) {
      constraint(table, cmd["def"]["Constraint"]);
    } else if (sub == "AT_SetNotNull") {
      warn("set-not-null",
           fmt::format("SET NOT NULL on {}.{} scans the whole table under an ACCESS EXCLUSIVE "
                       "lock, blocking reads and writes",
                       table, column),
           "use a set_not_null change: a CHECK (... IS NOT NULL) NOT VALID, validated without "
           "blocking writes, lets SET NOT NULL skip the scan");
    } else if (sub == "AT_AddColumn" && cmd.contains("def") && cmd["def"].contains("ColumnDef")) {
      add_column(table, cmd["def"]["ColumnDef"]);
    } else if (sub == "AT_AlterColumnType") {
      warn("change-type-in-place",
           fmt::format("ALTER COLUMN {}.{} TYPE rewrites the table (and its indexes) under an "
                       "ACCESS EXCLUSIVE lock, and the running application may not read the "
                       "new type",
                       table, column),
           "use a change_type change: a new column filled by a backfill, kept in step by a "
           "trigger, swapped in at contract");
    } else if (sub == "AT_DropColumn") {
      warn("drop-column",
           fmt::format("DROP COLUMN {}.{} breaks the running application, which still reads or "
                       "writes it",
                       table, column),
           "use a drop_column change: the column stays until contract, after the application "
           "stopped using it");
    } else if (sub == "AT_ColumnDefault") {
      const bool drop = !cmd.contains("def") || cmd["def"].is_null();
      warn("default-in-place",
           fmt::format("ALTER COLUMN {}.{} {} DEFAULT changes what the running application's "
                       "inserts get at once",
                       table, column, drop ? "DROP" : "SET"),
           fmt::format("use a {} change: the old application keeps the old default until "
                       "contract, the new one gets the new default from transition on",
                       drop ? "drop_default" : "set_default"));
    } else if (sub == "AT_AddIndexConstraint" || sub == "AT_AddIndex") {
      // USING INDEX: the index was built beforehand; nothing to flag.
    }
  }

  void constraint(const std::string& table, const json& c) {
    const std::string type = c.value("contype", "");
    const bool not_valid = c.value("skip_validation", false);
    const std::string name = c.value("conname", "");
    if ((type == "CONSTR_CHECK" || type == "CONSTR_FOREIGN") && !not_valid) {
      const bool fk = type == "CONSTR_FOREIGN";
      warn(fk ? "foreign-key-not-valid" : "check-not-valid",
           fmt::format("ADD CONSTRAINT {} on {} without NOT VALID checks every row while holding "
                       "a lock that blocks writes{}",
                       name, table, fk ? " (on both tables)" : ""),
           fmt::format("use an {} change (NOT VALID now, VALIDATE CONSTRAINT later without "
                       "blocking writes), or add NOT VALID here and VALIDATE in a later plan",
                       fk ? "add_foreign_key" : "add_check"));
    } else if ((type == "CONSTR_UNIQUE" || type == "CONSTR_PRIMARY") &&
               c.value("indexname", "").empty()) {
      warn("unique-without-index",
           fmt::format("ADD {} on {} builds its index while blocking writes",
                       type == "CONSTR_UNIQUE" ? "UNIQUE" : "PRIMARY KEY", table),
           "use an add_unique change: the index is built CONCURRENTLY, then attached with "
           "USING INDEX");
    } else if (type == "CONSTR_EXCLUSION") {
      // PostgreSQL cannot attach a prebuilt index to an exclusion constraint (USING INDEX
      // takes unique indexes only), so there is no form of it that lets writes go on.
      warn("exclusion-builds-index",
           fmt::format("ADD CONSTRAINT {}EXCLUDE on {} builds its index and checks every row "
                       "under an ACCESS EXCLUSIVE lock, blocking reads and writes until it "
                       "finishes",
                       name.empty() ? "" : name + " ", table),
           "add it while the table is new or empty (create_table, then this in a later plan "
           "before the application writes), or in a maintenance window; where the operators "
           "are all =, a unique index built by an add_unique or create_index change enforces "
           "the same without blocking writes");
    }
  }

  void add_column(const std::string& table, const json& def) {
    const std::string column = def.value("colname", "");
    if (is_serial(def)) {
      warn("volatile-default",
           fmt::format("ADD COLUMN {}.{} of a serial type draws nextval() for every row: a "
                       "full table rewrite under an ACCESS EXCLUSIVE lock",
                       table, column),
           "use an add_column change with the default, which fills existing rows by a "
           "throttled backfill");
      return;
    }
    for (const auto& c : def.value("constraints", json::array())) {
      const auto& con = c.value("Constraint", json::object());
      const std::string type = con.value("contype", "");
      if (type == "CONSTR_DEFAULT" && calls_volatile(con.value("raw_expr", json()))) {
        warn("volatile-default",
             fmt::format("ADD COLUMN {}.{} with a volatile default rewrites the whole table "
                         "under an ACCESS EXCLUSIVE lock",
                         table, column),
             "use an add_column change with the default, which fills existing rows by a "
             "throttled backfill");
      } else if (type == "CONSTR_NOTNULL") {
        // NOT NULL with a constant default is fine since PostgreSQL 11; without one it fails
        // on a populated table, which the author learns at once.
      } else if (type == "CONSTR_UNIQUE" || type == "CONSTR_PRIMARY") {
        warn("unique-without-index",
             fmt::format("ADD COLUMN {}.{} UNIQUE builds its index while blocking writes", table,
                         column),
             "add the column, then an add_unique change (index built CONCURRENTLY)");
      } else if (type == "CONSTR_FOREIGN") {
        warn("foreign-key-not-valid",
             fmt::format("ADD COLUMN {}.{} REFERENCES locks the referenced table too", table,
                         column),
             "use an add_column change with `references`, which adds the key NOT VALID");
      }
    }
  }

  void rename(const json& s) {
    const std::string type = s.value("renameType", "");
    if (type == "OBJECT_COLUMN") {
      warn("rename-column",
           fmt::format("RENAME COLUMN {}.{} to {} breaks the running application, which still "
                       "uses the old name",
                       relname(s["relation"]), s.value("subname", ""), s.value("newname", "")),
           "use a rename_column change: both names work until contract");
    } else if (type == "OBJECT_TABLE") {
      warn("rename-table",
           fmt::format("RENAME TABLE {} to {} breaks the running application, which still uses "
                       "the old name",
                       relname(s["relation"]), s.value("newname", "")),
           "use a rename_table change: an updatable view keeps the old name alive until "
           "contract");
    } else if (type == "OBJECT_TABCONSTRAINT") {
      warn("rename-constraint",
           fmt::format("RENAME CONSTRAINT {} on {} breaks the running application where it names "
                       "the constraint (ON CONFLICT ON CONSTRAINT, error handling by name)",
                       s.value("subname", ""), relname(s["relation"])),
           "use a rename_constraint change: the constraint is renamed at contract, once the old "
           "application is retired");
    }
  }

  void drop(const json& s) {
    const std::string type = s.value("removeType", "");
    if (type == "OBJECT_TABLE") {
      warn("drop-table",
           "DROP TABLE breaks the running application if it still uses the table, and cannot "
           "be undone",
           "use a drop_table change once the application no longer uses the table: it is "
           "dropped at contract, after every gate passed");
    } else if (type == "OBJECT_INDEX" && !s.value("concurrent", false)) {
      warn("drop-index-not-concurrent",
           "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table",
           "use a drop_index change: DROP INDEX CONCURRENTLY at contract, outside a "
           "transaction, once the old application no longer relies on the index");
    }
  }

  Mark m_mark;
  Mark m_at;
  std::vector<LintWarning>& m_out;
  int m_n = 0;
};
} // namespace

std::vector<LintWarning> lint_sql(const std::string& sql, const Mark& mark, int block_indent) {
  std::vector<LintWarning> out;
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  if (result.error != nullptr) {
    out.push_back({"sql-syntax", mark,
                   fmt::format("the SQL does not parse: {} (at character {})",
                               result.error->message, result.error->cursorpos),
                   "fix the statement; PostgreSQL would refuse it at expand"});
    pg_query_free_parse_result(result);
    return out;
  }
  json tree = json::parse(result.parse_tree, nullptr, false);
  pg_query_free_parse_result(result);
  SqlLinter linter(mark, out);
  int n = 0;
  for (const auto& s : tree.value("stmts", json::array())) {
    Mark at = mark;
    if (block_indent > 0) {
      // The statement starts at its first non-blank byte after stmt_location.
      std::size_t pos = std::min<std::size_t>(s.value("stmt_location", 0), sql.size());
      pos = std::min(sql.find_first_not_of(" \t\n", pos), sql.size());
      const auto line_start = sql.rfind('\n', pos == 0 ? 0 : pos - 1);
      at.line = mark.line + 1 + static_cast<int>(std::count(sql.begin(), sql.begin() + pos, '\n'));
      at.column = block_indent + 1 + static_cast<int>(
                               pos - (line_start == std::string::npos || pos == 0 ? 0 : line_start + 1));
    }
    linter.statement(s.value("stmt", json::object()), ++n, at);
  }
  return out;
}

std::vector<LintWarning> lint_sql_rollback(const std::vector<LintChange>& changes) {
  std::vector<LintWarning> out;
  for (const auto& c : changes) {
    // The kind's own refusal: an sql change without down whose up runs at expand (at
    // contract, with on_complete, nothing rolls back anyway).
    if (c.rollback_refused.empty()) {
      continue;
    }
    out.push_back({"sql-no-down", c.mark,
                   fmt::format("this {} change has no down: once its up has run at expand, "
                               "`orchestrate rollback` of the plan is refused (line {})",
                               c.kind, c.mark.line),
                   "give it a down that undoes up (safe to run twice), or on_complete: true "
                   "when up may wait for contract"});
  }
  return out;
}

} // namespace orchestrate
