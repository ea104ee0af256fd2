#include "state_file.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace example {

WriteLog load_writes(const std::filesystem::path &file) {
  WriteLog writes;
  if (!std::filesystem::exists(file)) {
    return writes;
  }
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string());
  }
  nlohmann::json document;
  try {
    in >> document;
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error(file.string() + " is not a state file: " + e.what());
  }
  // A named copy: iterating items() of the temporary value() returns would dangle.
  const auto entries = document.value("writes", nlohmann::json::object());
  for (const auto &[id, value] : entries.items()) {
    writes[std::stoll(id)] = value.get<std::string>();
  }
  return writes;
}

void merge_writes(const std::filesystem::path &file, const WriteLog &writes) {
  auto merged = load_writes(file);
  for (const auto &[id, value] : writes) {
    merged[id] = value;
  }
  nlohmann::json entries = nlohmann::json::object();
  for (const auto &[id, value] : merged) {
    entries[std::to_string(id)] = value;
  }
  const nlohmann::json document{{"writes", entries}};

  // Write then rename, so an interrupted save never leaves half a file behind.
  auto temporary = file;
  temporary += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << document.dump() << "\n";
    out.close();
    if (!out) {
      throw std::runtime_error("cannot write " + temporary.string());
    }
  }
  std::filesystem::rename(temporary, file);
}

} // namespace example
