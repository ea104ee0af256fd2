#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/errors.hpp"
#include "hooks/hooks.hpp"

namespace test_hooks {

using namespace orchestrate;
using namespace std::chrono_literals;

namespace {
struct HookDir {
  std::filesystem::path dir;
  HookDir() {
    dir = std::filesystem::temp_directory_path() /
          ("orchestrate-unit-hooks-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~HookDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  void write(const std::string& event, const std::string& body) const {
    const auto path = dir / event;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  std::string read(const std::string& name) const {
    std::ifstream in(dir / name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

// Running, and not a zombie waiting for a parent (or an init) to reap it.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return false;
  }
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}
} // namespace

TEST_SUITE_BEGIN("hooks");

TEST_CASE("a hook running past its timeout is killed with its children and reported") {
  HookDir d;
  // The hook and a child of its own both outlive any reasonable timeout.
  d.write("after-phase", "sleep 60 & echo $! > " + (d.dir / "child").string() + "\necho $$ > " +
                             (d.dir / "self").string() + "\nwait\n");
  std::vector<HookEnding> endings;
  Hooks hooks(d.dir.string(), 300ms,
              [&](const HookEvent&, const HookEnding& e) { endings.push_back(e); });
  const auto started = std::chrono::steady_clock::now();
  const int status = hooks.run({.event = "after-phase", .plan = "p", .phase = "expand"});
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(status == 128 + SIGKILL);
  CHECK(took < 5s);
  REQUIRE(endings.size() == 1);
  CHECK(endings[0].timed_out);
  const pid_t self = std::stoi(d.read("self"));
  const pid_t child = std::stoi(d.read("child"));
  // Signals are delivered asynchronously; give the child a moment to die.
  for (int i = 0; i < 100 && (alive(self) || alive(child)); ++i) {
    std::this_thread::sleep_for(20ms);
  }
  CHECK_FALSE(alive(self));
  CHECK_FALSE(alive(child));
}

TEST_CASE("a background hook past its timeout is killed when the hooks end") {
  HookDir d;
  d.write("backfill-progress", "echo $$ > " + (d.dir / "self").string() + "\nexec sleep 60\n");
  int reported = 0;
  const auto started = std::chrono::steady_clock::now();
  {
    Hooks hooks(d.dir.string(), 300ms, [&](const HookEvent& e, const HookEnding& ending) {
      CHECK(e.event == "backfill-progress");
      CHECK(ending.timed_out);
      ++reported;
    });
    hooks.start({.event = "backfill-progress",
                  .plan = "p",
                  .phase = "backfill",
                  .rows_done = 10,
                  .rows_total = 100});
  }
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(reported == 1);
}

TEST_CASE("a non-zero exit is reported, and a refusing before-phase throws GateFailed") {
  HookDir d;
  d.write("after-phase", "exit 3\n");
  d.write("before-phase", "exit 1\n");
  std::vector<int> statuses;
  Hooks hooks(d.dir.string(), 5s,
              [&](const HookEvent&, const HookEnding& e) { statuses.push_back(e.status); });
  hooks.notify({.event = "after-phase", .plan = "p", .phase = "expand"});
  CHECK(statuses == std::vector<int>{3});
  CHECK_THROWS_AS(hooks.before_phase("p", "expand"), GateFailed);
  // No such hook.
  CHECK(hooks.run({.event = "gate-failed", .plan = "p", .phase = "expand"}) == 0);
}

TEST_CASE("the payload file and ORCHESTRATE_REASON_JSON survive quotes and newlines") {
  HookDir d;
  d.write("failure", "cp \"$ORCHESTRATE_PAYLOAD_FILE\" " + (d.dir / "payload.json").string() +
                         "\nprintf '{\"reason\": %s}' \"$ORCHESTRATE_REASON_JSON\" > " +
                         (d.dir / "reason.json").string() + "\n");
  const std::string reason = "ERROR:  he said \"stop\"\nDETAIL:  it's 'quoted' \\ too";
  Hooks hooks(d.dir.string(), 5s);
  CHECK(hooks.run({.event = "failure", .plan = "p", .phase = "expand", .reason = reason}) == 0);
  const auto payload = nlohmann::json::parse(d.read("payload.json"));
  CHECK(payload["reason"] == reason);
  CHECK(payload["phase"] == "expand");
  CHECK(payload["event"] == "failure");
  CHECK(payload["text"].get<std::string>().find("p: failure (expand)") == 0);
  CHECK(nlohmann::json::parse(d.read("reason.json"))["reason"] == reason);
}

TEST_CASE("a fleet target's hooks are told the target, in the environment and the payload") {
  HookDir d;
  d.write("after-phase", "cp \"$ORCHESTRATE_PAYLOAD_FILE\" " + (d.dir / "payload.json").string() +
                             "\nprintf %s \"$ORCHESTRATE_TARGET\" > " +
                             (d.dir / "target").string() + "\n");
  Hooks one(d.dir.string(), 5s);
  const HookEvent e{.event = "after-phase", .plan = "p", .phase = "expand"};
  CHECK(one.run(e) == 0);
  CHECK(d.read("target").empty());
  CHECK(nlohmann::json::parse(d.read("payload.json"))["target"].is_null());

  Hooks fleet(d.dir.string(), 5s, {}, "eu-1");
  CHECK(fleet.run(e) == 0);
  CHECK(d.read("target") == "eu-1");
  const auto payload = nlohmann::json::parse(d.read("payload.json"));
  CHECK(payload["target"] == "eu-1");
  CHECK(payload["text"] == "eu-1: p: after-phase (expand)");
}

TEST_SUITE_END();

} // namespace test_hooks
