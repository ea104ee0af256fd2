#include <filesystem>
#include <fstream>

#include "cli/session.hpp"
#include "core/errors.hpp"
#include "planner/planner.hpp"
#include "planner/render_for_role.hpp"
#include "planner/render_sql.hpp"

namespace orchestrate {

namespace {
struct PlanOptions {
  std::string plan;
  std::string out;
};

int run_plan(const PlanOptions& o, const GlobalOptions& g) {
  Plan plan = load_plan(o.plan);
  Session s(g, "plan", StateUse::none);
  std::string note;
  PlanWork work = render_for_role(*s.conn, plan, s.catalog(), note);
  if (!note.empty()) {
    s.reporter.warn("note: " + note);
  }
  if (!work.version_schema.empty()) {
    s.reporter.info("version schemas: " + work.version_schema +
                    " for the new application (`orchestrate url`), " +
                    (work.old_version_schema.empty() ? std::string("none")
                                                     : work.old_version_schema) +
                    " for the old one (`orchestrate url --old`)");
  }
  if (o.out.empty()) {
    if (g.json) {
      std::printf("%s\n", nlohmann::json(work).dump(2).c_str());
      return 0;
    }
    for (Phase p : k_phases) {
      std::printf("%s\n", render_phase_sql(plan.name.value, work, p).c_str());
    }
    return 0;
  }
  const auto dir = std::filesystem::path(o.out) / plan.name.value;
  std::filesystem::create_directories(dir);
  for (Phase p : k_phases) {
    const auto file =
        dir / (std::to_string(static_cast<int>(p) + 1) + "-" +
               (p == Phase::dual_write ? std::string("dual-write") : std::string(phase_name(p))) +
               ".sql");
    std::ofstream f(file);
    f << render_phase_sql(plan.name.value, work, p);
    if (!f) {
      throw Error(k_exit_runtime, "cannot write " + file.string());
    }
  }
  s.reporter.info("wrote " + dir.string() + "/1-expand.sql ... 5-contract.sql");
  return 0;
}
} // namespace

void setup_plan(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<PlanOptions>();
  auto* sub = app.add_subcommand(
      "plan", "Print the SQL and gates of every phase (or write them to DIR); changes nothing");
  sub->add_option("PLAN", o->plan, "plan file")->required();
  sub->add_option("--out", o->out, "write DIR/<plan>/1-expand.sql ... 5-contract.sql");
  sub->callback([&action, o, &g] { action = [o, &g] { return run_plan(*o, g); }; });
}

} // namespace orchestrate
