#pragma once

// A change kind's whole lifecycle while both applications write: the old one through its
// version schema from the start, the new one through its own (marked as the plan's new
// application) from the end of dual-write. Each phase, both also run a probe of their own
// (an insert and an update by default), and every value any of them committed is compared
// exactly at the end. Rollback from every phase before contract must leave pg_dump
// --schema-only exactly as it was.

#include <pqxx/pqxx>

#include <functional>
#include <map>
#include <string>

#include "fixture.hpp"

namespace kinds_lifecycle {

// One application's session: its version schema first on the search_path, and for the new
// application the marker `orchestrate url` puts in its options.
class App {
public:
  App(const itest::TestDb& db, const std::string& search_path, const std::string& new_app_plan);
  // Runs `sql` with `params` in its own transaction and returns the first column of its first
  // row ("<null>" for NULL or no row).
  template <class... Args> std::string run(const std::string& sql, Args&&... args) {
    pqxx::work tx(m_conn);
    auto r = tx.exec_params(sql, std::forward<Args>(args)...);
    tx.commit();
    return r.empty() || r[0][0].is_null() ? std::string("<null>") : r[0][0].c_str();
  }
  bool new_app() const { return m_new; }

private:
  pqxx::connection m_conn;
  bool m_new;
};

// What each application's own rows must hold at the end, by id: the columns compared exactly.
struct Expected {
  std::map<long long, std::map<std::string, std::string>> rows;
};

struct Kind {
  std::string tag{};   // database and plan name
  std::string setup{}; // SQL run before the plan starts
  std::string plan{};  // the changes
  // The plan's `version_schema:`; empty: the version schemas are named for the plan.
  std::string version_schema{};
  // Run after start (phase 0) and after each `next` (1 expand ... 5 contract).
  std::function<void(const itest::TestDb&, int)> after_phase = [](const itest::TestDb&, int) {};
  // Each application's own writes in each phase (1..4 old and new, 5 new only): records what
  // its rows must hold at the end. Default: an insert and an update of the row it inserted.
  std::function<void(App&, int, Expected&)> probe{};
  // The table the probes' rows are compared in.
  std::string table = "users";
  int rows = 500;
};

std::string plan_text(const Kind& k);
// The search_path each application connects with.
std::string new_search_path(const Kind& k);
std::string old_search_path(const Kind& k);

void lifecycle(const Kind& k);
void rollback_from_each_phase(const Kind& k);

} // namespace kinds_lifecycle
