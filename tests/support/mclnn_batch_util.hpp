// support/mclnn_batch_util.hpp — random batches of MCLNN training segments for the GPU-adjoint tests
// (mclnn/test_cuda_parity.cpp, mclnn/test_rows.cpp), and the CPU reference they are checked against:
// segment_loss_and_grad_cpu (mclnn/verlet_adjoint.hpp) summed over the batch.
#pragma once
#include <random>
#include <vector>

#include "noether/mclnn/cuda.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/mclnn/verlet_adjoint.hpp"

namespace noether_test {

using noether::MclnnSegmentBatch;
using noether::MlpShape;
using noether::PairScaling;

/// A batch of B random segments in float64: particles on a jittered grid (no close pairs), distinct
/// masses, random velocities, and targets near the start positions (every segment and particle differs,
/// so a wrong row, segment or frame index changes the result at O(1)).
struct Batch {
  int B, N, D, stride, horizon;
  double dt;
  std::vector<double> q0, v0, mass, target;  // (B,N,D), (B,N,D), (B,N), (B,horizon,N,D)

  MclnnSegmentBatch<double> view() const {
    MclnnSegmentBatch<double> b;
    b.q0 = q0.data(), b.v0 = v0.data(), b.mass = mass.data(), b.target = target.data();
    b.B = B, b.N = N, b.D = D, b.dt = dt, b.stride = stride, b.horizon = horizon;
    return b;
  }
};

inline Batch random_batch(int B, int N, int D, int stride, int horizon, unsigned seed) {
  Batch b{B, N, D, stride, horizon, 0.02, {}, {}, {}, {}};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1), um(0.6, 1.8);
  const std::size_t f = std::size_t(N) * D;
  b.q0.resize(std::size_t(B) * f), b.v0.resize(b.q0.size()), b.mass.resize(std::size_t(B) * N);
  b.target.resize(std::size_t(B) * horizon * f);
  for (int s = 0; s < B; ++s)
    for (int i = 0; i < N; ++i) {
      b.mass[std::size_t(s) * N + i] = um(rng);
      for (int c = 0; c < D; ++c) {
        const int cell = c == 0 ? i % 3 : (c == 1 ? i / 3 : (i + s) % 2);  // grid spacing 1.2
        b.q0[(std::size_t(s) * N + i) * D + c] = 1.2 * cell + 0.25 * u(rng);
        b.v0[(std::size_t(s) * N + i) * D + c] = 0.5 * u(rng);
      }
    }
  for (int s = 0; s < B; ++s)
    for (int h = 0; h < horizon; ++h)
      for (std::size_t k = 0; k < f; ++k)
        b.target[(std::size_t(s) * horizon + h) * f + k] =
            b.q0[std::size_t(s) * f + k] + 0.1 * (h + 1) * b.v0[std::size_t(s) * f + k] + 0.05 * u(rng);
  return b;
}

/// The CPU reference: Σ_s segment_loss_and_grad_cpu (weight 1), in float64.
inline double cpu_reference(const MlpShape& shape, const std::vector<double>& p, const PairScaling& sc, const Batch& b,
                     std::vector<double>& grad) {
  grad.assign(p.size(), 0.0);
  const std::size_t f = std::size_t(b.N) * b.D;
  double loss = 0;
  noether::with_pair_mlp<double>(shape, p.data(), sc, [&](const auto& mlp) {
    for (int s = 0; s < b.B; ++s)
      loss += noether::segment_loss_and_grad_cpu<double>(mlp, &b.q0[s * f], &b.v0[s * f], &b.mass[std::size_t(s) * b.N], b.N,
                                                b.D, b.dt, b.stride, b.horizon, &b.target[s * b.horizon * f], 1.0,
                                                grad.data());
  });
  return loss;
}

}  // namespace noether_test
