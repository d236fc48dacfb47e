// pixel/train.hpp — minibatch training of the pixel pendulum model (pixel/model.hpp) on the pixel pendulum
// data (pixel/data.hpp), the reference protocol (experiment-pixels/train.py): Adam lr 1e-3 with coupled
// L2 weight decay (PyTorch Adam(weight_decay); the reference's 1e-5, default 0 here: see docs/PIXEL_PENDULUM.md)
// on ALL parameters, 10000 steps, each on 200 distinct training samples drawn uniformly
// (torch.randperm(N)[:200]); final losses on the full training and test sets.
//
// Precision: the losses and gradients are computed in float32 (as the reference, which trains in float32;
// float64 GEMMs have half the SIMD width), the master parameters and Adam's moments are
// float64 (nn/adam.hpp) and rounded to float32 before every step. Deterministic for a seed (the Eigen thread
// count may change float32 summation order inside GEMMs).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "noether/pixel/model.hpp"
#include "noether/pixel/data.hpp"

namespace noether {

struct PixelTrainOptions {
  int steps = 10000;                         ///< Adam steps (reference 10000)
  int batch = 200;                           ///< samples per step (reference 200)
  double lr = 1e-3;
  double weight_decay = 0.0;                 ///< coupled L2 (reference 1e-5; see docs/PIXEL_PENDULUM.md)
  int ae_hidden = 200;                       ///< autoencoder width h
  int latent_dim = 2;                        ///< 2k
  std::vector<int> latent_hidden = {200, 200};
  std::uint64_t seed = 0;                    ///< initialisation and batch draws
  int threads = 1;                           ///< Eigen GEMM threads (0 = Eigen's default)
  /// Train on the GPU (pixel/cuda.hpp's cuda_pixel_train: the training pairs uploaded once, the same batch
  /// draws, float32 loss and gradient on cuBLAS, float64 Adam on the device). The final full-set losses stay
  /// on the CPU. Needs a CUDA device.
  bool cuda = false;
  /// Called after every step with the step number (1-based) and that batch's loss terms (e.g. progress).
  std::function<void(int, const PixelLossTerms&)> on_step;
};

struct PixelTrainResult {
  PixelModel model;                  ///< final parameters (float64 master copy)
  PixelLossTerms train, test;        ///< L and its terms over the full training / test sets
  std::vector<double> batch_loss;    ///< L of every step's batch (steps)
  double seconds = 0;                ///< training + final losses
};

/// Train a model of `kind` (HNN or baseline). Throws noether::Error on bad options.
PixelTrainResult train_pixel_model(HnnModelKind kind, const PixelPendulumData& data, const PixelTrainOptions& options);

/// L and its terms over samples [first, first + count) of the data set (float32, chunks of `chunk` rows).
PixelLossTerms pixel_dataset_loss(const PixelModel& model, const std::vector<float>& params, const PixelPendulumData& data,
                                  int first, int count, int chunk = 500);

/// The model's parameters rounded to float32.
std::vector<float> pixel_params_f32(const PixelModel& model);

}  // namespace noether
