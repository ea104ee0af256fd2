#include "writes.hpp"

#include <doctest/doctest.h>

#include "app/verify.hpp"

#include <chrono>
#include <thread>
#include <vector>

namespace itest {

namespace {
constexpr auto k_deadline = std::chrono::seconds(30);
}

void let_it_write(std::initializer_list<const example::Writer*> writers, long long more) {
  struct Goal {
    const example::Writer* writer;
    long long commits;
    long long errors;
  };
  std::vector<Goal> goals;
  for (const auto* w : writers) {
    goals.push_back({w, w->commits() + more, w->errors()});
  }
  const auto deadline = std::chrono::steady_clock::now() + k_deadline;
  for (std::size_t i = 0; i < goals.size(); ++i) {
    const Goal& g = goals[i];
    while (g.writer->commits() < g.commits && g.writer->errors() == g.errors &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE_MESSAGE((g.writer->commits() >= g.commits || g.writer->errors() > g.errors),
                    "writer " << i + 1 << " of " << goals.size() << " committed "
                              << g.writer->commits() - (g.commits - more) << " of " << more
                              << " writes within 30 s");
  }
}

void let_it_write(const std::atomic<long long>& commits, long long more) {
  const long long goal = commits.load() + more;
  const auto deadline = std::chrono::steady_clock::now() + k_deadline;
  while (commits.load() < goal && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE_MESSAGE(commits.load() >= goal,
                  "the clients committed " << commits.load() - (goal - more) << " of " << more
                                           << " writes within 30 s");
}

void wait_for_writes(const example::Writer& writer, long long more) {
  const long long target = writer.commits() + more;
  const auto deadline = std::chrono::steady_clock::now() + k_deadline;
  while (writer.commits() < target && writer.errors() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE_MESSAGE(writer.commits() >= target,
                  "the writer committed " << writer.commits() << " of " << target
                                          << " writes within 30 s; errors: " << writer.errors()
                                          << (writer.error_messages().empty()
                                                  ? ""
                                                  : " " + writer.error_messages()[0]));
}

void wait_until(const std::function<bool()>& condition, const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL("timed out after 60 s waiting until " << what);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void merge_writes(Writes& into, const Writes& later) {
  for (const auto& [id, value] : later) {
    into.insert_or_assign(id, value);
  }
}

void check_writes(example::Writer& writer,
                  const example::WriterOptions& options,
                  const std::vector<std::string>& columns,
                  Writes earlier) {
  writer.stop();
  INFO("writer errors: " << (writer.error_messages().empty() ? "" : writer.error_messages()[0]));
  CHECK(writer.errors() == 0);
  CHECK(writer.commits() > 0);
  merge_writes(earlier, writer.committed());
  auto report = example::verify_writes(options.url, options, earlier, columns);
  INFO("verify samples: " << (report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.checked == static_cast<long long>(earlier.size()));
  CHECK(report.ok());
}

Writes next_under_writer(const TestDb& db,
                         example::WriterOptions options,
                         int phases,
                         const std::vector<std::string>& next_args) {
  options.url = db.url();
  example::Writer app(options);
  app.start(example::Version::old_app);
  std::vector<std::string> next{"next"};
  next.insert(next.end(), next_args.begin(), next_args.end());
  for (int i = 0; i < phases; ++i) {
    wait_for_writes(app, 5);
    auto r = db.orchestrate(next);
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  }
  wait_for_writes(app, 5);
  app.stop();
  INFO("writer errors: " << (app.error_messages().empty() ? "" : app.error_messages()[0]));
  REQUIRE(app.errors() == 0);
  return app.committed();
}

} // namespace itest
