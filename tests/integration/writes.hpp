#pragma once

#include <atomic>
#include <initializer_list>

#include "app/writer.hpp"

namespace itest {

// Lets the applications write in the current phase: waits until each writer has committed
// `more` writes after this call, or has met an error (its errors are for the test to check
// when it stops the writer). Fails after 30 s naming the writer that did neither.
void let_it_write(std::initializer_list<const example::Writer*> writers, long long more = 10);

// The same for a test's own clients, counting their commits in `commits`.
void let_it_write(const std::atomic<long long>& commits, long long more = 10);

} // namespace itest
