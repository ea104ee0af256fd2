#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace orchestrate {

// The live schema as the planner needs it. Loaded from pg_catalog by db/catalog_load, or
// built by hand in unit tests.
struct Column {
  std::string name{};
  std::string type{};              // format_type(), e.g. "character varying(20)"
  bool not_null = false;
  std::optional<std::string> collation{}; // quoted, only when it differs from the type's default
  std::optional<std::string> default_sql{};
  bool default_volatile = false; // nextval() and friends: never copied, never evaluated twice
  bool identity = false;
  bool generated = false;
  std::optional<std::string> comment{}; // COMMENT ON COLUMN
};

struct Index {
  std::string name{};
  std::string definition{};        // pg_get_indexdef()
  std::vector<std::string> columns{}; // plain key and INCLUDE columns it uses
  bool unique = false;
  bool primary = false;
  bool valid = true;
  bool uses_expression = false;  // expressions or a predicate mention columns too
  std::optional<std::string> constraint{}; // the UNIQUE/PRIMARY KEY constraint it backs
  bool partial = false;          // has a WHERE predicate
  bool immediate = true;         // uniqueness checked at once (not DEFERRABLE)
  bool replica_identity = false; // the table's REPLICA IDENTITY USING INDEX
};

struct Constraint {
  std::string name{};
  char type = 'c';               // c check, f foreign key, u unique, p primary, x exclusion
  std::string definition{};        // pg_get_constraintdef()
  std::vector<std::string> columns{};
  bool validated = true;
  std::string foreign_table{};     // for 'f'
  std::vector<std::string> foreign_columns{};
};

// A foreign key elsewhere that points at this table.
struct IncomingForeignKey {
  std::string name{};
  std::string table{};
  std::vector<std::string> referenced_columns{};
  std::vector<std::string> referencing_columns{}; // the other table's, in the same order
};

struct Table {
  std::string schema{};
  std::string name{};
  std::vector<Column> columns{};
  std::vector<Index> indexes{};
  std::vector<Constraint> constraints{};
  std::vector<IncomingForeignKey> referenced_by{};
  std::vector<std::string> triggers{};
  std::vector<std::string> dependent_views{};
  double estimated_rows = 0;
  std::optional<std::string> comment{}; // COMMENT ON TABLE
  // pg_class.relreplident: 'd' default (the primary key), 'f' full, 'n' nothing, 'i' an index
  // (the one whose replica_identity is set).
  char replica_identity = 'd';
  // Created by an earlier change of the plan being planned: no rows, no old application.
  bool created_by_plan = false;

  const Column* column(const std::string& name) const;
  Column* column(const std::string& name);
  // Primary key columns, else those of a unique index over NOT NULL columns; empty if none.
  std::vector<std::string> row_key() const;
};

struct Catalog {
  std::map<std::string, Table> tables{}; // by "schema.name"
  std::vector<std::string> schemas{};
  // "schema.name" of every relation the live database has (tables, indexes, views, sequences,
  // materialized views, composite types, foreign tables): the names a new index may not take.
  std::set<std::string> relations{};

  const Table* table(const std::string& schema, const std::string& name) const;
  Table* table(const std::string& schema, const std::string& name);
  bool has_schema(const std::string& name) const;
};

bool is_integer_type(const std::string& type);

} // namespace orchestrate
