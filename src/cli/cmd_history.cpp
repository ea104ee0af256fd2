#include <fmt/format.h>

#include "cli/session.hpp"

namespace orchestrate {

namespace {
int run_history(const GlobalOptions& g) {
  Session s(g, "history", StateUse::read);
  nlohmann::json all = nlohmann::json::array();
  std::string text;
  for (const auto& r : s.plans()) {
    nlohmann::json phases = nlohmann::json::array();
    text += fmt::format("{}  {}  checksum {}  registered {}  file {}\n", r.name, r.state.name(),
                        r.checksum, r.created_at, r.file);
    for (const auto& p : s.store->phases(r.name)) {
      phases.push_back({{"phase", p.phase},
                        {"started_at", p.started_at},
                        {"finished_at", p.finished_at.empty() ? nlohmann::json()
                                                              : nlohmann::json(p.finished_at)},
                        {"who", p.who}});
      text += fmt::format("  {:<11} {} -> {}  by {}\n", p.phase, p.started_at,
                          p.finished_at.empty() ? "(not finished)" : p.finished_at, p.who);
    }
    all.push_back({{"name", r.name},
                   {"state", r.state.name()},
                   {"checksum", r.checksum},
                   {"file", r.file},
                   {"registered_at", r.created_at},
                   {"phases", phases}});
  }
  if (g.json) {
    std::printf("%s\n", all.dump(2).c_str());
  } else {
    std::printf("%s", text.empty() ? "no plans registered\n" : text.c_str());
  }
  return 0;
}
} // namespace

void setup_history(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto* sub = app.add_subcommand(
      "history", "Every plan with its phases' start and end times, who ran them, and checksums");
  sub->callback([&action, &g] { action = [&g] { return run_history(g); }; });
}

} // namespace orchestrate
