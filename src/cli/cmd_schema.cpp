#include <cstdio>

#include "cli/session.hpp"
#include "plan/json_schema.hpp"

namespace orchestrate {

void setup_schema(CLI::App& app, const GlobalOptions& g, Action& action) {
  (void)g;
  auto* sub = app.add_subcommand(
      "schema", "Print a JSON Schema (draft 2020-12) for plan files, for editor completion and "
                "validation (e.g. orchestrate schema > plan.schema.json)");
  sub->callback([&action] {
    action = [] {
      std::printf("%s\n", plan_json_schema().dump(2).c_str());
      return 0;
    };
  });
}

} // namespace orchestrate
