#include "process.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <string_view>
#include <spawn.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

extern char **environ;

namespace test_support {
namespace {

constexpr int timeout_exit_code = 124;

void close_fd(int &fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

std::vector<std::string> merged_environment(const Environment &extra_env) {
  Environment merged;
  for (char **entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    merged.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  for (const auto &[name, value] : extra_env) {
    merged[name] = value;
  }
  std::vector<std::string> result;
  result.reserve(merged.size());
  for (const auto &[name, value] : merged) {
    result.push_back(name + "=" + value);
  }
  return result;
}

// Where execvp would look, but in the child's PATH: a PATH passed in extra_env is meant
// to choose the program too (execvpe would search the caller's PATH instead).
std::string resolve_program(const std::string &name, const std::vector<std::string> &env) {
  if (name.find('/') != std::string::npos) {
    return name;
  }
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto &entry : env) {
    if (entry.rfind("PATH=", 0) == 0) {
      path = entry.substr(5);
    }
  }
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const auto end = std::min(path.find(':', begin), path.size());
    const std::string dir = end > begin ? path.substr(begin, end - begin) : ".";
    const std::string candidate = dir + "/" + name;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    begin = end + 1;
  }
  return name;
}

std::vector<char *> as_c_array(std::vector<std::string> &strings) {
  std::vector<char *> result;
  result.reserve(strings.size() + 1);
  for (auto &s : strings) {
    result.push_back(s.data());
  }
  result.push_back(nullptr);
  return result;
}

struct Spawned {
  pid_t pid = -1;
  int out_fd = -1;
  int err_fd = -1;
};

// posix_spawn rather than fork: glibc starts the child with vfork semantics, so the test
// process's page tables are neither copied nor made copy-on-write under its running threads.
Spawned spawn(const std::vector<std::string> &argv,
              const Environment &extra_env,
              const std::filesystem::path &working_dir) {
  if (argv.empty()) {
    throw std::invalid_argument("cannot run a process with an empty argv");
  }
  auto arg_strings = argv;
  auto env_strings = merged_environment(extra_env);
  const std::string program = resolve_program(argv.front(), env_strings);
  auto args = as_c_array(arg_strings);
  auto envp = as_c_array(env_strings);
  const std::string cwd = working_dir.string();

  std::array<int, 2> out_pipe{-1, -1};
  std::array<int, 2> err_pipe{-1, -1};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    close_fd(out_pipe[0]);
    close_fd(out_pipe[1]);
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a timeout can kill whatever the child started too.
  posix_spawnattr_setpgroup(&attr, 0);
  // Signal state is inherited across exec; the test may block or ignore signals (sigwait,
  // SIGPIPE) that the program under test expects to receive normally.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, null_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&files, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&files, err_pipe[1], STDERR_FILENO);
  if (!cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&files, cwd.c_str());
  }
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, program.c_str(), &files, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  close_fd(null_fd);
  if (error != 0) {
    close_fd(out_pipe[0]);
    close_fd(err_pipe[0]);
    throw std::system_error(error, std::generic_category(), "cannot execute " + argv.front());
  }
  return Spawned{pid, out_pipe[0], err_pipe[0]};
}

// Reads whatever is available on the open descriptors, waiting up to wait_ms for the
// first byte. Closes a descriptor at end of file. Returns true when anything was read.
bool pump(int &out_fd, int &err_fd, std::string &out, std::string &err, int wait_ms) {
  std::array<pollfd, 2> fds{pollfd{out_fd, POLLIN, 0}, pollfd{err_fd, POLLIN, 0}};
  const int ready = ::poll(fds.data(), fds.size(), wait_ms);
  if (ready <= 0) {
    return false;
  }
  bool got_data = false;
  std::array<char, 65536> buffer{};
  std::array<std::pair<int *, std::string *>, 2> targets{{{&out_fd, &out}, {&err_fd, &err}}};
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
      continue;
    }
    const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
    if (n > 0) {
      targets[i].second->append(buffer.data(), static_cast<std::size_t>(n));
      got_data = true;
    } else if (n == 0 || errno != EINTR) {
      close_fd(*targets[i].first);
    }
  }
  return got_data;
}

// After the process has exited, a grandchild may still hold the pipes open (a daemon
// started without redirecting its output); take what is already there and stop.
void drain_remaining(int &out_fd, int &err_fd, std::string &out, std::string &err) {
  while ((out_fd >= 0 || err_fd >= 0) && pump(out_fd, err_fd, out, err, 0)) {
  }
  close_fd(out_fd);
  close_fd(err_fd);
}

int decode_status(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return 1;
}

pid_t wait_blocking(pid_t pid, int &status) {
  pid_t r = 0;
  do {
    r = ::waitpid(pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  return r;
}

} // namespace

ProcessResult run_process(const std::vector<std::string> &argv,
                          const Environment &extra_env,
                          std::chrono::seconds timeout,
                          const std::filesystem::path &working_dir) {
  auto child = spawn(argv, extra_env, working_dir);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  ProcessResult result;
  bool timed_out = false;
  bool exited = false;
  int status = 0;
  while (child.out_fd >= 0 || child.err_fd >= 0) {
    pump(child.out_fd, child.err_fd, result.out, result.err, 50);
    if (::waitpid(child.pid, &status, WNOHANG) == child.pid) {
      exited = true;
      drain_remaining(child.out_fd, child.err_fd, result.out, result.err);
      break;
    }
    if (!timed_out && std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      ::kill(-child.pid, SIGKILL);
    }
  }
  if (!exited) {
    wait_blocking(child.pid, status);
  }
  result.exit_code = timed_out ? timeout_exit_code : decode_status(status);
  if (timed_out) {
    result.err += "\n[killed after " + std::to_string(timeout.count()) + "s timeout]\n";
  }
  return result;
}

Child::Child(const std::vector<std::string> &argv, const Environment &extra_env) {
  auto spawned = spawn(argv, extra_env, {});
  m_pid = spawned.pid;
  // Drained on a thread so a chatty child never fills a pipe and stalls.
  m_reader = std::thread([this, out_fd = spawned.out_fd, err_fd = spawned.err_fd]() mutable {
    while (out_fd >= 0 || err_fd >= 0) {
      std::string out;
      std::string err;
      pump(out_fd, err_fd, out, err, 100);
      if (m_exited.load()) {
        drain_remaining(out_fd, err_fd, out, err);
      }
      std::lock_guard lock(m_output);
      m_out += out;
      m_err += err;
    }
  });
}

Child::~Child() {
  if (!m_reaped) {
    ::kill(-m_pid, SIGKILL);
    ::kill(m_pid, SIGKILL);
  }
  wait();
}

bool Child::running() {
  if (m_reaped) {
    return false;
  }
  if (::waitpid(m_pid, &m_status, WNOHANG) == m_pid) {
    m_reaped = true;
    m_exited.store(true);
    return false;
  }
  return true;
}

void Child::signal(int signal_number) {
  if (!m_reaped) {
    ::kill(m_pid, signal_number);
  }
}

ProcessResult Child::wait() {
  if (!m_reaped) {
    wait_blocking(m_pid, m_status);
    m_reaped = true;
    m_exited.store(true);
  }
  if (m_reader.joinable()) {
    m_reader.join();
  }
  return ProcessResult{decode_status(m_status), m_out, m_err};
}

std::string Child::output() const {
  std::lock_guard lock(m_output);
  return m_out;
}

} // namespace test_support
