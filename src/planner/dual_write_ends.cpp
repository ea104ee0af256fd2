#include "planner/dual_write_ends.hpp"

#include <map>
#include <string>

namespace orchestrate {

namespace {

struct Ending {
  std::size_t at = 0;        // where the joined step stands in the output
  std::vector<Step> drops{}; // the triggers
  std::vector<Step> rest{};  // the swaps and column drops, in the plan's order
};

std::string joined_sql(const Ending& e) {
  std::string sql;
  for (const auto* part : {&e.drops, &e.rest}) {
    for (const auto& s : *part) {
      sql += (sql.empty() ? "" : ";\n") + s.sql;
    }
  }
  return sql;
}

std::string joined_id(const Ending& e) {
  const auto& named = e.rest.empty() ? e.drops : e.rest;
  std::string id;
  for (const auto& s : named) {
    id += (id.empty() ? "" : "+") + s.id;
  }
  return id;
}

} // namespace

std::vector<Step> join_dual_write_ends(std::vector<Step> steps) {
  std::vector<Step> out;
  std::map<std::string, Ending> endings;
  for (auto& s : steps) {
    if (s.ends_dual_write.empty()) {
      out.push_back(std::move(s));
      continue;
    }
    auto [it, first] = endings.try_emplace(s.ends_dual_write);
    if (first) {
      it->second.at = out.size();
      out.push_back({});
    }
    (s.drops_trigger ? it->second.drops : it->second.rest).push_back(std::move(s));
  }
  for (const auto& [table, e] : endings) {
    out[e.at] = {.id = joined_id(e), .sql = joined_sql(e), .ends_dual_write = table};
  }
  return out;
}

} // namespace orchestrate
