// cli/main.cpp — the `noether` command line: registers the subcommands and turns exceptions into a
// message on stderr and a non-zero exit code (the only place that does).
#include <cstdio>
#include <exception>

#include "cli/commands.hpp"
#include "noether/core/cpu_check.hpp"
#include "noether/core/error.hpp"

int main(int argc, char** argv) {
  noether::check_host_isa();  // first: a native build on a CPU without its ISA stops here, not with SIGILL
  CLI::App app{"noether: learned interacting-particle dynamics on CPUs and NVIDIA GPUs"};
  app.require_subcommand(1);
  noether::add_simulate_command(app);
  noether::add_bench_command(app);
  noether::add_potential_command(app);
  noether::add_tabulate_command(app);
  noether::add_train_command(app);
  noether::add_rollout_command(app);
  noether::add_evaluate_command(app);
  noether::add_run_command(app);
  noether::add_convert_command(app);
  noether::add_analyze_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "noether: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
