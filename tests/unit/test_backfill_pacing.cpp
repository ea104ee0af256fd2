#include <doctest/doctest.h>

#include <utility>
#include <vector>

#include "backfill/pacing.hpp"

namespace test_backfill_pacing {

using namespace orchestrate;
using namespace std::chrono_literals;

TEST_SUITE_BEGIN("backfill_pacing");

TEST_CASE("a fast batch grows the next one by at most 1.5x") {
  CHECK(next_batch_size(1000, 10, 200, 100, 100000) == 1500);
  CHECK(next_batch_size(1000, 0, 200, 100, 100000) == 1500);
  CHECK(next_batch_size(1000, 160, 200, 100, 100000) == 1250);
}

TEST_CASE("a slow batch shrinks the next one toward the target") {
  CHECK(next_batch_size(1000, 400, 200, 100, 100000) == 500);
  CHECK(next_batch_size(1000, 250, 200, 100, 100000) == 800);
  // Up to 5x the target the shrink is proportional but at most 2x.
  CHECK(next_batch_size(1000, 1000, 200, 100, 100000) == 500);
}

TEST_CASE("a batch over 5x the target shrinks the next one 10x") {
  CHECK(next_batch_size(10000, 1001, 200, 100, 100000) == 1000);
  CHECK(next_batch_size(10000, 60000, 200, 100, 100000) == 1000);
}

TEST_CASE("batch sizes stay within their bounds") {
  CHECK(next_batch_size(90000, 1, 200, 100, 100000) == 100000);
  CHECK(next_batch_size(200, 5000, 200, 100, 100000) == 100);
}

TEST_CASE("the token bucket spaces reservations at its rate") {
  TokenBucket bucket(1000); // rows a second
  const auto t0 = TokenBucket::clock::now();
  CHECK(bucket.reserve(100, t0) == t0);
  CHECK(bucket.reserve(100, t0) == t0 + 100ms);
  CHECK(bucket.reserve(500, t0) == t0 + 200ms);
  CHECK(bucket.reserve(1, t0) == t0 + 700ms);
}

TEST_CASE("rows started in any span never exceed the rate plus one batch") {
  TokenBucket bucket(2000);
  const auto t0 = TokenBucket::clock::now();
  std::vector<std::pair<TokenBucket::clock::time_point, long long>> starts;
  auto now = t0;
  for (int i = 0; i < 400; ++i) {
    const long long rows = 10 + (i * 37) % 90; // uneven batches, at most 99
    const auto start = bucket.reserve(rows, now);
    starts.emplace_back(start, rows);
    now = start + std::chrono::milliseconds(i % 7); // batches take a little time
  }
  for (std::size_t a = 0; a < starts.size(); ++a) {
    long long rows = 0;
    for (std::size_t b = a; b < starts.size() && starts[b].first < starts[a].first + 1s; ++b) {
      rows += starts[b].second;
    }
    CHECK(rows <= 2000 + 99);
  }
}

TEST_CASE("refunded rows shorten the wait but never bank time for a burst") {
  TokenBucket bucket(1000);
  const auto t0 = TokenBucket::clock::now();
  bucket.reserve(500, t0);         // next free at t0 + 500ms
  bucket.refund(400, t0);          // only 100 were used
  CHECK(bucket.reserve(1, t0) == t0 + 100ms);
  TokenBucket idle(1000);
  idle.reserve(100, t0);
  idle.refund(100, t0 + 1s);       // long after: nothing to give back
  CHECK(idle.reserve(1000, t0 + 1s) == t0 + 1s);
  CHECK(idle.reserve(1, t0 + 1s) == t0 + 2s);
}

TEST_SUITE_END();

} // namespace test_backfill_pacing
