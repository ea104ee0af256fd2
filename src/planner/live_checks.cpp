#include "planner/live_checks.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "core/errors.hpp"
#include "core/text.hpp"
#include "db/sqlstate.hpp"
#include "planner/planner.hpp"

namespace orchestrate {

std::vector<std::string> check_plan_live(pqxx::connection& conn,
                                         const Plan& plan,
                                         const Catalog& live) {
  std::vector<std::string> notices;
  for (const auto& check : plan_live_checks(plan, live)) {
    auto fail = [&](const std::string& message) {
      throw PlanError(plan.file, check.mark.line, check.mark.column, check.what + ": " + message);
    };
    try {
      pqxx::work tx(conn);
      auto r = tx.exec(check.sql);
      tx.abort();
      if (check.counts_rows && !r.empty() && !r[0][0].is_null() && r[0][0].as<long long>() > 0) {
        const std::string advice = check.advice.empty()
                                       ? "fix them, or write an expression that accepts them"
                                       : check.advice;
        if (check.notice_only) {
          notices.push_back(fmt::format("{}:{}:{}: {}: {} existing rows hold {} (first key {}); {}",
                                        plan.file, check.mark.line, check.mark.column, check.what,
                                        r[0][0].as<long long>(), r[0][2].c_str(), r[0][1].c_str(),
                                        advice));
          continue;
        }
        fail(fmt::format("{} existing rows would be refused ({}; first key {}); {}",
                         r[0][0].as<long long>(), r[0][2].c_str(), r[0][1].c_str(), advice));
      }
    } catch (const pqxx::sql_error& e) {
      // The server's first line; the rest points into SQL the plan's author never wrote.
      std::string message = e.what();
      message = message.substr(0, message.find('\n'));
      if (message.rfind("ERROR:", 0) == 0) {
        message = message.substr(message.find_first_not_of(' ', 6));
      }
      fail(fmt::format("{} [{}]", trim_end(message), sqlstate_of(e)));
    }
  }
  return notices;
}

} // namespace orchestrate
