// physics/bulk_observables.hpp — observables of bulk trajectories computed from saved frames: the radial distribution
// function per species pair (cell-list binned, O(N) per frame), the mean-squared displacement from unwrapped positions,
// the kinetic temperature, the virial pressure and a diffusion coefficient from the MSD. One source for the trajectory
// writer (io/trajectory.cpp), `noether analyze` (cli/analyze.cpp) and the generalization experiment (run/bulk.cpp).
#pragma once
#include <vector>

#include "noether/physics/box.hpp"

namespace noether {

/// Radial distribution function of species pair (a, b) averaged over F frames, on `bins` shells of width
/// Δ = r_max / bins (bin k covers [kΔ, (k+1)Δ)):
///   g_ab(r_k) = volume / (N_a N_b') · ⟨Σ_{i∈a} Σ_{j∈b, j≠i} [r_ij in bin k]⟩ / shell_k,
///   shell_k = (4π/3)((k+1)³ − k³)Δ³ in 3-D, π((k+1)² − k²)Δ² in 2-D,  N_b' = N_b − 1 if a = b else N_b.
/// pos (F, N, D) (periodic coordinates wrapped into [0, L)), species (N) or null (all species 0). Needs a box with
/// volume; r_max ≤ half the shortest periodic edge. Pairs are found through cells of edge ≥ r_max (O(N) per frame;
/// at most ~2N cells, however large the box) when every axis holds at least 3 such cells, otherwise all pairs are visited; both visit the same pairs with the
/// same minimum-image distance, so the counts — and g — are identical (integers summed exactly, any thread count).
std::vector<double> radial_distribution(const double* pos, int F, int N, int D, const Box& box, const int* species,
                                        int a, int b, double r_max, int bins);

/// The same by visiting every pair (the reference for the cell path; O(N²) per frame).
std::vector<double> radial_distribution_all_pairs(const double* pos, int F, int N, int D, const Box& box,
                                                  const int* species, int a, int b, double r_max, int bins);

/// MSD(t) = (1/N) Σ_i |u_i(t) − u_i(0)|² with unwrapped positions u = x + n · L on periodic axes.
/// pos (B, T, N, D), images (B, T, N, D) or null (no wrapping recorded). Returns (B, T).
std::vector<double> mean_squared_displacement(const double* pos, const int* images, int B, int T, int N, int D,
                                              const Box& box);

/// Kinetic temperature T = 2K / (D (N − 1)) (k_B = 1; the centre-of-mass motion's D degrees of freedom removed),
/// 0 for N ≤ 1.
inline double kinetic_temperature(double kinetic, int N, int D) {
  return N > 1 ? 2 * kinetic / (double(D) * double(N - 1)) : 0.0;
}

/// Virial pressure P = (2K + W) / (D V) with W = Σ_{i<j} r_ij · F_ij (the pair virial) and V the box volume
/// (the area in 2-D).
inline double virial_pressure(double kinetic, double virial, int D, double volume) {
  return (2 * kinetic + virial) / (double(D) * volume);
}

/// The self-diffusion coefficient from the Einstein relation MSD(t) ≈ 2 D_dim D_s t + c: the least-squares slope of
/// msd (T) against times (T) over the frames with t ≥ fit_from · t_last, divided by 2 D_dim. Needs ≥ 2 such frames.
double diffusion_coefficient(const double* times, const double* msd, int T, int D, double fit_from = 0.5);

}  // namespace noether
