#include "exit_guard.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

namespace test_support {
namespace {

void reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

} // namespace

ExitGuard::ExitGuard(const std::string &shell_script) {
  // The loop ends at end of file, which only comes when every writer is gone. `read` is
  // a shell builtin, so killing the helper leaves no reader process behind.
  const std::string script = "while read -r _; do :; done\n" + shell_script;
  std::array<int, 2> fds{-1, -1};
  // Close-on-exec: no program this process starts (postgres above all) may inherit the
  // write end, or the helper would wait for that program instead of for us.
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int saved = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    ::close(null_fd);
    throw std::system_error(saved, std::generic_category(), "fork");
  }
  if (pid == 0) {
    // A session of its own: Ctrl-C in the terminal or a signal to the test's process
    // group must not take the helper down with the test.
    ::setsid();
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(fds[0], STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char *>(nullptr));
    ::_exit(127);
  }
  ::close(fds[0]);
  ::close(null_fd);
  m_helper = pid;
  m_write_fd = fds[1];
}

ExitGuard::~ExitGuard() {
  if (m_write_fd >= 0) {
    ::close(m_write_fd);
  }
  if (m_helper > 0) {
    reap(m_helper);
  }
}

void ExitGuard::dismiss() noexcept {
  if (m_helper > 0) {
    ::kill(m_helper, SIGKILL);
    reap(m_helper);
    m_helper = -1;
  }
  if (m_write_fd >= 0) {
    ::close(m_write_fd);
    m_write_fd = -1;
  }
}

} // namespace test_support
