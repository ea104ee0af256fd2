# The headers precompiled once per target rather than parsed once per file, shared by the main
# build (CMakeLists.txt, tests/CMakeLists.txt) and the sanitizer build (tests/fuzz/).
set(ORCHESTRATE_LIB_PCH
  <pqxx/pqxx> <yaml-cpp/yaml.h> <nlohmann/json.hpp> <fmt/format.h>
  <string> <vector> <map> <optional> <memory> <functional>)
# What nearly every test file includes. The files holding doctest's main (unit/main.cpp,
# integration/main.cpp) define its implementation before including it, so they skip these.
set(ORCHESTRATE_TEST_PCH
  <doctest/doctest.h> <pqxx/pqxx> <nlohmann/json.hpp> <fmt/format.h>
  <string> <vector> <map> <optional> <memory> <functional> <chrono> <thread> <filesystem>)
