#include <cctype>
#include <cstdio>
#include <optional>

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
  bool old_app = false;
  std::string format;
};

// Warns (stderr) when `role` cannot reach what the new application needs; the URL is printed
// anyway, since the grants may be on their way.
void check_role(Session& s, const std::string& role, const PlanRecord& record, App app) {
  pqxx::read_transaction tx(*s.conn);
  if (tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", role).empty()) {
    throw InputError("--role " + role + ": no such role in this database cluster");
  }
  const std::string& schema =
      app == App::new_app ? record.work.version_schema : record.work.old_version_schema;
  if (schema.empty() || !record.state.active()) {
    return;
  }
  auto r = tx.exec_params("SELECT has_schema_privilege($1, n.oid, 'USAGE') FROM pg_namespace n "
                          "WHERE n.nspname = $2",
                          role, schema);
  if (!r.empty() && !r[0][0].as<bool>()) {
    s.reporter.warn("warning: role " + role + " may not use schema " + readable_ident(schema) +
                    " yet");
  }
}

int run_url(const UrlOptions& o, const GlobalOptions& g) {
  std::optional<UrlFormat> format;
  if (!o.format.empty()) {
    format = parse_url_format(o.format);
    if (!format) {
      throw InputError("--format " + o.format +
                       ": expected uri, keyvalue, pgoptions, jdbc or django");
    }
  }
  Session s(g, "url", StateUse::read);
  const std::string name = s.resolve_plan(o.name);
  const auto record = s.store->find(name);
  const App app = o.old_app ? App::old_app : App::new_app;
  const char* who = o.old_app ? "old" : "new";
  const AppConnection conn{.options = app_options(*record, app),
                           .search_path = app_search_path(*record, app, ","),
                           .settings = app_marker(*record, app)};
  if (!o.role.empty()) {
    check_role(s, o.role, *record, app);
  }
  if (conn.options.empty()) {
    std::fprintf(stderr,
                 "plan %s (%s) %s: the %s application uses the plain connection string\n",
                 name.c_str(), record->state.name().c_str(),
                 record->state.active() ? "keeps no version schema" : "is not under way", who);
  }
  if (o.options_only) {
    if (!conn.options.empty()) {
      std::printf("%s\n", conn.options.c_str());
    }
    return 0;
  }
  // With --role, nothing of the migration role's (user, password, certificates) is printed.
  const std::string base = o.role.empty() ? s.url : url_for_role(s.url, o.role);
  // Printed, never logged: without --role the application gets the URL as given.
  if (format) {
    std::printf("%s\n", format_connection(base, conn, *format).c_str());
  } else if (conn.options.empty()) {
    std::printf("%s\n", base.c_str());
  } else {
    std::printf("%s\n", url_with_options(base, conn.options).c_str());
  }
  return 0;
}
} // namespace

void setup_url(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<UrlOptions>();
  auto* sub = app.add_subcommand(
      "url", "Print the database URL for the new application (--old: the old one): the "
             "connection string as given (--db, DATABASE_URL) with options=-c "
             "search_path=<version schema>,<plan schema> (when the plan keeps version schemas) "
             "and, for the new application, -c orchestrate.new_app=<plan>, the marker that tells "
             "the dual-write trigger its writes come from the new application");
  sub->add_option("NAME", o->name, "plan name (may be left out when one plan is active)");
  sub->add_option("--role", o->role,
                  "print it for the application's own role: the migration role's user, "
                  "password and client certificate are left out (the application supplies its "
                  "own password)");
  sub->add_flag("--old", o->old_app,
                "print it for the old application (the one deployed when the plan started): "
                "its search_path starts with the plan's old version schema, which shows every "
                "table the plan touches as it was at start until contract");
  sub->add_option("--format", o->format,
                  "print it as a driver takes it: uri (postgresql://...?options=...), keyvalue "
                  "(host=... options='...'), pgoptions (PGOPTIONS='...'), jdbc "
                  "(jdbc:postgresql://...?currentSchema=...&options=...) or django (the OPTIONS "
                  "entry of DATABASES)");
  sub->add_flag("--options-only", o->options_only,
                "print only the options value (-c search_path=... -c orchestrate.new_app=...), "
                "for PGOPTIONS or a driver's options setting");
  sub->callback([&action, o, &g] { action = [o, &g] { return run_url(*o, g); }; });
}

} // namespace orchestrate
