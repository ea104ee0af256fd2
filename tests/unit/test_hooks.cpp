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
  const int status = hooks.run({"after-phase", "p", "expand", "", -1, -1});
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
    hooks.start({"backfill-progress", "p", "backfill", "", 10, 100});
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
  hooks.notify({"after-phase", "p", "expand", "", -1, -1});
  CHECK(statuses == std::vector<int>{3});
  CHECK_THROWS_AS(hooks.before_phase("p", "expand"), GateFailed);
  CHECK(hooks.run({"gate-failed", "p", "expand", "", -1, -1}) == 0); // no such hook
}

TEST_CASE("the payload file and ORCHESTRATE_REASON_JSON survive quotes and newlines") {
  HookDir d;
  d.write("failure", "cp \"$ORCHESTRATE_PAYLOAD_FILE\" " + (d.dir / "payload.json").string() +
                         "\nprintf '{\"reason\": %s}' \"$ORCHESTRATE_REASON_JSON\" > " +
                         (d.dir / "reason.json").string() + "\n");
  const std::string reason = "ERROR:  he said \"stop\"\nDETAIL:  it's 'quoted' \\ too";
  Hooks hooks(d.dir.string(), 5s);
  CHECK(hooks.run({"failure", "p", "expand", reason, -1, -1}) == 0);
  const auto payload = nlohmann::json::parse(d.read("payload.json"));
  CHECK(payload["reason"] == reason);
  CHECK(payload["phase"] == "expand");
  CHECK(payload["event"] == "failure");
  CHECK(payload["text"].get<std::string>().find("p: failure (expand)") == 0);
  CHECK(nlohmann::json::parse(d.read("reason.json"))["reason"] == reason);
}

TEST_SUITE_END();

} // namespace test_hooks
