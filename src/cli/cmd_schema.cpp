#include <cstdio>
#include <memory>

#include "cli/session.hpp"
#include "fleet/targets_schema.hpp"
#include "plan/json_schema.hpp"

namespace orchestrate {

void setup_schema(CLI::App& app, const GlobalOptions& g, Action& action) {
  (void)g;
  auto* sub = app.add_subcommand(
      "schema", "Print a JSON Schema (draft 2020-12) for plan files, for editor completion and "
                "validation (e.g. orchestrate schema > plan.schema.json)");
  auto targets = std::make_shared<bool>(false);
  sub->add_flag("--targets", *targets,
                "the schema of targets files (`--targets FILE`) instead of plan files");
  sub->callback([&action, targets] {
    action = [targets] {
      const auto schema = *targets ? targets_json_schema() : plan_json_schema();
      std::printf("%s\n", schema.dump(2).c_str());
      return 0;
    };
  });
}

} // namespace orchestrate
