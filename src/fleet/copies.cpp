#include "fleet/copies.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>

#include "backfill/engine.hpp"
#include "backfill/loop_signals.hpp"

namespace orchestrate {

namespace {
namespace asio = boost::asio;

// The copies of one wave: `parallel` lanes, each taking the next member from the queue.
class CopyQueue {
public:
  CopyQueue(const std::vector<Member*>& members,
            const std::string& plan,
            bool go_on,
            LoopSignals& signals)
      : m_members(members), m_plan(plan), m_go_on(go_on), m_signals(signals),
        m_errors(members.size()) {}

  asio::awaitable<void> lane() {
    while (m_next < m_members.size() && (m_go_on || !m_failed)) {
      const std::size_t i = m_next++;
      Member& m = *m_members[i];
      try {
        Runner& runner = m.runner(m_plan);
        if (auto job = runner.copy_job(m_plan)) {
          job->signals = &m_signals;
          const BackfillOutcome outcome = co_await backfill_on_loop(*job, runner.reporter());
          runner.copy_ended(m_plan, outcome);
        }
      } catch (...) {
        m_errors[i] = std::current_exception();
        m_failed = true;
      }
    }
  }

  std::vector<std::exception_ptr> errors() const { return m_errors; }

private:
  const std::vector<Member*>& m_members;
  const std::string& m_plan;
  bool m_go_on;
  LoopSignals& m_signals; // one for every copy on the loop
  std::vector<std::exception_ptr> m_errors;
  std::size_t m_next = 0;
  bool m_failed = false;
};
} // namespace

std::vector<std::exception_ptr> run_copies(const std::vector<Member*>& members,
                                           const std::string& plan,
                                           int parallel,
                                           bool start_after_failure) {
  asio::io_context io;
  LoopSignals signals(io.get_executor());
  CopyQueue queue(members, plan, start_after_failure, signals);
  const int lanes = std::max(1, std::min(parallel, static_cast<int>(members.size())));
  int running = lanes;
  for (int i = 0; i < lanes; ++i) {
    asio::co_spawn(io, queue.lane(), [&](std::exception_ptr) {
      if (--running == 0) {
        signals.cancel(); // every copy has ended: nothing is left to wake
      }
    });
  }
  io.run();
  return queue.errors();
}

} // namespace orchestrate
