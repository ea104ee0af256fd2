// example-app: the application that keeps writing while a plan moves through its phases.
//
//   example-app --version old          write users.phone_number until SIGINT/SIGTERM
//   example-app --version new          write users.phone instead
//   example-app --verify               check every write of every run is still there
//
// Each run merges what it committed into a state file, so that an old run followed by a
// new run can be verified as one history after the schema change is complete.

#include "state_file.hpp"
#include "verify.hpp"
#include "writer.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <pthread.h>
#include <signal.h>

namespace {

struct Settings {
  example::WriterOptions writer;
  std::string version = "old";
  std::string state_file = "/tmp/example-app-state.json";
  int seconds = 0;
  bool verify = false;
};

// Blocks SIGINT and SIGTERM in every thread (threads inherit the mask), so they are only
// ever taken by the sigwait in the main thread and the writer threads finish cleanly.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A shell starts background jobs with SIGINT ignored, and an ignored signal never
  // reaches sigwait; Ctrl-C (or kill -INT) must still stop the writer cleanly. Reset
  // only once blocked, so a signal arriving now waits for sigwait instead of killing us.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  return signals;
}

void wait_for_stop(const sigset_t &signals, int seconds) {
  if (seconds <= 0) {
    int received = 0;
    sigwait(&signals, &received);
    return;
  }
  timespec limit{seconds, 0};
  sigtimedwait(&signals, nullptr, &limit);
}

int run_writer(const Settings &settings) {
  const auto signals = block_stop_signals();
  const auto version =
      settings.version == "new" ? example::Version::new_app : example::Version::old_app;
  const auto &column = version == example::Version::old_app ? settings.writer.old_column
                                                            : settings.writer.new_column;
  example::Writer writer(settings.writer);
  writer.start(version);
  std::cout << "example-app (" << settings.version << "): writing " << settings.writer.table << "."
            << column << " with " << settings.writer.threads << " thread(s)" << std::endl;

  wait_for_stop(signals, settings.seconds);
  writer.stop();

  std::cout << "example-app (" << settings.version << "): " << writer.commits() << " commits, "
            << writer.errors() << " errors" << std::endl;
  for (const auto &message : writer.error_messages()) {
    std::cout << "  " << message << "\n";
  }
  example::merge_writes(settings.state_file, writer.committed());
  return writer.errors() > 0 ? 1 : 0;
}

int run_verify(const Settings &settings) {
  const auto expected = example::load_writes(settings.state_file);
  if (expected.empty()) {
    std::cerr << "example-app: no writes recorded in " << settings.state_file
              << "; run the writer first" << std::endl;
    return 1;
  }
  const auto &options = settings.writer;
  const auto columns = example::existing_columns(
      options.url, options.table, {options.old_column, options.new_column});
  if (columns.empty()) {
    std::cerr << "example-app: neither " << options.table << "." << options.old_column << " nor "
              << options.table << "." << options.new_column << " exists" << std::endl;
    return 1;
  }
  const auto report = example::verify_writes(options.url, options, expected, columns);
  std::cout << "verified " << report.checked << " writes: " << report.missing << " missing, "
            << report.wrong << " wrong" << std::endl;
  for (const auto &sample : report.samples) {
    std::cout << "  " << sample << "\n";
  }
  return report.ok() ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  Settings settings;
  if (const char *url = std::getenv("DATABASE_URL"); url != nullptr) {
    settings.writer.url = url;
  }

  CLI::App app{"Writes to the example schema while a plan runs, then verifies every write."};
  app.add_option("--db",
                 settings.writer.url,
                 "connection string; default DATABASE_URL, else libpq's PG* variables");
  app.add_option("--version", settings.version, "which application version to act as")
      ->check(CLI::IsMember({"old", "new"}))
      ->capture_default_str();
  app.add_option("--threads", settings.writer.threads, "concurrent writers")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--state", settings.state_file, "where the committed writes are kept")
      ->capture_default_str();
  app.add_option("--seconds", settings.seconds, "stop after this long (0: when signalled)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--table", settings.writer.table, "table to write")->capture_default_str();
  app.add_option("--new-app-plan",
                 settings.writer.new_app_plan,
                 "as the new version, mark every transaction as the new application of this "
                 "plan (what `orchestrate url` puts in the connection options)");
  app.add_option("--old-column", settings.writer.old_column, "column the old version writes")
      ->capture_default_str();
  app.add_option("--new-column", settings.writer.new_column, "column the new version writes")
      ->capture_default_str();
  app.add_flag("--verify", settings.verify, "check the recorded writes instead of writing");
  CLI11_PARSE(app, argc, argv);

  try {
    return settings.verify ? run_verify(settings) : run_writer(settings);
  } catch (const std::exception &e) {
    std::cerr << "example-app: " << e.what() << std::endl;
    return 1;
  }
}
