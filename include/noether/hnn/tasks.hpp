// hnn/tasks.hpp — the data sets of the HNN paper (paper 004) on the CPU, float64: the ideal mass-spring
// and ideal pendulum generated per the reference code's protocol (github.com/greydanus/hamiltonian-nn), and the
// real pendulum of Schmidt & Lipson read from its text file with finite-difference targets.
//
// Systems, x = (q, p), field f(x) = (∂H/∂p, −∂H/∂q):
//   mass-spring  H = q² + p²              f = (2p, −2q)
//   pendulum     H = 3(1 − cos q) + p²    f = (2p, −3 sin q)
// Synthetic protocol (reference code `get_trajectory` / `get_dataset`): per trajectory a direction
// d ~ U([−1,1]²)/|·| and a radius r ~ U(r_lo, r_hi) give x₀ = r d; the clean trajectory is integrated at
// `points` evenly spaced times linspace(0, t_end, points) (end point included); the inputs are the clean
// states plus N(0, noise_std²) on q and p; the targets are the TRUE field f at the CLEAN states (the
// reference computes dx/dt before it adds the noise). Trajectories 0 … B_train−1 are the training set,
// the rest the test set (the reference concatenates the trajectories and splits the rows at 50%).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "noether/core/rng.hpp"

namespace noether {

enum class HnnTask { MassSpring, Pendulum };

/// "mass-spring" | "pendulum".
const char* hnn_task_name(HnnTask task);

/// H(x) of the task, x = (q, p) (2).
double hnn_task_energy(HnnTask task, const double* x);

/// The true field f(x) = (∂H/∂p, −∂H/∂q): x (2) → dxdt (2).
void hnn_task_field(HnnTask task, const double* x, double* dxdt);

/// Options of the synthetic generator; 0 / negative fields take the task's reference default.
struct HnnTaskOptions {
  int trajectories = 50;       ///< B (reference: 50)
  int train_trajectories = 0;  ///< B_train; 0 = B/2 (reference: test_split 0.5)
  int points = 0;              ///< saved points per trajectory; 0 = 30 (mass-spring) / 45 (pendulum)
  double t_end = 3.0;          ///< times linspace(0, t_end, points)
  double radius_lo = -1, radius_hi = -1;  ///< r ~ U(lo, hi); < 0 = (0.1, 1.0) / (1.3, 2.3)
  double noise_std = 0.1;      ///< Gaussian noise on q and p of the inputs (not on the targets)
  double rtol = 1e-10, atol = 1e-12;  ///< RK45 tolerances of the ground truth (reference: rtol 1e-10)
  std::uint64_t seed = 0;      ///< SplitMix64 seed (directions, radii, Box–Muller noise)
};

/// Inputs and targets of an HNN experiment. Rows are states x = (q₁…q_k, p₁…p_k) of dimension `dim`;
/// the first n_train rows are the training set, the next n_test the test set.
struct HnnDataset {
  std::string source;          ///< task name or file, for messages
  int dim = 2;                 ///< 2k
  int n_train = 0, n_test = 0;
  std::vector<double> x;       ///< (n_train + n_test, dim) inputs (noisy for the synthetic tasks)
  std::vector<double> dxdt;    ///< (n_train + n_test, dim) targets
  // Synthetic tasks only (trajectories == 0 otherwise): rows are trajectory-major, row = b · points + i.
  int trajectories = 0, train_trajectories = 0, points = 0;
  std::vector<double> times;   ///< (points) saved times of every trajectory
  std::vector<double> clean;   ///< (trajectories, points, dim) noise-free states
  // Real data only: the time of every row (one recorded trajectory, test rows after training rows).
  std::vector<double> row_times;  ///< (n_train + n_test)

  const double* x_train() const { return x.data(); }
  const double* dxdt_train() const { return dxdt.data(); }
  const double* x_test() const { return x.data() + std::size_t(n_train) * dim; }
  const double* dxdt_test() const { return dxdt.data() + std::size_t(n_train) * dim; }
};

/// Generate the task's data set (protocol in the file header). Deterministic for a seed. Throws
/// noether::Error on unusable options.
HnnDataset make_hnn_task_data(HnnTask task, const HnnTaskOptions& options = {});

/// Read the Schmidt–Lipson real pendulum (`real_pend_h_1.txt`): a header line starting with '%', then
/// rows "trial t angle angular_velocity" (whitespace separated). x_i = (angle_i, ω_i); targets are forward
/// differences with the actual (uneven) time steps, dx_i = (x_{i+1} − x_i)/(t_{i+1} − t_i), i = 0 … N−2
/// (as the reference code); the last (1 − train_fraction) of these rows, contiguous, are the test set
/// (n_train = ⌊(N−1) · train_fraction⌋); row_times holds t_i. Throws noether::Error naming the file and line on malformed
/// input (wrong column count, non-numbers, non-finite values, times not strictly increasing, < 3 rows).
HnnDataset load_real_pendulum(const std::string& path, double train_fraction = 0.8);

}  // namespace noether
