#include "backfill/loop_signals.hpp"

namespace orchestrate {

LoopSignals::LoopSignals(const boost::asio::any_io_executor& executor)
    : m_signals(executor) {
  sigaction(SIGINT, nullptr, &m_int);
  sigaction(SIGTERM, nullptr, &m_term);
  m_signals.add(SIGINT);
  m_signals.add(SIGTERM);
  wait();
}

LoopSignals::~LoopSignals() {
  boost::system::error_code ignored;
  m_signals.clear(ignored);
  sigaction(SIGINT, &m_int, nullptr);
  sigaction(SIGTERM, &m_term, nullptr);
}

LoopSignals::Subscription LoopSignals::subscribe(std::function<void()> on_signal) {
  return m_subscribers.insert(m_subscribers.end(), std::move(on_signal));
}

void LoopSignals::unsubscribe(Subscription s) {
  m_subscribers.erase(s);
}

void LoopSignals::cancel() {
  m_signals.cancel();
}

void LoopSignals::wait() {
  m_signals.async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) {
      return; // cancelled: the loop's work is done
    }
    // The handler the command had installed, so the rest of the command knows too.
    const struct sigaction& old = signal_number == SIGINT ? m_int : m_term;
    if ((old.sa_flags & SA_SIGINFO) == 0 && old.sa_handler != SIG_DFL &&
        old.sa_handler != SIG_IGN) {
      old.sa_handler(signal_number);
    }
    for (const auto& on_signal : m_subscribers) {
      on_signal();
    }
    wait(); // a second Ctrl-C is told too
  });
}

} // namespace orchestrate
