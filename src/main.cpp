#include "cli/app.hpp"

int main(int argc, char** argv) {
  return orchestrate::run_cli(argc, argv);
}
