#include "pg_binaries.hpp"

#include "process.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_support {
namespace {

bool has_server_tools(const std::filesystem::path &dir) {
  return std::filesystem::exists(dir / "initdb") && std::filesystem::exists(dir / "pg_ctl");
}

std::filesystem::path from_pg_config() {
  try {
    auto result = run_process({"pg_config", "--bindir"}, {}, std::chrono::seconds(30));
    if (result.exit_code != 0) {
      return {};
    }
    std::string dir = result.out;
    while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) {
      dir.pop_back();
    }
    return dir;
  } catch (const std::exception &) {
    // pg_config is optional; the Debian layout below is the fallback.
    return {};
  }
}

std::filesystem::path newest_debian_install() {
  const std::filesystem::path root = "/usr/lib/postgresql";
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    return {};
  }
  std::vector<std::pair<int, std::filesystem::path>> candidates;
  for (const auto &entry : std::filesystem::directory_iterator(root, ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) {
      continue;
    }
    if (has_server_tools(entry.path() / "bin")) {
      candidates.emplace_back(std::stoi(name), entry.path() / "bin");
    }
  }
  if (candidates.empty()) {
    return {};
  }
  return std::max_element(candidates.begin(), candidates.end())->second;
}

} // namespace

std::filesystem::path postgres_bindir() {
  static const std::filesystem::path cached = [] {
    if (auto dir = from_pg_config(); !dir.empty() && has_server_tools(dir)) {
      return dir;
    }
    if (auto dir = newest_debian_install(); !dir.empty()) {
      return dir;
    }
    throw std::runtime_error("no PostgreSQL server binaries found (tried pg_config --bindir and "
                             "/usr/lib/postgresql/*/bin); install postgresql-15");
  }();
  return cached;
}

} // namespace test_support
