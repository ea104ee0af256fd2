#pragma once

namespace orchestrate {

// Parses the command line, runs the command and turns any error into
// "orchestrate: error: ..." on stderr and its exit code (README, "Commands and exit codes").
int run_cli(int argc, char** argv);

} // namespace orchestrate
