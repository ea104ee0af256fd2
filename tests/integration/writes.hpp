#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <initializer_list>

#include "app/writer.hpp"

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

} // namespace itest
