#pragma once

#include <atomic>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "app/writer.hpp"
#include "fixture.hpp"

namespace itest {

// Lets the applications write in the current phase: waits until each writer has committed
// `more` writes after this call, or has met an error (its errors are for the test to check
// when it stops the writer). Fails after 30 s naming the writer that did neither.
void let_it_write(std::initializer_list<const example::Writer*> writers, long long more = 10);

// The same for a test's own clients, counting their commits in `commits`.
void let_it_write(const std::atomic<long long>& commits, long long more = 10);

// Waits until `writer` has committed `more` writes after this call; fails at once when it
// meets an error, and after 30 s, naming how far it got.
void wait_for_writes(const example::Writer& writer, long long more);

// Polls `condition` until it holds; fails naming `what` after a minute.
void wait_until(const std::function<bool()>& condition, const std::string& what);

// Writes committed, by row: the value of the last write to each.
using Writes = std::map<long long, std::string>;

// Adds `later` to `into`: a later write to a row replaces an earlier one.
void merge_writes(Writes& into, const Writes& later);

// Stops `writer` and checks that it met no error, committed something, and that every write it
// committed, and every one in `earlier` (by the writers of the databases `options.url`'s was
// copied from) that it did not overwrite, is stored exactly, in `columns`.
void check_writes(example::Writer& writer,
                  const example::WriterOptions& options,
                  const std::vector<std::string>& columns,
                  Writes earlier = {});

// Moves `db`'s plan on by `phases` phases (`next` and `next_args`) while a writer of the old
// application with `options` (its url made `db`'s) commits writes before and after each;
// returns what it committed. For a chain of databases, each a copy of the one before moved on by
// a phase (TestDb::CopyOf), whose writes are merged along the chain.
Writes next_under_writer(const TestDb& db,
                         example::WriterOptions options,
                         int phases,
                         const std::vector<std::string>& next_args = {});

} // namespace itest
