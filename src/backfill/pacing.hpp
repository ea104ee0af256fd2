#pragma once

#include <chrono>

namespace orchestrate {

// The next batch size after a batch of `current` rows took `took_ms`, aiming at `target_ms`:
// proportional to how far off the target it was, but growing at most 1.5x a step (a sudden
// fast batch may be luck) and shrinking 10x after a batch over 5x the target (something is
// wrong: lock waits, a cold cache, a slow replica), always within [min, max].
long long next_batch_size(long long current,
                          double took_ms,
                          double target_ms,
                          long long min,
                          long long max);

// A token bucket shared by every worker, in the form of a schedule: each batch reserves its
// rows and is told when it may start. Reservations follow each other at `rate` rows a second,
// so the rows started in any span of T seconds are at most rate*T plus one batch. The engine
// runs the bucket at 85% of the limit and caps a batch at 5% of a second's rows, which keeps
// the rows committed in any span of a second or more under the limit itself.
class TokenBucket {
public:
  using clock = std::chrono::steady_clock;

  explicit TokenBucket(double rows_per_second) : m_rate(rows_per_second) {}

  // Reserves `rows` and returns the time the batch may start (`now` or later).
  clock::time_point reserve(long long rows, clock::time_point now);
  // Gives back rows a batch reserved but did not touch; they shorten the next waits.
  void refund(long long rows, clock::time_point now);
  double rate() const { return m_rate; }

private:
  double m_rate;
  clock::time_point m_next{};
};

// The share of the configured limit the bucket runs at, and the largest batch it allows.
constexpr double k_rate_share = 0.85;
constexpr double k_rate_batch_share = 0.05;

} // namespace orchestrate
