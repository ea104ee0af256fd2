#include "public_state.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <vector>

namespace itest {

std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    INFO("stdout line: " << line);
    nlohmann::json j;
    CHECK_NOTHROW(j = nlohmann::json::parse(line));
    CHECK(j.is_object());
    lines.push_back(j);
  }
  return lines;
}

namespace {
// `orchestrate --db URL --json ARGS...`, parsed; fails the test when it does not exit 0.
nlohmann::json orchestrate_json(const std::string& url, std::vector<std::string> args) {
  std::vector<std::string> argv{ORCHESTRATE_BIN, "--db", url, "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = test_support::run_process(argv);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

std::vector<std::string> with_plan(std::vector<std::string> args, const std::string& plan) {
  if (!plan.empty()) {
    args.push_back(plan);
  }
  return args;
}
} // namespace

nlohmann::json status_json(const std::string& url, const std::string& plan) {
  return orchestrate_json(url, with_plan({"status"}, plan));
}

namespace {
// The named plan's entry of `history --json` (the plan registered last when `plan` is empty);
// null when there is none.
nlohmann::json history_entry(const std::string& url, const std::string& plan) {
  nlohmann::json found;
  for (const auto& p : orchestrate_json(url, {"history"})) {
    if (plan.empty() ? found.is_null() || p.value("registered_at", "") >=
                                              found.value("registered_at", "")
                     : p.value("name", "") == plan) {
      found = p;
    }
  }
  return found;
}
} // namespace

std::string plan_state(const std::string& url, const std::string& plan) {
  const auto p = history_entry(url, plan);
  return p.is_null() ? "" : p.value("state", "");
}

std::string state_and_applying(const TestDb& db) {
  // A plan in flight is what `status` shows alone. When none is (an array comes back), the plan
  // registered last has ended (done, rolled back) and applies nothing: its state in `history`.
  const auto s = status_json(db);
  if (!s.is_object()) {
    const auto p = history_entry(db.url(), "");
    REQUIRE_MESSAGE(!p.is_null(), "no plan is registered");
    return p.value("state", "");
  }
  const auto& applying = s["applying"];
  return s.value("phase", "") + (applying.is_string() ? "/" + applying.get<std::string>() : "");
}

std::string phase_and_applying(const TestDb& db) {
  const auto s = status_json(db);
  const auto& applying = s["applying"];
  return s.value("phase", "") + "/" + (applying.is_string() ? applying.get<std::string>() : "");
}

nlohmann::json plan_events(const std::string& url, const std::string& plan) {
  const auto all = orchestrate_json(url, {"history", plan});
  REQUIRE(all.size() == 1);
  return all[0]["events"];
}

int count_events(const std::string& url, const std::string& plan, const std::string& outcome,
                 const std::string& item) {
  int n = 0;
  for (const auto& e : plan_events(url, plan)) {
    n += e.value("outcome", "") == outcome && (item.empty() || e.value("item", "") == item);
  }
  return n;
}

bool has_event(const TestDb& db, const std::string& plan, const std::string& outcome,
               const std::string& phase, const std::string& detail_part) {
  for (const auto& e : plan_events(db, plan)) {
    if (e.value("outcome", "") == outcome && (phase.empty() || e.value("phase", "") == phase) &&
        e.value("detail", "").find(detail_part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

long long backfill_rows_done(const std::string& url, const std::string& plan) {
  return status_json(url, plan)["backfill"].value("rows_done", 0LL);
}

std::string throttled_by(const std::string& url, const std::string& plan) {
  const auto by = status_json(url, plan)["backfill"]["throttled_by"];
  return by.is_string() ? by.get<std::string>() : "";
}

nlohmann::json status_json(const TestDb& db, const std::string& plan) {
  return status_json(db.url(), plan);
}
std::string plan_state(const TestDb& db, const std::string& plan) {
  return plan_state(db.url(), plan);
}
nlohmann::json plan_events(const TestDb& db, const std::string& plan) {
  return plan_events(db.url(), plan);
}
int count_events(const TestDb& db, const std::string& plan, const std::string& outcome,
                 const std::string& item) {
  return count_events(db.url(), plan, outcome, item);
}
long long backfill_rows_done(const TestDb& db, const std::string& plan) {
  return backfill_rows_done(db.url(), plan);
}
std::string throttled_by(const TestDb& db, const std::string& plan) {
  return throttled_by(db.url(), plan);
}

} // namespace itest
