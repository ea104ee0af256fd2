#include "hooks/hooks.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/errors.hpp"

extern char** environ;

namespace orchestrate {

namespace {
using clock = std::chrono::steady_clock;

// After the timeout a hook gets SIGTERM, and this long to clean up before SIGKILL.
constexpr auto k_kill_grace = std::chrono::milliseconds(500);
constexpr auto k_poll = std::chrono::milliseconds(20);

int exit_status(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return 1;
}

bool is_hook_variable(const std::string& entry) {
  return entry.rfind("ORCHESTRATE_", 0) == 0 &&
         (entry.rfind("ORCHESTRATE_PLAN=", 0) == 0 || entry.rfind("ORCHESTRATE_PHASE=", 0) == 0 ||
          entry.rfind("ORCHESTRATE_EVENT=", 0) == 0 ||
          entry.rfind("ORCHESTRATE_TARGET=", 0) == 0 ||
          entry.rfind("ORCHESTRATE_ROWS_DONE=", 0) == 0 ||
          entry.rfind("ORCHESTRATE_ROWS_TOTAL=", 0) == 0 ||
          entry.rfind("ORCHESTRATE_ROWS_ESTIMATED=", 0) == 0 ||
          entry.rfind("ORCHESTRATE_REASON=", 0) == 0 ||
          entry.rfind("ORCHESTRATE_REASON_JSON=", 0) == 0 ||
          entry.rfind("ORCHESTRATE_PAYLOAD_FILE=", 0) == 0);
}

std::string rows_text(long long rows) {
  return rows < 0 ? std::string() : std::to_string(rows);
}

// A one-line summary for a chat message: the payload's `text`.
std::string summary(const HookEvent& e, const std::string& target) {
  std::string line = fmt::format("{}{}: {}", target.empty() ? "" : target + ": ", e.plan, e.event);
  if (!e.phase.empty()) {
    line += " (" + e.phase + ")";
  }
  if (!e.reason.empty()) {
    line += ": " + e.reason;
  }
  return line;
}

std::string write_payload(const HookEvent& e, const std::string& target) {
  const auto rows = [](long long n) { return n < 0 ? nlohmann::json() : nlohmann::json(n); };
  const nlohmann::json j = {{"text", summary(e, target)},
                            {"event", e.event},
                            {"plan", e.plan},
                            {"target", target.empty() ? nlohmann::json() : nlohmann::json(target)},
                            {"phase", e.phase},
                            {"reason", e.reason},
                            {"rows_done", rows(e.rows_done)},
                            {"rows_total", rows(e.rows_total)},
                            {"rows_estimated", rows(e.rows_estimated)}};
  std::string path =
      (std::filesystem::temp_directory_path() / "orchestrate-hook-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) {
    return {};
  }
  const std::string body =
      j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const bool written = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
  ::close(fd);
  if (!written) {
    std::remove(path.c_str());
    return {};
  }
  return path;
}

void kill_group(pid_t pid, int signal_number) {
  // The hook leads its own process group, so `sleep` in a shell script goes with it.
  if (::kill(-pid, signal_number) != 0) {
    ::kill(pid, signal_number);
  }
}
} // namespace

std::string json_string(const std::string& text) {
  // A database message may hold bytes that are not UTF-8; they become U+FFFD, never an error.
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Hooks::Hooks(std::string dir,
             std::chrono::milliseconds timeout,
             HookListener listener,
             std::string target)
    : m_dir(std::move(dir)),
      m_timeout(timeout),
      m_listener(std::move(listener)),
      m_target(std::move(target)) {}

Hooks::~Hooks() {
  try {
    if (m_background.pid > 0) {
      finish(m_background, true);
    }
  } catch (...) {
    // A listener that fails while the process ends has nothing left to tell.
  }
}

std::string Hooks::path_of(const std::string& event) const {
  const auto path = std::filesystem::path(m_dir) / event;
  if (::access(path.c_str(), X_OK) != 0 || std::filesystem::is_directory(path)) {
    return {};
  }
  return path.string();
}

Hooks::Running Hooks::spawn(const HookEvent& e) {
  Running r;
  r.path = path_of(e.event);
  if (r.path.empty()) {
    return r;
  }
  r.event = e;
  r.payload = write_payload(e, m_target);
  // The caller's environment minus stale ORCHESTRATE_ hook variables, plus this event's.
  std::vector<std::string> env;
  for (char** p = environ; *p != nullptr; ++p) {
    if (!is_hook_variable(*p)) {
      env.emplace_back(*p);
    }
  }
  env.push_back("ORCHESTRATE_EVENT=" + e.event);
  env.push_back("ORCHESTRATE_PLAN=" + e.plan);
  env.push_back("ORCHESTRATE_TARGET=" + m_target);
  env.push_back("ORCHESTRATE_PHASE=" + e.phase);
  env.push_back("ORCHESTRATE_REASON=" + e.reason);
  env.push_back("ORCHESTRATE_REASON_JSON=" + json_string(e.reason));
  env.push_back("ORCHESTRATE_PAYLOAD_FILE=" + r.payload);
  env.push_back("ORCHESTRATE_ROWS_DONE=" + rows_text(e.rows_done));
  env.push_back("ORCHESTRATE_ROWS_TOTAL=" + rows_text(e.rows_total));
  env.push_back("ORCHESTRATE_ROWS_ESTIMATED=" + rows_text(e.rows_estimated));
  std::vector<char*> envp;
  for (auto& s : env) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::string arg0 = r.path;
  char* argv[] = {arg0.data(), nullptr};

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  // Default dispositions: orchestrate's own SIGINT/SIGTERM handlers are not the hook's.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  // stdout may be JSON lines (--json); what a hook prints is for people, on stderr.
  posix_spawn_file_actions_adddup2(&files, STDERR_FILENO, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  const int rc = ::posix_spawn(&r.pid, r.path.c_str(), &files, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (!r.payload.empty()) {
      std::remove(r.payload.c_str());
    }
    throw Error(k_exit_runtime, fmt::format("cannot run hook {}: {}", r.path, std::strerror(rc)));
  }
  r.deadline = clock::now() + m_timeout;
  return r;
}

std::optional<HookEnding> Hooks::finish(Running& r, bool block) {
  int status = 0;
  bool timed_out = false;
  for (;;) {
    const pid_t got = ::waitpid(r.pid, &status, WNOHANG);
    if (got == r.pid) {
      break;
    }
    if (got < 0 && errno != EINTR) {
      status = 0; // not our child any more; nothing to report
      break;
    }
    if (clock::now() >= r.deadline) {
      timed_out = true;
      kill_group(r.pid, SIGTERM);
      const auto grace_until = clock::now() + k_kill_grace;
      while (::waitpid(r.pid, &status, WNOHANG) == 0 && clock::now() < grace_until) {
        std::this_thread::sleep_for(k_poll);
      }
      kill_group(r.pid, SIGKILL);
      while (::waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    if (!block) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(k_poll);
  }
  if (timed_out) {
    // A group member that outlived the leader's end must not outlive the timeout either.
    kill_group(r.pid, SIGKILL);
  }
  if (!r.payload.empty()) {
    std::remove(r.payload.c_str());
  }
  HookEnding ending{.path = r.path,
                    .status = timed_out ? 128 + SIGKILL : exit_status(status),
                    .timed_out = timed_out};
  const HookEvent event = r.event;
  r = Running{};
  if ((ending.status != 0 || ending.timed_out) && m_listener) {
    m_listener(event, ending);
  }
  return ending;
}

int Hooks::run(const HookEvent& e) {
  Running r = spawn(e);
  if (r.pid < 0) {
    return 0;
  }
  return finish(r, true)->status;
}

void Hooks::start(const HookEvent& e) {
  if (m_background.pid > 0 && !finish(m_background, false)) {
    return;
  }
  m_background = spawn(e);
}

void Hooks::before_phase(const std::string& plan, const std::string& phase) {
  // A progress hook still running would interleave with this one; let it finish first.
  if (m_background.pid > 0) {
    finish(m_background, true);
  }
  const int rc = run({.event = "before-phase", .plan = plan, .phase = phase, .reason = ""});
  if (rc != 0) {
    throw GateFailed(fmt::format("hook {} refused phase {} of plan {} (exit {}); nothing was run",
                                 path_of("before-phase"), phase, plan, rc));
  }
}

void Hooks::notify(const HookEvent& e) {
  if (m_background.pid > 0) {
    finish(m_background, true);
  }
  (void)run(e);
}

} // namespace orchestrate
