// run/mclnn.hpp — `noether run CONFIG -o DIR` (run/mclnn.cpp; config in docs/EXPERIMENTS.md).
#pragma once
#include <string>

namespace noether {

/// Simulate, train, roll out, evaluate and plot the experiment of `config` into `out_dir`; 0 on success.
/// Throws noether::Error (naming the file and key) on a bad config before any work starts.
int run_experiment(const std::string& config, const std::string& out_dir, bool quiet);

}  // namespace noether
