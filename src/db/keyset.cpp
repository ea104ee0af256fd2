#include "db/keyset.hpp"

#include <fmt/format.h>

#include "core/ident.hpp"

namespace orchestrate {

Keyset::Keyset(const BackfillSpec& spec) : m_spec(spec) {
  table = quote_qualified(spec.schema, spec.table);
  for (std::size_t i = 0; i < spec.key.size(); ++i) {
    const std::string sep = i ? ", " : "";
    columns += sep + quote_ident(spec.key[i]);
    order += sep + quote_ident(spec.key[i]);
    order_desc += sep + quote_ident(spec.key[i]) + " DESC";
    text_columns += sep + quote_ident(spec.key[i]) + "::text";
  }
}

std::string Keyset::compare(const char* op, std::size_t first_param) const {
  std::string params;
  for (std::size_t i = 0; i < m_spec.key.size(); ++i) {
    params += fmt::format("{}${}::{}", i ? ", " : "", first_param + i, m_spec.key_types[i]);
  }
  return fmt::format("({}) {} ({})", columns, op, params);
}

std::string Keyset::after(std::size_t first_param) const {
  return compare(">", first_param);
}

} // namespace orchestrate
