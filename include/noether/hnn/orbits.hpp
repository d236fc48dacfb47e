// hnn/orbits.hpp — the gravitational N-body tasks of the HNN paper (paper 004): the two-body and three-body
// data sets generated per the reference code's protocol (github.com/greydanus/hamiltonian-nn; reference
// experiment-2body / experiment-3body data.py), on the CPU in float64.
//
// Bodies of unit mass in the plane, G = 1. State x (4N) in the reference's canonical ordering
//   x = [qx_1 … qx_N, qy_1 … qy_N, px_1 … px_N, py_1 … py_N]   (q = first 2N, p = last 2N; p = velocity)
// Hamiltonian and field:
//   H(x) = Σ_i |p_i|²/2 − Σ_{i<j} 1/r_ij,   r_ij = |q_i − q_j|
//   dq_i/dt = ∂H/∂p_i = p_i,   dp_i/dt = −∂H/∂q_i = Σ_{j≠i} (q_j − q_i)/r_ij³
//
// Initial states (reference `random_config`):
//   two-body   pos ~ U(r_lo, r_hi)² (each component), r = |pos|, v = (−pos_y, pos_x)/(2 r^{3/2}) (the circular
//              speed 1/(2√r) of two unit masses at ±pos), v ← v · (1 + noise · N(0,1)) (ONE scalar draw);
//              body 1 at (pos, v), body 2 at (−pos, −v).
//   three-body d ~ U([−1,1]²), r ~ U(r_lo, r_hi), q_1 = r d/|d|, q_2 = R(2π/3) q_1, q_3 = R(2π/3) q_2;
//              v_1 = R(π/2) q_1 / r^{3/2} · √(sin(π/3) / (2 cos²(π/6))) (circular for the equilateral triangle:
//              |v| = 3^{−1/4} r^{−1/2}), v_2 = R(2π/3) v_1, v_3 = R(2π/3) v_2; then every velocity component is
//              scaled by (1 + noise · U(−1, 1)) (two draws per body).
// Data set (reference `sample_orbits` / `make_orbits_dataset`): B orbits, each integrated to `points` times
// linspace(0, t_end, points); inputs = the clean states (no input noise); targets = the true field at them;
// the rows are concatenated in draw order and the FIRST ⌊test_fraction · rows⌋ rows are the test set.
#pragma once
#include <cstdint>
#include <vector>

#include "noether/core/rng.hpp"
#include "noether/hnn/tasks.hpp"

namespace noether {

/// H(x) for `bodies` unit masses, x (4·bodies) in the ordering of the file header.
double nbody_energy(int bodies, const double* x);

/// The true field f(x) = (∂H/∂p, −∂H/∂q): x (4·bodies) → dxdt (4·bodies). Throws noether::Error on
/// coincident bodies.
void nbody_field(int bodies, const double* x, double* dxdt);

/// Total momentum (Σ px_i, Σ py_i) of x (4·bodies) → P (2).
void nbody_momentum(int bodies, const double* x, double* P);

/// One reference initial state (file header) for bodies = 2 or 3 into x (4·bodies), drawing from rng.
void orbit_initial_state(int bodies, double radius_lo, double radius_hi, double noise, SplitMix64& rng, double* x);

/// Options of the orbit generator; 0 / negative fields take the reference default of `bodies`.
struct HnnOrbitOptions {
  int bodies = 2;            ///< 2 or 3
  int trajectories = 0;      ///< B; 0 = 1000 (two-body) / 5000 (three-body)
  int points = 0;            ///< saved points per orbit; 0 = 50 / 20
  double t_end = -1;         ///< times linspace(0, t_end, points); < 0 = 20 / 5
  double radius_lo = -1, radius_hi = -1;  ///< < 0 = (0.5, 1.5) / (0.9, 1.2)
  double noise = -1;         ///< orbit noise; < 0 = 0.05 (Gaussian, two-body) / 0.2 (uniform, three-body)
  double test_fraction = 0.2;  ///< the FIRST ⌊test_fraction · B · points⌋ rows, rounded down to whole orbits
  double rtol = 1e-10, atol = 1e-12;  ///< RK45 tolerances of the ground truth (reference: rtol 1e-9)
  std::uint64_t seed = 0;    ///< SplitMix64 seed
};

/// Generate the orbit data set. The returned HnnDataset keeps noether's layout (training rows first, then
/// test rows; test trajectories last): the reference's first ⌊test_fraction · B⌋ orbits (its test rows) are
/// stored as the LAST trajectories of `clean` and rows, the others in draw order before them. dim = 4·bodies.
/// Deterministic for a seed. Throws noether::Error on unusable options.
HnnDataset make_hnn_orbit_data(const HnnOrbitOptions& options);

/// The options with every reference default filled in (for messages and metrics).
HnnOrbitOptions resolved_orbit_options(const HnnOrbitOptions& options);

}  // namespace noether
