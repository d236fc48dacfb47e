// cli/commands.hpp — registration of the `noether` subcommands (host-only; CLI11 never reaches nvcc).
#pragma once
#include <CLI/CLI.hpp>

namespace noether {
void add_simulate_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_rollout_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_potential_command(CLI::App& app);
void add_tabulate_command(CLI::App& app);
}  // namespace noether
