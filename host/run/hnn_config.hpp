// run/hnn_config.hpp — the config of `noether run` for the HNN experiments of paper 004 (a top-level
// "task": "hnn_mass_spring" | "hnn_pendulum" | "hnn_real_pendulum" | "hnn_two_body" | "hnn_three_body"; keys in
// docs/HNN.md). Parsing checks
// every key and loads the real pendulum's data file, so every config error comes before any work.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "noether/hnn/train.hpp"
#include "noether/hnn/tasks.hpp"

namespace noether {

enum class HnnRunTask { MassSpring, Pendulum, RealPendulum, TwoBody, ThreeBody };

struct HnnRunConfig {
  std::string source;              ///< the config file, for messages
  std::string task_name;           ///< "hnn_" + mass_spring | pendulum | real_pendulum | two_body | three_body
  HnnRunTask task = HnnRunTask::MassSpring;
  std::vector<std::uint64_t> seeds = {0, 1, 2, 3, 4};  ///< data (synthetic tasks) and initialisation seeds
  HnnTrainOptions train;           ///< hidden, steps, batch_size, lr, weight_decay, threads (seed set per run)
  int trajectories = 0;            ///< synthetic tasks: trajectories of the data set (0 = the task's reference count)
  int energy_states = 15;          ///< initial states S of the energy-MSE analysis (reference: 5 splits × 3)
  std::string data_path;           ///< real pendulum only: the resolved path of real_pend_h_1.txt
  HnnDataset real_data;            ///< real pendulum only: loaded while parsing (errors name file:line)
};

/// True when the parsed JSON root of a `noether run` config selects an HNN experiment (has "task").
bool is_hnn_run_config(const std::string& path);

/// Read and check an HNN run config; throws noether::Error naming the file and key (unknown keys get a
/// "did you mean" hint; a missing real-pendulum file names the key "data").
HnnRunConfig load_hnn_run_config(const std::string& path);

}  // namespace noether
