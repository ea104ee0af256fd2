#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace test_support {

// What a finished process left behind. exit_code is the process's own code, 128 + signal
// when a signal ended it (the shell's convention), and 124 when run_process killed it
// for running past its timeout (the convention of timeout(1)).
struct ProcessResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

using Environment = std::map<std::string, std::string>;

// Runs argv[0] (looked up on PATH, extra_env's PATH when it has one) with the current environment
// plus extra_env, waits for it and returns its exit code and what it wrote to stdout and stderr,
// each separately. stdin is /dev/null. A process still running after `timeout` is killed together
// with every process it started in its process group.
ProcessResult run_process(const std::vector<std::string> &argv,
                          const Environment &extra_env = {},
                          std::chrono::seconds timeout = std::chrono::seconds(300),
                          const std::filesystem::path &working_dir = {});

// A process running in the background while the test goes on (an application writing
// under load, say). Its output is drained continuously so it never blocks on a full pipe.
class Child {
public:
  Child(const std::vector<std::string> &argv, const Environment &extra_env = {});
  Child(const Child &) = delete;
  Child &operator=(const Child &) = delete;
  ~Child();

  pid_t pid() const { return m_pid; }
  // Reaps the process when it has exited, so it never lingers as a zombie.
  bool running();
  void signal(int signal_number);
  // What it has written to stdout so far, while it runs.
  std::string output() const;
  // Waits until the process exits and returns everything it wrote. Safe to call twice.
  ProcessResult wait();

private:
  pid_t m_pid = -1;
  int m_status = 0;
  bool m_reaped = false;
  std::atomic<bool> m_exited{false};
  mutable std::mutex m_output; // guards m_out and m_err while the reader fills them
  std::string m_out;
  std::string m_err;
  std::thread m_reader;
};

} // namespace test_support
