#pragma once

// Rollback from every phase before contract while the old application writes, without running
// any phase twice: the plan is moved on a phase at a time in one database under a writer, and
// after each phase the rollback runs in a copy of that database (TestDb::CopyOf) under a writer
// of its own. Every write any of these writers committed to the rolled-back database's lineage
// is then compared exactly.

#include <functional>
#include <string>
#include <vector>

#include "app/writer.hpp"
#include "fixture.hpp"
#include "writes.hpp"

namespace itest {

struct RollbackChain {
  std::string tag{}; // the databases' names start with it
  int rows = 300;    // users rows of the first database
  // Prepares the first database and starts the plan on it.
  std::function<void(const TestDb&)> start{};
  // The old application's writer; its url is set for each database.
  example::WriterOptions writer{};
  // The columns its writes are compared in.
  std::vector<std::string> columns{"phone_number"};
  // Given to every `next`, after "next".
  std::vector<std::string> next_args{};
  // Checks the database rolled back from `phases` phases, after its writes were compared.
  std::function<void(const TestDb&, int phases)> check{};
};

// For each of 1..4 phases (expand to transition): moves the plan there, rolls it back, compares
// the writes and calls `chain.check`.
void rollback_from_each_phase(const RollbackChain& chain);

} // namespace itest
