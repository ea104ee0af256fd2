#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace orchestrate {

// `orchestrate lint --schema`: the three design mistakes of design_shapes.hpp, found on the
// tables of a live schema, each with the evidence that makes it concrete.

// A column of an audited table, as format_type prints its type.
struct AuditColumn {
  std::string name{};
  std::string type{};
};

// A foreign key of another table that points at the audited table.
struct AuditReference {
  std::string name{};  // constraint
  std::string table{}; // referencing table
  std::vector<std::string> columns{};
};

struct AuditFinding {
  std::string rule{}; // natural-key, list-in-string, no-timestamps
  std::string schema{};
  std::string table{};
  std::string column{}; // the key or list column; empty for no-timestamps
  std::string type{};
  long long bytes = 0; // the table with its indexes and TOAST
  double rows = 0;     // the planner's estimate
  std::string size{};    // bytes, for people ("1.5 GB")
  std::string message{};
  std::vector<std::string> evidence{};
  std::string fix_kind{}; // the change kind that fixes it
  // For the fix's plan: the table's key, its columns, the foreign keys pointing at it, and (for
  // a list) the table its items reference, guessed from the column's name.
  std::vector<std::string> key{};
  std::vector<AuditColumn> columns{};
  std::vector<AuditReference> referenced_by{};
  std::string list_parent{};
  std::string list_parent_key{}; // its single-column primary key
  std::string list_delimiter{};  // the delimiter the sampled values use
};

// Every finding on the ordinary tables of `schema`, largest table first. Reads the catalog and,
// for string columns, a sample taken with TABLESAMPLE SYSTEM (about `sample_rows` rows, never
// the whole of a large table), in one read-only transaction.
std::vector<AuditFinding> audit_schema(pqxx::connection& conn,
                                       const std::string& schema,
                                       long long sample_rows = 1000);

// The plan that fixes a finding, as YAML with comments on the choices made for the reviewer;
// nullopt when no change kind of this version fixes it (the reason in `why_not`).
std::optional<std::string> fix_plan(const AuditFinding& finding, std::string& why_not);
// The file name its plan is written under: "<fix kind>-<table>[-<column>].yaml".
std::string fix_plan_file(const AuditFinding& finding);

} // namespace orchestrate
