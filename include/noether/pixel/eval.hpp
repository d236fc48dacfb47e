// pixel/eval.hpp — evaluation of a trained pixel pendulum model (pixel/model.hpp) as in the reference's
// analysis notebook (analyze-pixels): roll the learned field out in latent space, decode to frames, and
// measure the energy of the decoded motion (host/pixel/eval.cpp; docs/PIXEL_PENDULUM.md).
//
// Latent → canonical map: the least-squares affine map (q, p) ≈ A z + b from the model's latent codes
// z = E(x_s) of every TRAINING sample to its true (θ, θ̇/4) (the reference fits the same map, nn.Linear(2, 2),
// with 4000 Adam steps; the closed form is its optimum).
// Rollout from trial b: z_0 = E(x_{b,0}) (its first frame pair), integrate dz/dt = F(z) (time in frames: the
// model steps z' = z + F(z) once per frame) with adaptive RK45 to t = 1 … T−1, all trials of a call as one
// batched system (rtol, atol on every component); frame t = the first half of Dec(z_t).
// Energy of the decoded motion (reference pix2cc): ẑ_t = E(Dec(z_t)) re-encoded, (q, p)_t = A ẑ_t + b,
// H_pred(t) = H(q_t, p_t) with H = pendulum_canonical_energy; truth: the exact trajectory from the trial's
// initial state (continued past its recorded frames when T is longer), H_true(t) = H(θ_t, θ̇_t/4).
//   energy MSE = 1/(B·T) Σ_b Σ_t (H_true(b, t) − H_pred(b, t))²   over the B test trials.
#pragma once
#include <vector>

#include "noether/pixel/model.hpp"
#include "noether/pixel/data.hpp"

namespace noether {

/// (q, p) = A z + b; A (2, 2k) row-major.
struct LatentToCanonical {
  int latent_dim = 2;
  std::vector<double> A, b;
  void apply(const double* z, double* qp) const;
};

/// Fit the map on the training samples (file header). params: the model's float32 parameters.
LatentToCanonical fit_latent_to_canonical(const PixelModel& m, const std::vector<float>& params,
                                          const PixelPendulumData& data);

/// Rollouts of B trials, T frames each.
struct PixelRollouts {
  int trials = 0, frames = 0, latent_dim = 0, side = 0;
  std::vector<double> z;            ///< (B, T, 2k) integrated latent states
  std::vector<float> decoded;       ///< (B, T, side²) first frame of Dec(z_t)
  std::vector<double> qp_pred;      ///< (B, T, 2) A E(Dec(z_t)) + b
  std::vector<double> states_true;  ///< (B, T, 2) exact (θ, θ̇)
  std::vector<double> H_true, H_pred;  ///< (B, T)
  double energy_mse() const;        ///< 1/(B·T) Σ (H_true − H_pred)²
};

/// Roll the model out from the first frame pair of each trial in `trials` for `frames` frames (file header).
/// params: float32 parameters (encoder / decoder run in float32, the latent ODE in float64 on their values).
PixelRollouts pixel_rollouts(const PixelModel& m, const std::vector<float>& params, const LatentToCanonical& map,
                             const PixelPendulumData& data, const std::vector<int>& trials, int frames,
                             double rtol = 1e-9, double atol = 1e-9);

}  // namespace noether
