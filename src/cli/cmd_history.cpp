#include <fmt/format.h>

#include "cli/session.hpp"

namespace orchestrate {

namespace {

struct HistoryOptions {
  std::string name;
};

int run_history(const HistoryOptions& o, const GlobalOptions& g) {
  Session s(g, "history", StateUse::read);
  if (!o.name.empty()) {
    s.resolve_plan(o.name); // an unknown name is bad input, exit 2
  }
  nlohmann::json all = nlohmann::json::array();
  std::string text;
  for (const auto& r : s.plans()) {
    if (!o.name.empty() && r.name != o.name) {
      continue;
    }
    nlohmann::json phases = nlohmann::json::array();
    text += fmt::format("{}  {}  checksum {}  registered {} by {}  file {}\n", r.name,
                        r.state.name(), r.checksum, r.created_at, r.created_by, r.file);
    for (const auto& p : s.store->phases(r.name)) {
      phases.push_back({{"phase", p.phase},
                        {"started_at", p.started_at},
                        {"finished_at", p.finished_at.empty() ? nlohmann::json()
                                                              : nlohmann::json(p.finished_at)},
                        {"who", p.who}});
      text += fmt::format("  {:<11} {} -> {}  by {}\n", p.phase, p.started_at,
                          p.finished_at.empty() ? "(not finished)" : p.finished_at, p.who);
    }
    nlohmann::json plan = {{"name", r.name},
                           {"state", r.state.name()},
                           {"checksum", r.checksum},
                           {"file", r.file},
                           {"registered_at", r.created_at},
                           {"registered_by", r.created_by},
                           {"phases", phases}};
    if (!o.name.empty()) {
      // One plan named: its whole event log as well, oldest first.
      nlohmann::json events = nlohmann::json::array();
      text += "  events:\n";
      for (const auto& e : s.store->events(r.name)) {
        events.push_back(e);
        text += fmt::format("  {}  {:<11} {:<12} {}{}  by {}\n", e.at, e.phase, e.outcome,
                            e.item, e.detail.empty() ? "" : ": " + e.detail, e.who);
      }
      plan["events"] = events;
    }
    all.push_back(plan);
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
  auto o = std::make_shared<HistoryOptions>();
  auto* sub = app.add_subcommand(
      "history", "Every plan with its phases' start and end times, who ran them, and checksums; "
                 "with NAME, that plan's whole event log as well");
  sub->add_option("NAME", o->name, "plan name");
  sub->callback([&action, o, &g] { action = [o, &g] { return run_history(*o, g); }; });
}

} // namespace orchestrate
