#pragma once

#include <exception>
#include <string>
#include <vector>

#include "fleet/member.hpp"

namespace orchestrate {

// Runs the backfill copy of `plan` on each member (each in its backfill phase), with every
// copy's workers and monitor on ONE Asio io_context and one thread, at most `parallel` copies at once (the others wait for a free place, in order).
// Returns, per member, the error its copy ended with (null when it finished). Unless
// `start_after_failure`, no copy starts once one has failed; those already running finish.
// The steps that follow a copy (index builds) are the caller's, off the loop, so a long build
// on one target never stalls the others' copies.
std::vector<std::exception_ptr> run_copies(const std::vector<Member*>& members,
                                           const std::string& plan,
                                           int parallel,
                                           bool start_after_failure);

} // namespace orchestrate
