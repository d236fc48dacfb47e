// run/pixel.hpp — `noether run CONFIG -o DIR` for the pixel pendulum (HNN paper Task 5; a config whose "task"
// is "hnn_pixel_pendulum", run/pixel_config.hpp): the data set, per seed an HNN and its MLP baseline in an
// autoencoder's latent space, losses, latent rollouts and energy MSE; DIR/metrics.json, DIR/summary.md,
// DIR/rollouts.npz and the figures of scripts/plot_pixel.py. docs/PIXEL_PENDULUM.md.
#pragma once
#include <string>

namespace noether {

/// Run the pixel pendulum experiment of `config` into `out_dir`; 0 on success. Throws noether::Error (naming
/// the file and key) on a bad config before any work starts or any output folder is made.
int run_pixel_experiment(const std::string& config, const std::string& out_dir, bool quiet);

}  // namespace noether
