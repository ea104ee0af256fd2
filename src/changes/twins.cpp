#include "changes/twins.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "changes/lookups.hpp"
#include "changes/steps.hpp"
#include "core/ident.hpp"
#include "core/sql_text.hpp"
#include "core/ranges.hpp"

namespace orchestrate {

namespace {

// pg_get_constraintdef() of a NOT VALID constraint already says so; the twin is added NOT VALID
// on its own terms.
std::string strip_not_valid(std::string definition) {
  const std::string suffix = " NOT VALID";
  if (definition.size() > suffix.size() &&
      definition.compare(definition.size() - suffix.size(), suffix.size(), suffix) == 0) {
    definition.resize(definition.size() - suffix.size());
  }
  return definition;
}

} // namespace

std::vector<Twin> find_twins(const Table& table,
                             const std::string& from,
                             const std::string& to,
                             const std::function<std::string(const std::string&)>& name_of) {
  std::vector<Twin> twins;
  for (const auto& index : table.indexes) {
    if (index.primary ||
        !(contains(index.columns, from) || mentions_identifier(index.definition, from))) {
      continue;
    }
    auto using_pos = index.definition.find(" USING ");
    if (using_pos == std::string::npos) {
      continue;
    }
    twins.push_back({.name = index.name,
                     .twin = name_of(index.name),
                     .definition = replace_identifier(index.definition.substr(using_pos + 1), from, to),
                     .unique = index.unique,
                     .unique_constraint = index.constraint.has_value()});
  }
  for (const auto& con : table.constraints) {
    if ((con.type != 'c' && con.type != 'f') || !contains(con.columns, from)) {
      continue;
    }
    std::string definition;
    if (con.type == 'f') {
      // Only the local column list names our column; the referenced side stays as it is.
      auto ref = con.definition.find(" REFERENCES ");
      definition = replace_identifier(con.definition.substr(0, ref), from, to) +
                   con.definition.substr(ref);
    } else {
      definition = replace_identifier(con.definition, from, to);
    }
    twins.push_back({.name = con.name,
                     .twin = name_of(con.name),
                     .definition = strip_not_valid(definition),
                     .type = con.type});
  }
  return twins;
}

namespace {

void build_twin_index(const Twin& t,
                      const std::string& id,
                      const std::string& schema,
                      const std::string& table,
                      PhaseWork& w) {
  for (auto& s :
       build_index_steps(id + ".index." + t.name, schema, table, t.twin, t.unique, t.definition)) {
    w.steps.push_back(std::move(s));
  }
  w.gate.push_back(index_valid_check(id + ".index." + t.name, schema, t.twin));
}

} // namespace

void twins_expand(const std::vector<Twin>& twins,
                  const std::string& id,
                  const std::string& schema,
                  const std::string& table,
                  PhaseWork& w) {
  for (const auto& t : twins) {
    if (t.type == 'i' && t.unique) {
      build_twin_index(t, id, schema, table, w);
    }
  }
}

void twins_dual_write(const std::vector<Twin>& twins,
                      const std::string& id,
                      const std::string& schema,
                      const std::string& table,
                      PhaseWork& w) {
  // After the dual-write trigger, like the NOT NULL check: a NOT VALID constraint still checks
  // every new row version, and before the trigger the new column is NULL in all of them, which
  // a copied CHECK (coalesce(col, '') <> '') would refuse.
  for (const auto& t : twins) {
    if (t.type != 'i') {
      w.steps.push_back({.id = id + ".constraint." + t.name,
                         .sql = add_constraint_sql(schema, table, t.twin,
                                                   t.definition + " NOT VALID")});
      w.gate.push_back(
          constraint_check(id + ".constraint." + t.name, schema, table, t.twin, false));
    }
  }
}

void twins_after_copy(const std::vector<Twin>& twins,
                      const std::string& id,
                      const std::string& schema,
                      const std::string& table,
                      PhaseWork& w) {
  for (const auto& t : twins) {
    if (t.type == 'i' && !t.unique) {
      build_twin_index(t, id, schema, table, w);
    }
  }
}

void twins_transition(const std::vector<Twin>& twins,
                      const std::string& id,
                      const std::string& schema,
                      const std::string& table,
                      PhaseWork& w) {
  for (const auto& t : twins) {
    if (t.type != 'i') {
      // VALIDATE takes SHARE UPDATE EXCLUSIVE: writes go on while it scans.
      w.steps.push_back({.id = id + ".validate." + t.twin,
                         .sql = validate_constraint_sql(schema, table, t.twin)});
      w.gate.push_back(
          constraint_check(id + ".validated." + t.twin, schema, table, t.twin, true));
    } else if (t.unique_constraint) {
      w.steps.push_back({.id = id + ".unique." + t.name,
                         .sql = add_constraint_sql(schema, table, t.twin,
                                                   "UNIQUE USING INDEX " + quote_ident(t.twin))});
      w.gate.push_back(constraint_check(id + ".unique." + t.name, schema, table, t.twin, true));
    }
  }
}

std::string twins_rename_sql(const std::vector<Twin>& twins,
                             const std::string& schema,
                             const std::string& table) {
  std::string sql;
  for (const auto& t : twins) {
    if (t.type == 'i' && !t.unique_constraint) {
      sql += fmt::format("ALTER INDEX {} RENAME TO {};\n", quote_qualified(schema, t.twin),
                         quote_ident(t.name));
    } else {
      // Renaming a UNIQUE constraint renames the index behind it too.
      sql += fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {};\n",
                         quote_qualified(schema, table), quote_ident(t.twin), quote_ident(t.name));
    }
  }
  return sql;
}

void twins_contract_gate(const std::vector<Twin>& twins,
                         bool renamed,
                         const std::string& id,
                         const std::string& schema,
                         const std::string& table,
                         PhaseWork& w) {
  for (const auto& t : twins) {
    const std::string& name = renamed ? t.name : t.twin;
    if (t.type == 'i') {
      w.gate.push_back(index_valid_check(id + ".index." + name, schema, name));
    } else {
      w.gate.push_back(constraint_check(id + ".constraint." + name, schema, table, name, true));
    }
  }
}

} // namespace orchestrate
