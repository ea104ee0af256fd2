#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/session.hpp"
#include "import/pgroll.hpp"

namespace orchestrate {

namespace {
struct ImportCommandOptions {
  std::string source;
  std::string out;
  std::string schema;
};

// Translates everything before writing anything: one operation it cannot translate exactly
// and no file is written.
int run_import_pgroll(const ImportCommandOptions& o, const GlobalOptions& g) {
  ImportOptions options;
  if (!o.schema.empty()) {
    options.schema = o.schema;
  }
  std::vector<ImportedPlan> plans;
  for (const auto& file : pgroll_migration_files(o.source)) {
    plans.push_back(import_pgroll_migration(file, options));
  }
  if (o.out.empty()) {
    for (const auto& p : plans) {
      std::printf("# ==> %s (from %s)\n%s", p.name.c_str(), p.source.string().c_str(),
                  p.text.c_str());
    }
    return 0;
  }
  const auto written = write_imported_plans(plans, o.out);
  for (std::size_t i = 0; i < written.size(); ++i) {
    if (g.json) {
      const nlohmann::json line{{"plan", plans[i].name},
                                {"file", written[i].string()},
                                {"from", plans[i].source.string()}};
      std::printf("%s\n", line.dump().c_str());
    } else {
      std::printf("%s <- %s\n", written[i].string().c_str(), plans[i].source.string().c_str());
    }
  }
  return 0;
}
} // namespace

void setup_import(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto* sub = app.add_subcommand("import", "Translate another tool's migrations into plans");
  sub->require_subcommand(1);
  auto o = std::make_shared<ImportCommandOptions>();
  auto* pgroll = sub->add_subcommand(
      "pgroll", "Translate pgroll migrations (JSON or YAML; a directory in its .ledger's order, "
                "else by file name) into numbered plans that `up` runs in order. An operation "
                "that cannot be translated exactly stops the import, naming the file, position "
                "and reason, and nothing is written");
  pgroll->add_option("SOURCE", o->source, "a migration file or a directory of them")->required();
  pgroll->add_option("--out", o->out,
                     "directory to write the plans into, numbered after the plans already there "
                     "(default: print them)");
  pgroll->add_option("--schema", o->schema, "the schema the migrations run in (plans' schema:)");
  pgroll->callback([&action, o, &g] { action = [o, &g] { return run_import_pgroll(*o, g); }; });
}

} // namespace orchestrate
