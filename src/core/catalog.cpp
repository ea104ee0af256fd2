#include "core/catalog.hpp"
#include "core/ranges.hpp"

#include <algorithm>

namespace orchestrate {

const Column* Table::column(const std::string& wanted) const {
  for (const auto& c : columns) {
    if (c.name == wanted) {
      return &c;
    }
  }
  return nullptr;
}

Column* Table::column(const std::string& wanted) {
  for (auto& c : columns) {
    if (c.name == wanted) {
      return &c;
    }
  }
  return nullptr;
}

std::vector<std::string> Table::row_key() const {
  for (const auto& index : indexes) {
    if (index.primary) {
      return index.columns;
    }
  }
  for (const auto& index : indexes) {
    if (!index.unique || !index.valid || index.uses_expression || index.columns.empty()) {
      continue;
    }
    bool all_not_null = std::all_of(index.columns.begin(), index.columns.end(), [&](auto& n) {
      const Column* c = column(n);
      return c != nullptr && c->not_null;
    });
    if (all_not_null) {
      return index.columns;
    }
  }
  return {};
}

const Table* Catalog::table(const std::string& schema, const std::string& name) const {
  auto it = tables.find(schema + "." + name);
  return it == tables.end() ? nullptr : &it->second;
}

Table* Catalog::table(const std::string& schema, const std::string& name) {
  auto it = tables.find(schema + "." + name);
  return it == tables.end() ? nullptr : &it->second;
}

bool Catalog::has_schema(const std::string& name) const {
  return contains(schemas, name);
}

bool is_integer_type(const std::string& type) {
  return type == "integer" || type == "bigint" || type == "smallint";
}

} // namespace orchestrate
