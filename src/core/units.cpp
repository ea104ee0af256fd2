#include "core/units.hpp"

#include <fmt/format.h>

#include <cmath>
#include <regex>

#include "core/errors.hpp"

namespace orchestrate {

long long parse_bytes(const std::string& text, const std::string& what) {
  static const std::regex k_rate(k_rate_pattern);
  static const std::regex k_number(R"(\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*))");
  std::smatch m;
  if (!std::regex_match(text, k_rate) || !std::regex_search(text, m, k_number)) {
    throw InputError(fmt::format("{}: '{}' is not a size (examples: 65536, 512kB, 64MB, 1GB)",
                                 what, text));
  }
  const std::string unit = m[2].str();
  double factor = 1;
  if (unit == "kB" || unit == "KB" || unit == "kiB" || unit == "KiB") {
    factor = 1024.0;
  } else if (unit == "MB" || unit == "MiB") {
    factor = 1024.0 * 1024;
  } else if (unit == "GB" || unit == "GiB") {
    factor = 1024.0 * 1024 * 1024;
  } else if (unit == "TB" || unit == "TiB") {
    factor = 1024.0 * 1024 * 1024 * 1024;
  }
  const double bytes = std::stod(m[1].str()) * factor;
  if (bytes < 1) {
    throw InputError(fmt::format("{}: '{}' must be at least one byte", what, text));
  }
  return static_cast<long long>(std::llround(bytes));
}

std::string format_bytes(double bytes) {
  static constexpr const char* k_units[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (std::fabs(bytes) >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, k_units[unit]);
}

} // namespace orchestrate
