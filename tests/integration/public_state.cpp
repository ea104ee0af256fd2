#include "public_state.hpp"

#include <doctest/doctest.h>

namespace itest {

nlohmann::json status_json(const TestDb& db, const std::string& plan) {
  auto r = plan.empty() ? db.orchestrate({"--json", "status"})
                        : db.orchestrate({"--json", "status", plan});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

std::string plan_state(const TestDb& db) {
  auto r = db.orchestrate({"--json", "history"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto all = nlohmann::json::parse(r.out);
  std::string state;
  std::string latest;
  for (const auto& p : all) {
    const std::string at = p.value("registered_at", "");
    if (state.empty() || at >= latest) {
      latest = at;
      state = p.value("state", "");
    }
  }
  return state;
}

std::string phase_and_applying(const TestDb& db) {
  const auto s = status_json(db);
  const auto& applying = s["applying"];
  return s.value("phase", "") + "/" + (applying.is_string() ? applying.get<std::string>() : "");
}

} // namespace itest
