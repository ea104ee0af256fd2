#pragma once

#include <optional>
#include <string>

#include "backfill/pg_async.hpp"
#include "backfill/ranges.hpp"
#include "core/work.hpp"
#include "state/backfill_ranges.hpp"

namespace orchestrate {

// One batch as a single statement, so that it is one short transaction (one round trip):
// the UPDATE of the rows that still differ and the UPDATE of the range's cursor and count
// commit together or not at all.
struct BatchStatement {
  std::string sql{};
  PgParams params{};
};

// Integer keys in (from, to], found by value: no query for the batch's upper bound. The rows
// of the span are counted in the same statement (an index scan of the span the UPDATE just
// read), so progress reports rows processed, never a guess from the key's density. The
// UPDATE returns nothing (a RETURNING list would count only the rows that still differed).
// The result row holds (rows in the span, ranges updated). `last` marks the range done.
// With `quiet_triggers`, the batch sets session_replication_role = replica for its own
// transaction before its first row is written, so the application's own triggers (an updated_at
// toucher, an audit trigger) do not fire for copies; the setting ends with the transaction, so
// nothing leaks to whoever uses the connection next.
BatchStatement integer_batch(const BackfillSpec& spec,
                             const RangeRow& range,
                             long long from,
                             long long to,
                             bool last,
                             bool quiet_triggers = false);

// Any key: the next `limit` keys after `cursor` (from the start when none), up to `hi`
// (to the end when none), compared as row values. The result row holds (rows covered, the last
// covered key as a JSON array of text or NULL). The range is marked done
// when fewer than `limit` keys were left.
BatchStatement keyset_batch(const BackfillSpec& spec,
                            const RangeRow& range,
                            const std::optional<KeyText>& cursor,
                            const std::optional<KeyText>& hi,
                            long long limit,
                            bool quiet_triggers = false);

} // namespace orchestrate
