#pragma once

#include <string>
#include <sys/types.h>

namespace test_support {

// Runs a shell script once this process is gone, however it ended: normal exit, an
// uncaught exception, abort, a ctest timeout or SIGKILL. A detached helper blocks reading
// a pipe whose only writer is this process; the kernel closes that pipe when the process
// dies, and the helper then runs the script. This is what keeps a crashed test run from
// leaving PostgreSQL servers and temp directories behind.
class ExitGuard {
public:
  explicit ExitGuard(const std::string &shell_script);
  ExitGuard(const ExitGuard &) = delete;
  ExitGuard &operator=(const ExitGuard &) = delete;
  // Lets the helper run the script now and waits for it to finish.
  ~ExitGuard();

  // The owner cleaned up itself: stop the helper without running the script.
  void dismiss() noexcept;

private:
  pid_t m_helper = -1;
  int m_write_fd = -1;
};

} // namespace test_support
