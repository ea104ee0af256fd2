#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <functional>
#include <list>

namespace orchestrate {

// SIGINT and SIGTERM for everything on one event loop: one signal_set, however many backfills
// share the loop (a fleet's targets), each told at once through the callback it subscribed.
// The command's own handler is told too, and put back when this is gone (Asio leaves the
// signals at SIG_DFL), so it sees later signals. `cancel` once the loop's work is done: the
// pending wait would keep the loop running.
class LoopSignals {
public:
  explicit LoopSignals(const boost::asio::any_io_executor& executor);
  ~LoopSignals();
  LoopSignals(const LoopSignals&) = delete;
  LoopSignals& operator=(const LoopSignals&) = delete;

  using Subscription = std::list<std::function<void()>>::iterator;
  Subscription subscribe(std::function<void()> on_signal);
  void unsubscribe(Subscription s);
  void cancel();

private:
  void wait();

  struct sigaction m_int {};
  struct sigaction m_term {};
  boost::asio::signal_set m_signals;
  std::list<std::function<void()>> m_subscribers;
};

} // namespace orchestrate
