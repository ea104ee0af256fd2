#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "changes/change.hpp"
#include "changes/shadow_column.hpp"

namespace orchestrate {

// alter_column's changes of one column, as parsed (alter_column.cpp).
struct Alteration {
  Located<std::string> table{};
  Located<std::string> column{};
  std::optional<Located<std::string>> type{};
  std::optional<Located<std::string>> up{};
  std::optional<Located<std::string>> down{};
  std::optional<Located<std::optional<std::string>>> default_sql{}; // inner nullopt: dropped
  std::optional<Located<bool>> nullable{};
  std::optional<Located<std::optional<std::string>>> comment{};     // inner nullopt: removed
  std::vector<ShadowRule> rules{}; // unique, check and references, in that order
  Mark check_mark{};               // the check's expression
};

// Everything on one shadow column, in one set of phases.
std::unique_ptr<Change> composed_alteration(const Alteration& a);
// Single kinds made in place, side by side; each sees the column as the ones before it leave it.
std::unique_ptr<Change> in_place_alteration(std::vector<std::unique_ptr<Change>> parts);
// A single kind read from fields alter_column gave it: an error it raises without a position
// (a field alter_column made up, such as a default constraint name) points at `at`.
std::unique_ptr<Change> delegated(std::unique_ptr<Change> inner, Mark at);

} // namespace orchestrate
