// run/mclnn.hpp — `noether run CONFIG -o DIR` (run/mclnn.cpp; config in docs/EXPERIMENTS.md).
#pragma once
#include <string>

#include "noether/physics/support_visits.hpp"

namespace noether {

/// Simulate, train, roll out, evaluate and plot the experiment of `config` into `out_dir`; 0 on success.
/// Throws noether::Error (naming the file and key) on a bad config before any work starts.
/// support_warn: warn (stderr) when a learned rollout has more than this fraction of its pair visits outside the
/// trained range (physics/support_visits.hpp).
int run_experiment(const std::string& config, const std::string& out_dir, bool quiet,
                   double support_warn = kSupportWarnDefault);

/// Read and check the experiment config `config` (every section, and the files it names) without running
/// anything; throws noether::Error naming the file and key. run_experiment does this first.
void check_experiment_config(const std::string& config);

}  // namespace noether
