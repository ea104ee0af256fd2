#include "backfill/pacing.hpp"

#include <algorithm>

namespace orchestrate {

long long next_batch_size(long long current,
                          double took_ms,
                          double target_ms,
                          long long min,
                          long long max) {
  double next = static_cast<double>(current);
  if (took_ms > 5 * target_ms) {
    next /= 10;
  } else if (took_ms > 0) {
    next *= std::clamp(target_ms / took_ms, 0.5, 1.5);
  } else {
    next *= 1.5;
  }
  return std::clamp(static_cast<long long>(next), min, std::max(min, max));
}

TokenBucket::clock::time_point TokenBucket::reserve(long long rows, clock::time_point now) {
  const auto start = std::max(m_next, now);
  m_next = start + std::chrono::duration_cast<clock::duration>(
                       std::chrono::duration<double>(static_cast<double>(rows) / m_rate));
  return start;
}

void TokenBucket::refund(long long rows, clock::time_point now) {
  const auto back = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(static_cast<double>(rows) / m_rate));
  // Never into the past: unused time is gone, and banking it would allow a burst later.
  m_next = std::max(m_next - back, now);
}

} // namespace orchestrate
