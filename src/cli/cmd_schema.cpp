#include <cstdio>
#include <memory>

#include "cli/session.hpp"
#include "fleet/targets_schema.hpp"
#include "plan/json_schema.hpp"
#include "plan/kind_reference.hpp"

namespace orchestrate {

void setup_schema(CLI::App& app, const GlobalOptions& g, Action& action) {
  (void)g;
  auto* sub = app.add_subcommand(
      "schema", "Print a JSON Schema (draft 2020-12) for plan files, for editor completion and "
                "validation (e.g. orchestrate schema > plan.schema.json)");
  auto targets = std::make_shared<bool>(false);
  auto markdown = std::make_shared<bool>(false);
  auto* targets_flag =
      sub->add_flag("--targets", *targets,
                    "the schema of targets files (`--targets FILE`) instead of plan files");
  sub->add_flag("--markdown", *markdown,
                "the reference of change kinds as Markdown (the README's, scripts/render-docs) "
                "instead of a JSON Schema")
      ->excludes(targets_flag);
  sub->callback([&action, targets, markdown] {
    action = [targets, markdown] {
      if (*markdown) {
        std::fputs(kind_reference_markdown().c_str(), stdout);
        return 0;
      }
      const auto schema = *targets ? targets_json_schema() : plan_json_schema();
      std::printf("%s\n", schema.dump(2).c_str());
      return 0;
    };
  });
}

} // namespace orchestrate
