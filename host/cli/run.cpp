// cli/run.cpp — `noether run CONFIG -o DIR`: the whole experiment. A config whose "task" is "bulk_generalization" is
// the bulk generalization experiment (run/bulk.hpp, docs/EXPERIMENTS.md); "hnn_pixel_pendulum" is the pixel pendulum (run/pixel.hpp, docs/PIXEL_PENDULUM.md); any other top-level
// "task" is an HNN experiment (run/hnn.hpp, docs/HNN.md); a config without one is the MCLNN experiment
// (run/mclnn.hpp). The task name is dispatched here, before any task's parser sees the config.
#include <memory>

#include "cli/commands.hpp"
#include "run/bulk.hpp"
#include "run/bulk_config.hpp"
#include "run/hnn_config.hpp"
#include "run/pixel_config.hpp"
#include "run/mclnn.hpp"
#include "run/hnn.hpp"
#include "run/pixel.hpp"

namespace noether {

void add_run_command(CLI::App& app) {
  struct Opts {
    std::string config, dir;
    bool quiet = false;
    double support_warn = kSupportWarnDefault;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run an experiment: simulate training data, train, roll out against ground truth, evaluate, plot");
  cmd->add_option("config", o->config, "experiment config (JSON: configs/mclnn_*.json, docs/EXPERIMENTS.md; configs/hnn_*.json, docs/HNN.md and docs/PIXEL_PENDULUM.md)")
      ->required();
  cmd->add_option("-o,--output", o->dir, "output folder (metrics.json, summary.md, plots, models, trajectories)")
      ->required();
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing on success");
  cmd->add_option("--support-warn", o->support_warn,
                  "MCLNN and bulk runs: warn when more than this fraction of a learned rollout's pair visits lie outside the "
                  "distances the model was trained on (default 0.01; 0..1; docs/BULK.md)");
  cmd->callback([o] {
    if (is_bulk_run_config(o->config))
      run_bulk_experiment(o->config, o->dir, o->quiet, o->support_warn);
    else if (is_pixel_run_config(o->config))
      run_pixel_experiment(o->config, o->dir, o->quiet);
    else if (is_hnn_run_config(o->config))
      run_hnn_experiment(o->config, o->dir, o->quiet);
    else
      run_experiment(o->config, o->dir, o->quiet, o->support_warn);
  });
}

}  // namespace noether
