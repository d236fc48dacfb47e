// run/bulk.hpp — `noether run` of the bulk generalization experiment (issue 18, docs/EXPERIMENTS.md "Bulk
// generalization"): ground truth of a small periodic system, MCLNN trained on it, and the learned law rolled out at
// every case's size next to the true law from the same equilibrated state — g(r) per species pair, pressure,
// temperature, energy drift, MSD and the diffusion coefficient, pair visits outside the trained range, steps/s and
// memory — to DIR/metrics.json, DIR/summary.md and plots (scripts/plot_bulk_run.py).
#pragma once
#include <string>

namespace noether {

/// Run the experiment of `config` (run/bulk_config.hpp) into out_dir; every config error comes before any work.
/// support_warn: warn when more than this fraction of a learned rollout's pair visits lie outside the trained range.
int run_bulk_experiment(const std::string& config, const std::string& out_dir, bool quiet, double support_warn);

}  // namespace noether
