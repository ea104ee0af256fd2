#pragma once

namespace orchestrate {

// Parses the command line, runs the command and turns any error into
// "orchestrate: error: ..." on stderr and the design's exit code.
int run_cli(int argc, char** argv);

} // namespace orchestrate
