#include <cctype>
#include <cstdio>

#include "cli/search_path.hpp"
#include "cli/session.hpp"
#include "core/errors.hpp"
#include "db/conninfo.hpp"
#include "db/privileges.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {
struct UrlOptions {
  std::string name;
  std::string role;
  bool options_only = false;
};

// Warns (stderr) when `role` cannot reach what the new application needs; the URL is printed
// anyway, since the grants may be on their way.
void check_role(Session& s, const std::string& role, const PlanRecord& record) {
  pqxx::read_transaction tx(*s.conn);
  if (tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", role).empty()) {
    throw InputError("--role " + role + ": no such role in this database cluster");
  }
  if (record.work.version_schema.empty() || !record.state.active()) {
    return;
  }
  auto r = tx.exec_params("SELECT has_schema_privilege($1, n.oid, 'USAGE') FROM pg_namespace n "
                          "WHERE n.nspname = $2",
                          role, record.work.version_schema);
  if (!r.empty() && !r[0][0].as<bool>()) {
    s.reporter.warn("warning: role " + role + " may not use schema " +
                    readable_ident(record.work.version_schema) + " yet");
  }
}

int run_url(const UrlOptions& o, const GlobalOptions& g) {
  Session s(g, "url", true);
  const std::string name = s.resolve_plan(o.name);
  const auto record = s.store->find(name);
  const auto options = new_app_options(*record);
  if (!o.role.empty()) {
    check_role(s, o.role, *record);
  }
  if (o.options_only) {
    if (options.empty()) {
      std::fprintf(stderr, "plan %s (%s) is not under way: no options needed\n", name.c_str(),
                   record->state.name().c_str());
      return 0;
    }
    std::printf("%s\n", options.c_str());
    return 0;
  }
  // With --role, nothing of the migration role's (user, password, certificates) is printed.
  const std::string base = o.role.empty() ? s.url : url_for_role(s.url, o.role);
  if (options.empty()) {
    std::fprintf(stderr, "plan %s (%s) is not under way: the new application uses the plain "
                         "connection string\n",
                 name.c_str(), record->state.name().c_str());
    std::printf("%s\n", base.c_str());
    return 0;
  }
  // Printed, never logged: without --role the application gets the URL as given.
  std::printf("%s\n", url_with_options(base, options).c_str());
  return 0;
}
} // namespace

void setup_url(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<UrlOptions>();
  auto* sub = app.add_subcommand(
      "url", "Print the database URL for the new application: the connection string as given "
             "(--db, DATABASE_URL) with options=-c search_path=<version schema>,<plan schema> "
             "(when the plan has one) -c orchestrate.new_app=<plan>, the marker that tells the "
             "dual-write trigger its writes come from the new application");
  sub->add_option("NAME", o->name, "plan name (may be left out when one plan is active)");
  sub->add_option("--role", o->role,
                  "print it for the application's own role: the migration role's user, "
                  "password and client certificate are left out (the application supplies its "
                  "own password)")
      ->envname("ORCHESTRATE_ROLE");
  sub->add_flag("--options-only", o->options_only,
                "print only the options value (-c search_path=... -c orchestrate.new_app=...), "
                "for PGOPTIONS or a driver's options setting")
      ->envname("ORCHESTRATE_OPTIONS_ONLY");
  sub->callback([&action, o, &g] { action = [o, &g] { return run_url(*o, g); }; });
}

} // namespace orchestrate
