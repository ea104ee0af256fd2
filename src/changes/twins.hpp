#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/catalog.hpp"
#include "core/work.hpp"

namespace orchestrate {

// An index or constraint on a column that a change replaces, and the twin expand builds on the
// new column: indexes CONCURRENTLY, checks and foreign keys NOT VALID (validated at
// transition), unique indexes that back a constraint attached USING INDEX at transition.
struct Twin {
  std::string name{};       // the original's
  std::string twin{};       // the twin's while the change runs
  std::string definition{}; // indexes: from "USING ..."; constraints: the constraint definition
  bool unique = false;
  bool unique_constraint = false;
  char type = 'i'; // 'i' index, 'c' check, 'f' foreign key
};

// Every index (but the primary key) and every check and foreign key on `from`, rewritten to
// `to`; `name_of` names each twin from the original's name.
std::vector<Twin> find_twins(const Table& table,
                             const std::string& from,
                             const std::string& to,
                             const std::function<std::string(const std::string&)>& name_of);

// Phase work for the twins of one change. Expand builds the unique indexes, dual-write adds
// the constraints NOT VALID right after the trigger (see twins_dual_write). The unique
// indexes: from dual-write on they refuse a duplicate the new application writes (a
// `change_type` whose `up` is not one-to-one would otherwise let one in) and they are the
// arbiters of its `INSERT ... ON CONFLICT` on the new column. The other indexes are built after
// the copy (`twins_after_copy`: the backfill phase's steps run after its copy), once over the
// copied rows, instead of being updated by every row the backfill copies; the backfill's gate checks
// them valid. Transition validates the constraints and attaches unique ones, contract (when
// `renamed`) gives each twin its original's name once the original is gone with the old column.
void twins_expand(const std::vector<Twin>& twins,
                  const std::string& id,
                  const std::string& schema,
                  const std::string& table,
                  PhaseWork& w);
// The twin constraints (NOT VALID), after the dual-write trigger.
void twins_dual_write(const std::vector<Twin>& twins,
                      const std::string& id,
                      const std::string& schema,
                      const std::string& table,
                      PhaseWork& w);
void twins_after_copy(const std::vector<Twin>& twins,
                      const std::string& id,
                      const std::string& schema,
                      const std::string& table,
                      PhaseWork& w);
void twins_transition(const std::vector<Twin>& twins,
                      const std::string& id,
                      const std::string& schema,
                      const std::string& table,
                      PhaseWork& w);
// SQL statements (each ending in ";\n") that rename the twins to their originals' names.
std::string twins_rename_sql(const std::vector<Twin>& twins,
                             const std::string& schema,
                             const std::string& table);
void twins_contract_gate(const std::vector<Twin>& twins,
                         bool renamed,
                         const std::string& id,
                         const std::string& schema,
                         const std::string& table,
                         PhaseWork& w);

} // namespace orchestrate
