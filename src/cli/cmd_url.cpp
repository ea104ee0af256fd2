#include <cctype>
#include <cstdio>

#include "cli/search_path.hpp"
#include "cli/session.hpp"
#include "db/conninfo.hpp"
#include "core/ident.hpp"

namespace orchestrate {

namespace {
struct UrlOptions {
  std::string name;
};

int run_url(const UrlOptions& o, const GlobalOptions& g) {
  Session s(g, "url", true);
  const std::string name = s.resolve_plan(o.name);
  const auto record = s.store->find(name);
  const auto options = new_app_options(*record);
  if (options.empty()) {
    std::fprintf(stderr, "plan %s (%s) is not under way: the new application uses the plain "
                         "connection string\n",
                 name.c_str(), record->state.name().c_str());
    std::printf("%s\n", s.url.c_str());
    return 0;
  }
  // Printed, never logged: the application needs the URL as given, password included.
  std::printf("%s\n", url_with_options(s.url, options).c_str());
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
  sub->callback([&action, o, &g] { action = [o, &g] { return run_url(*o, g); }; });
}

} // namespace orchestrate
