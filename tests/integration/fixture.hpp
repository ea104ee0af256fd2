#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/pg_cluster.hpp"
#include "support/process.hpp"

namespace itest {

class Sessions;

// A fresh database in the process's throwaway cluster, loaded with a `users` table the way
// the example application uses it: `rows` users, an index and a default on phone_number.
class TestDb {
public:
  explicit TestDb(const std::string& name, int rows = 3000);
  // A copy of the database `source` as it is (a state prepared once for several tests), which no
  // session may be connected to: a TestDb of it must have ended.
  struct CopyOf {
    std::string source;
  };
  TestDb(const std::string& name, const CopyOf& copy);
  ~TestDb();
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  const std::string& url() const { return m_url; }
  const std::string& name() const { return m_name; }
  // A temporary directory of this test's own, removed with it.
  const std::filesystem::path& dir() const { return m_dir; }
  // Runs build/orchestrate with --db pointing here.
  test_support::ProcessResult orchestrate(const std::vector<std::string>& args,
                                          const test_support::Environment& env = {}) const;
  // The orchestrate command line, for a background Child.
  std::vector<std::string> orchestrate_argv(const std::vector<std::string>& args) const;
  // The same, connecting with `url` (another role's, say) instead of the superuser's.
  test_support::ProcessResult orchestrate_as(const std::string& url,
                                             const std::vector<std::string>& args,
                                             const test_support::Environment& env = {}) const;
  std::vector<std::string> orchestrate_argv_as(const std::string& url,
                                               const std::vector<std::string>& args) const;
  // This database, connecting as `role` (the cluster trusts local connections).
  std::string url_as(const std::string& role) const;
  // A migration role as a managed PostgreSQL has it: LOGIN, NOSUPERUSER, no CREATE on the
  // database, owner of the fixture's tables (and of every table created before this call).
  // Returns url_as(role).
  std::string make_owner_role(const std::string& role) const;
  // `sql` in a transaction of its own, committed. Sessions are reused (a new one costs tens of
  // milliseconds on a small machine); each is checked before use and reset (DISCARD ALL)
  // after, so nothing a statement set outlives it.
  void exec(const std::string& sql) const;
  std::string value(const std::string& sql) const;
  // Closes the idle sessions exec() and value() keep, so that this database can be the source
  // of a CopyOf while this TestDb lives on (its next exec() opens a new one).
  void end_sessions() const;
  // Polls `sql` (a query returning one boolean) until it is true; false after `deadline`.
  // Tests assert on the result with a message naming the condition that never came.
  bool wait_until(const std::string& sql,
                  std::chrono::milliseconds deadline = std::chrono::seconds(60)) const;
  // Polls `orchestrate --json status` until the backfill reports at least `rows` rows done;
  // false after a minute.
  bool wait_for_backfill_rows(long long rows) const;
  // pg_dump --schema-only of the application's schema (the state schema left out).
  std::string dump() const;
  // Writes `text` to a plan file in a temporary directory and returns its path.
  std::string write_plan(const std::string& file_name, const std::string& text) const;

private:
  std::string m_name;
  std::string m_url;
  std::filesystem::path m_dir;
  std::unique_ptr<Sessions> m_sessions;
};

// The users table every test database starts with: `rows` users, an index and a default on
// phone_number.
std::string users_table_sql(int rows);

// The reference rename plan from plans/.
std::string rename_plan_path();

// The whole content of a file ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);

// The reference plans, plans/*.yaml, in file-name order (the order `up plans/` runs them).
std::vector<std::filesystem::path> reference_plans();

// Replaces the fixture's users table with examples/schema.sql (and its sample data).
void load_example_schema(const TestDb& db);

// Runs `orchestrate up` on a directory holding only `plans`, so exactly those are applied.
test_support::ProcessResult up_only(const TestDb& db,
                                    const std::vector<std::filesystem::path>& plans);

} // namespace itest
