// run/mclnn.hpp — `noether run CONFIG -o DIR` (run/mclnn.cpp; config in docs/EXPERIMENTS.md).
#pragma once
#include <string>

namespace noether {

/// Simulate, train, roll out, evaluate and plot the experiment of `config` into `out_dir`; 0 on success.
/// Throws noether::Error (naming the file and key) on a bad config before any work starts.
int run_experiment(const std::string& config, const std::string& out_dir, bool quiet);

/// Read and check the experiment config `config` (every section, and the files it names) without running
/// anything; throws noether::Error naming the file and key. run_experiment does this first.
void check_experiment_config(const std::string& config);

}  // namespace noether
