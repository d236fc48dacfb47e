// run/hnn.hpp — `noether run CONFIG -o DIR` for the HNN experiments of paper 004 (configs with a top-level
// "task"; run/hnn.cpp, config in docs/HNN.md): per seed, data, HNN and baseline training, losses and energy
// MSEs; DIR/metrics.json, DIR/trajectories.npz (the first seed's analysis rollouts), the plots of
// scripts/plot_hnn.py and DIR/summary.md with the mean ± std error beside the published numbers.
#pragma once
#include <string>

namespace noether {

/// Run the HNN experiment of `config` into `out_dir`; 0 on success. Throws noether::Error (naming the file
/// and key) on a bad config before any work starts or any output folder is made.
int run_hnn_experiment(const std::string& config, const std::string& out_dir, bool quiet);

}  // namespace noether
