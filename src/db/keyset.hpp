#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/work.hpp"

namespace orchestrate {

// SQL fragments for walking a table in key order, one bounded page at a time.
struct Keyset {
  explicit Keyset(const BackfillSpec& spec);

  std::string table{};   // quoted schema.table
  std::string columns{}; // "k1", "k2"
  std::string order{};   // "k1", "k2" (ascending)
  std::string order_desc{};
  std::string text_columns{}; // "k1"::text, "k2"::text

  // `(k1, k2) > ($n::t1, $n+1::t2)`, or "true" when `after` is empty.
  std::string after(std::size_t first_param) const;

private:
  std::string compare(const char* op, std::size_t first_param) const;
  const BackfillSpec& m_spec;
};

} // namespace orchestrate
