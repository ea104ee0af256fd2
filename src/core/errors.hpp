#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace orchestrate {

// Exit codes of the command line, as the README's "Commands and exit codes" lists them.
enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_runtime = 1,
  k_exit_bad_input = 2,
  k_exit_gate_failed = 3,
  k_exit_locked = 4,
  k_exit_stopped_early = 75,
};

// Base of every error the library throws on purpose; carries the exit code.
class Error : public std::runtime_error {
public:
  Error(int exit_code, const std::string& message)
      : std::runtime_error(message), m_exit_code(exit_code) {}
  int exit_code() const { return m_exit_code; }

private:
  int m_exit_code;
};

// Bad input: flags, unknown plan names, plans. Exit 2.
class InputError : public Error {
public:
  explicit InputError(const std::string& message) : Error(k_exit_bad_input, message) {}
};

// A plan error with its position; what() is "file:line:col: message".
class PlanError : public InputError {
public:
  PlanError(std::string file, int line, int column, const std::string& message)
      : InputError(format(file, line, column, message)), m_file(std::move(file)), m_line(line),
        m_column(column), m_message(message) {}
  const std::string& file() const { return m_file; }
  int line() const { return m_line; }
  int column() const { return m_column; }
  const std::string& message() const { return m_message; }

private:
  static std::string
  format(const std::string& file, int line, int column, const std::string& message) {
    if (line <= 0) {
      return file + ": " + message;
    }
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
  }
  std::string m_file;
  int m_line;
  int m_column;
  std::string m_message;
};

// A database error while running a step or check: names the step id and SQLSTATE. Exit 1.
class StepError : public Error {
public:
  StepError(std::string step_id, std::string sqlstate, const std::string& message)
      : Error(k_exit_runtime,
              "step " + step_id + " failed" + (sqlstate.empty() ? "" : " [" + sqlstate + "]") +
                  ": " + message),
        m_step_id(std::move(step_id)), m_sqlstate(std::move(sqlstate)) {}
  const std::string& step_id() const { return m_step_id; }
  const std::string& sqlstate() const { return m_sqlstate; }

private:
  std::string m_step_id;
  std::string m_sqlstate;
};

// A gate did not pass. Exit 3. The failing checks were already reported by the caller.
class GateFailed : public Error {
public:
  explicit GateFailed(const std::string& message) : Error(k_exit_gate_failed, message) {}
};

// Another orchestrator holds the plan's lock. Exit 4.
class LockHeld : public Error {
public:
  explicit LockHeld(const std::string& message) : Error(k_exit_locked, message) {}
};

// The backfill stopped before finishing and can be resumed. Exit 75.
class StoppedEarly : public Error {
public:
  explicit StoppedEarly(const std::string& message) : Error(k_exit_stopped_early, message) {}
};

} // namespace orchestrate
