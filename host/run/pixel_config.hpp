// run/pixel_config.hpp — the config of `noether run` for the pixel pendulum (a top-level
// "task": "hnn_pixel_pendulum"; keys in docs/PIXEL_PENDULUM.md). Every key is checked while parsing, so
// config errors come before any work or output.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "noether/pixel/data.hpp"
#include "noether/pixel/train.hpp"

namespace noether {

struct PixelRunConfig {
  std::string source;                                  ///< the config file, for messages
  std::vector<std::uint64_t> seeds = {0, 1, 2, 3, 4};  ///< initialisation and batch seeds (5 runs)
  PixelPendulumOptions data;                           ///< trials, frames, data_seed
  PixelTrainOptions train;                             ///< steps, batch, lr, weight_decay, widths, threads
  int rollout_frames = 200;                            ///< frames of the latent rollouts (energy MSE, figures)
  bool save_data = true;                               ///< write DIR/pixel_pendulum.npz
};

/// True when the JSON root of `path` is an object whose "task" is "hnn_pixel_pendulum".
bool is_pixel_run_config(const std::string& path);

/// Read and check a pixel pendulum run config; throws noether::Error naming the file and key (unknown keys
/// get a "did you mean" hint).
PixelRunConfig load_pixel_run_config(const std::string& path);

}  // namespace noether
