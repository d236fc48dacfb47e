// run/bench_scaling.hpp — `noether bench --scaling` (issue 18, item 4): Verlet steps/s and memory against N for the
// neighbor-list and all-pairs paths of one bulk system (the LJ liquid: fcc at ρ = 0.8, T = 1, r_c = 2.5 switched from
// 2.0, periodic cube) with three kinds of pair law — analytic Lennard-Jones, a learned pair MLP [1, 16, 16, 1] and the
// table of that MLP — each timed through the engine's own `simulate` (physics/simulate.hpp; the steps between saved
// frames, so the setup is not counted), next to the bound the
// CPU's FP64 peak puts on it for the counted FLOPs per atom-step:
//   bound steps/s = peak / (N · F),   F = (pairs visited per atom) · 12 + (pairs inside r_c per atom) · (law FLOPs + 6),
// pairs visited = (4/3)π (r_c + skin)³ ρ for the neighbor list, N − 1 for all pairs; pairs inside r_c = (4/3)π r_c³ ρ;
// 12 FLOPs per visited pair (minimum image 6, r² 5, compare 1), 6 for the force accumulation. Law FLOPs (counted from
// the code): LJ with the C² switch 36; table 40 (interval 4, quintic value and slope by Horner 20, switch 16); MLP:
// pair_mlp_slope_flops(shape) + 16 (the switch). The peak: cores × FP64 lanes × 2 FMA units × 2 × clock (lanes from the
// build's instruction set, clock from /proc/cpuinfo; two FMA units assumed, as on Xeon Scalable), or --peak-gflops.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace noether {

struct ScalingPoint {
  std::string method;  ///< "neighbor_list" or "all_pairs"
  std::string law;     ///< "lennard_jones", "mlp[16,16]", "table"
  int N = 0;
  double steps_per_s = 0, atom_steps_per_s = 0;
  double flops_per_atom_step = 0;     ///< F above
  double bound_steps_per_s = 0;       ///< peak / (N F)
  std::uint64_t peak_memory_bytes = 0;  ///< the process's peak resident size after the point (points run by rising N)
};

struct ScalingOptions {
  std::vector<int> cells = {5, 10, 22, 46, 63};  ///< fcc cells per edge: N = 4 c³ (500 … 1,000,188)
  int all_pairs_max_n = 4096;                     ///< all-pairs points only up to this N
  double peak_flops = 0;                          ///< FP64 peak; 0: estimated (cpu_fp64_peak_flops)
  double min_seconds = 1.0;                       ///< time at least this long per point (more steps at small N)
};

/// The estimated FP64 peak of this machine (FLOP/s) and, in `how`, the numbers it came from.
double cpu_fp64_peak_flops(std::string& how);

/// Run the sweep (rising N); on_point after each point. Writes temporary model/table files under the system's
/// temporary folder and removes them.
std::vector<ScalingPoint> run_scaling(const ScalingOptions& opt, const std::function<void(const ScalingPoint&)>& on_point);

}  // namespace noether
