// main.cpp — the `noether` command line: parses the subcommand, turns exceptions into exit codes.
#include <cstdio>
#include <exception>

#include "noether/error.hpp"

int main(int argc, char** argv) {
  try {
    (void)argc;
    (void)argv;
    std::fprintf(stderr, "noether: no subcommand yet\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "noether: error: %s\n", e.what());
    return 1;
  }
}
