// pixel/data.hpp — the pixel pendulum data of the HNN paper's Task 5 (paper 004 §5), made by noether:
// a pendulum with the physics of OpenAI Gym's Pendulum-v0 (no torque), its exact trajectories, and 28×28
// grayscale frames with an anti-aliased rod. Renderer: pixel/render.hpp; dynamics and data set:
// host/pixel/data.cpp; docs/PIXEL_PENDULUM.md.
//
// Physics (Gym Pendulum-v0: g = 10, m = l = 1, a uniform rod about its end, θ = 0 hanging down here):
//   θ̈ = −(3g / 2l) sin θ,   E = ½ θ̇² + (3g / 2l)(1 − cos θ)   (per unit m l²/3; conserved)
// integrated with adaptive RK45 (rtol 1e-10, atol 1e-12) and sampled every dt = 0.05 s (Gym's step).
// Canonical coordinates of the reference analysis: (q, p) = (θ, θ̇/4), in which
//   H(q, p) = E / 8 = (3g / 16l)(1 − cos q) + p²       (= 1.875 (1 − cos q) + p²;
// the reference's analysis fits H = 1.9 (1 − cos q) + p² to its Gym data: the same function, rounded).
//
// Frames: side × side (28) pixels, row-major, row 0 at the top, values in [0, intensity]. The rod is a
// capsule (a segment with round caps) from the pivot to the bob; pixel (r, c) covers the unit square
// [c, c+1) × [r, r+1) and its value is intensity × (covered fraction of that square), estimated with
// supersample × supersample midpoint samples (box filter; exact in the limit). Geometry, in pixels, for
// side 28 (scaled by side/28 otherwise): pivot at (x, y) = (14, 5), rod length 18, half-width 1.8 —
// Gym's rod (length 1, width 0.2) after the reference's crop and 28×28 resize. θ > 0 swings the bob to
// the right (+x); intensity 0.5 is the reference's value (red − green of Gym's rod colour, /255).
//
// Data set (reference experiment-pixels/data.py): `trials` trajectories of `frames` frames, θ₀ ~ U(±max_angle),
// θ̇₀ ~ U(±max_speed) (Gym's reset: θ̇₀ ~ U(±1); the reference keeps resets with |θ₀| < π/6), drawn from
// SplitMix64(seed). Sample k of a trial (k = 0 … frames − 3) is the pair of consecutive frames stacked as one
// input x_k = [frame k, frame k+1] (2·side² values) with its successor x_{k+1} = [frame k+1, frame k+2];
// its canonical coordinates are those of frame k. The first ⌊test_fraction · trials⌋ trials are the test set.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "noether/pixel/render.hpp"

namespace noether {

/// Pendulum physics (Gym Pendulum-v0 defaults).
struct PendulumPhysics {
  double g = 10.0;   ///< gravity
  double l = 1.0;    ///< rod length (m = 1 drops out)
  double dt = 0.05;  ///< time between frames, s
  /// ω² = 3g / 2l in θ̈ = −ω² sin θ.
  double omega2() const { return 1.5 * g / l; }
};

/// States (frames, 2) = (θ, θ̇) at t = 0, dt, …, (frames − 1)·dt from (θ₀, θ̇₀): exact (RK45, rtol 1e-10,
/// atol 1e-12). Throws noether::Error when frames < 1 or the physics is not positive.
std::vector<double> pendulum_trajectory(const PendulumPhysics& physics, double theta0, double omega0, int frames);

/// H(q, p) = (3g / 16l)(1 − cos q) + p² for (q, p) = (θ, θ̇/4) (file header): E/8.
double pendulum_canonical_energy(const PendulumPhysics& physics, double q, double p);

/// Options of the data set (file header). Defaults: the reference protocol.
struct PixelPendulumOptions {
  int trials = 200;
  int frames = 103;
  double max_angle = 0.5235987755982988;  ///< π/6
  double max_speed = 1.0;                 ///< |θ̇₀| bound, rad/s
  double test_fraction = 0.2;
  std::uint64_t seed = 0;
  PendulumPhysics physics;
  PendulumRenderer renderer;
};

/// The data set: frames and the true states of every trial, and the sample bookkeeping.
struct PixelPendulumData {
  PixelPendulumOptions options;
  int trials = 0, frames = 0, side = 0, test_trials = 0;
  std::vector<float> pixels;   ///< (trials, frames, side²)
  std::vector<double> states;  ///< (trials, frames, 2): θ, θ̇

  int frame_dim() const { return side * side; }
  int input_dim() const { return 2 * side * side; }
  int samples_per_trial() const { return frames - 2; }
  /// Samples are numbered trial-major: s = trial · samples_per_trial() + k. Test: the first test_trials trials.
  int n_test() const { return test_trials * samples_per_trial(); }
  int n_train() const { return (trials - test_trials) * samples_per_trial(); }
  int first_train() const { return n_test(); }
  const float* frame(int trial, int k) const { return pixels.data() + (std::size_t(trial) * frames + k) * frame_dim(); }
  /// X (n, 2·side²) = the inputs x_s and Xnext (n, 2·side²) = their successors for sample numbers s[0 … n).
  /// Xnext may be nullptr. Throws noether::Error on a sample number out of range.
  void gather(const int* s, int n, float* X, float* Xnext) const;
  /// Canonical coordinates (q, p) = (θ, θ̇/4) of sample s (its first frame).
  void canonical(int s, double* qp) const;
};

/// Simulate and render the data set. Throws noether::Error naming the option on bad options.
PixelPendulumData make_pixel_pendulum_data(const PixelPendulumOptions& options);

/// Write the data set as .npz (atomically): pixels (trials, frames, side, side) float32, states
/// (trials, frames, 2) float64 (θ, θ̇), dt, test_trials.
void write_pixel_pendulum_npz(const PixelPendulumData& data, const std::string& path);

}  // namespace noether
