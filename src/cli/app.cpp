#include "cli/app.hpp"

#include <cstdio>

#include "cli/json_lines.hpp"
#include "cli/session.hpp"
#include "core/errors.hpp"
#include "db/connection.hpp"
#include "db/sqlstate.hpp"
#include "core/text.hpp"

namespace orchestrate {

namespace {
void print_error(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "orchestrate: error: %s\n", message.c_str());
}

} // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"orchestrate: zero-downtime PostgreSQL schema changes (expand/contract)"};
  app.require_subcommand(1);
  // Like --help, never from the environment: an ORCHESTRATE_VERSION a deploy script exports for
  // its own use would otherwise turn every command into a version print.
  app.set_version_flag("--version", std::string("orchestrate ") + ORCHESTRATE_VERSION);
  app.footer("Exit codes: 0 done; 1 runtime failure (database error after retries, lost "
             "connection); 2 bad input (plan, flags, unknown plan); 3 a gate did not pass; 4 "
             "another orchestrate holds the plan's lock; 75 the backfill stopped early and can be "
             "resumed.\nRun 'orchestrate SUBCOMMAND --help' for a command's own options.");
  app.fallthrough();
  GlobalOptions g;
  app.add_option("--db", g.db,
           "libpq URI or key=value string (default: DATABASE_URL, then libpq's PG* variables)");
  app.add_option("--state-schema", g.state_schema, "schema holding orchestrate's state")
      ->capture_default_str();
  app.add_option("--lock-timeout", g.lock_timeout,
           "lock_timeout for every DDL statement; longer waits are retried with backoff")
      ->capture_default_str();
  app.add_option("--lock-retry-for", g.lock_retry_for,
           "how long a step keeps retrying a lock before giving up")
      ->capture_default_str();
  app.add_option("--statement-timeout", g.statement_timeout, "statement_timeout for gate checks")
      ->capture_default_str();
  app.add_flag("--json", g.json, "machine-readable output");
  app.add_flag("-v,--verbose", g.verbose,
               "more detail: `start` lists every privilege its preflight checked");

  Action action;
  setup_validate(app, g, action);
  setup_plan(app, g, action);
  setup_preflight(app, g, action);
  setup_start(app, g, action);
  setup_next(app, g, action);
  setup_backfill(app, g, action);
  setup_pause(app, g, action);
  setup_status(app, g, action);
  setup_verify(app, g, action);
  setup_rollback(app, g, action);
  setup_history(app, g, action);
  setup_up(app, g, action);
  setup_lint(app, g, action);
  setup_schema(app, g, action);
  setup_url(app, g, action);
  setup_import(app, g, action);
  bind_environment(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(e.what());
    std::fprintf(stderr, "run 'orchestrate --help' for usage\n");
    return k_exit_bad_input;
  }
  int code = k_exit_ok;
  std::string message;
  try {
    (void)g.exec(); // reject malformed durations before anything connects
    code = action ? action() : k_exit_bad_input;
  } catch (const Error& e) {
    message = e.what();
    code = e.exit_code();
  } catch (const pqxx::broken_connection& e) {
    message = "lost the database connection: " + trim_end(e.what());
    code = k_exit_runtime;
  } catch (const pqxx::failure& e) {
    message = "database error " + describe_db_error(e);
    code = k_exit_runtime;
  } catch (const std::exception& e) {
    message = e.what();
    code = k_exit_runtime;
  }
  if (!message.empty()) {
    print_error(message);
  }
  if (g.json && json_outcome_wanted()) {
    write_json_outcome(code, message);
  }
  return code;
}

} // namespace orchestrate
