#include "hooks/hooks.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/errors.hpp"

extern char** environ;

namespace orchestrate {

namespace {
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
  for (const char* name : {"ORCHESTRATE_PLAN=", "ORCHESTRATE_PHASE=", "ORCHESTRATE_EVENT=",
                           "ORCHESTRATE_ROWS_DONE=", "ORCHESTRATE_ROWS_TOTAL=",
                           "ORCHESTRATE_REASON="}) {
    if (entry.rfind(name, 0) == 0) {
      return true;
    }
  }
  return false;
}
} // namespace

Hooks::Hooks(std::string dir) : m_dir(std::move(dir)) {}

Hooks::~Hooks() {
  reap_background(true);
}

std::string Hooks::path_of(const std::string& event) const {
  const auto path = std::filesystem::path(m_dir) / event;
  if (::access(path.c_str(), X_OK) != 0 || std::filesystem::is_directory(path)) {
    return {};
  }
  return path.string();
}

pid_t Hooks::spawn(const HookEvent& e) {
  const std::string path = path_of(e.event);
  if (path.empty()) {
    return -1;
  }
  // The caller's environment minus stale ORCHESTRATE_ hook variables, plus this event's.
  std::vector<std::string> env;
  for (char** p = environ; *p != nullptr; ++p) {
    if (!is_hook_variable(*p)) {
      env.emplace_back(*p);
    }
  }
  env.push_back("ORCHESTRATE_EVENT=" + e.event);
  env.push_back("ORCHESTRATE_PLAN=" + e.plan);
  env.push_back("ORCHESTRATE_PHASE=" + e.phase);
  env.push_back("ORCHESTRATE_REASON=" + e.reason);
  env.push_back("ORCHESTRATE_ROWS_DONE=" + (e.rows_done < 0 ? "" : std::to_string(e.rows_done)));
  env.push_back("ORCHESTRATE_ROWS_TOTAL=" +
                (e.rows_total < 0 ? "" : std::to_string(e.rows_total)));
  std::vector<char*> envp;
  for (auto& s : env) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::string arg0 = path;
  char* argv[] = {arg0.data(), nullptr};
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, envp.data());
  if (rc != 0) {
    throw Error(k_exit_runtime, fmt::format("cannot run hook {}: {}", path, std::strerror(rc)));
  }
  return pid;
}

int Hooks::run(const HookEvent& e) {
  const pid_t pid = spawn(e);
  if (pid < 0) {
    return 0;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return 1;
    }
  }
  return exit_status(status);
}

void Hooks::reap_background(bool wait) {
  if (m_background < 0) {
    return;
  }
  int status = 0;
  const pid_t r = ::waitpid(m_background, &status, wait ? 0 : WNOHANG);
  if (r == m_background || (r < 0 && errno != EINTR)) {
    m_background = -1;
  }
}

void Hooks::start(const HookEvent& e) {
  reap_background(false);
  if (m_background >= 0) {
    return;
  }
  m_background = spawn(e);
}

void Hooks::before_phase(const std::string& plan, const std::string& phase) {
  // A progress hook still running would interleave with this one; let it finish first.
  reap_background(true);
  const int rc = run({"before-phase", plan, phase, "", -1, -1});
  if (rc != 0) {
    throw GateFailed(fmt::format("hook {} refused phase {} of plan {} (exit {}); nothing was run",
                                 path_of("before-phase"), phase, plan, rc));
  }
}

void Hooks::notify(const HookEvent& e) {
  reap_background(true);
  (void)run(e);
}

} // namespace orchestrate
