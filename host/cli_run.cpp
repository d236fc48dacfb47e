// cli_run.cpp — `noether run CONFIG -o DIR`: the whole experiment. A config with a top-level "task" is an
// HNN experiment (run_hnn.hpp, docs/HNN.md); any other is the MCLNN experiment (run_experiment.hpp).
#include <memory>

#include "cli.hpp"
#include "hnn_run_config.hpp"
#include "run_experiment.hpp"
#include "run_hnn.hpp"

namespace noether {

void add_run_command(CLI::App& app) {
  struct Opts {
    std::string config, dir;
    bool quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run an experiment: simulate training data, train, roll out against ground truth, evaluate, plot");
  cmd->add_option("config", o->config, "experiment config (JSON: configs/mclnn_*.json, docs/EXPERIMENTS.md; configs/hnn_*.json, docs/HNN.md)")
      ->required();
  cmd->add_option("-o,--output", o->dir, "output folder (metrics.json, summary.md, plots, models, trajectories)")
      ->required();
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing on success");
  cmd->callback([o] {
    if (is_hnn_run_config(o->config))
      run_hnn_experiment(o->config, o->dir, o->quiet);
    else
      run_experiment(o->config, o->dir, o->quiet);
  });
}

}  // namespace noether
