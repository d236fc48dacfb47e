// physics/cuda.hpp — the physics driver functions of the CUDA backend (kernels/physics/*.cu).
// Plain pointers to HOST memory in and out; device memory, streams and kernels stay inside kernels/.
// In a build without CUDA (or on a machine without a usable GPU) cuda_device_available() is false
// and every other function throws noether::Error.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "noether/core/device.hpp"
#include "noether/physics/box.hpp"
#include "noether/physics/cutoff.hpp"
#include "noether/physics/observables.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/pair_mlp.hpp"

namespace noether {

/// True when this build's device functions accept PotentialKind::Learned and PotentialKind::Tabulated laws
/// (the CUDA build).
bool cuda_learned_rollout_available();

/// All-pairs accelerations on the device (the GPU twin of accelerations_cpu).
/// pos (B, N, D), mass (B, N), acc (B, N, D) written; all host pointers.
template <typename T>
void cuda_accelerations(const PairLawSpec& law, const T* pos, const T* mass, T* acc, int B, int N, int D);

/// Potential energy per trajectory on the device: U (B).
template <typename T>
void cuda_potential_energy(const PairLawSpec& law, const T* pos, const T* mass, T* U, int B, int N, int D);

/// A velocity-Verlet rollout that stays on the device; only saved frames come back.
/// pos0, vel0 (B, N, D), mass (B, N): initial state. Saves `frames` frames (the first is the initial
/// state), `stride` steps apart, into pos_out, vel_out, acc_out (B, frames, N, D), and per-frame
/// observables reduced on the device into obs[f] (f < frames). Throws with trajectory, step and time
/// when a state becomes non-finite.
template <typename T>
void cuda_verlet_rollout(const PairLawSpec& law, const T* pos0, const T* vel0, const T* mass, int B, int N,
                         int D, T dt, long stride, int frames, T* pos_out, T* vel_out, T* acc_out,
                         std::vector<FrameObservables>& obs);

/// Time `steps` Verlet steps of the whole batch on the device (no frames saved), for benchmarks;
/// returns elapsed seconds measured with CUDA events after one warm-up step.
template <typename T>
double cuda_time_verlet_steps(const PairLawSpec& law, const T* pos0, const T* vel0, const T* mass, int B, int N,
                              int D, T dt, long steps);

/// Time `reps` evaluations of the all-pairs accelerations kernel (after one warm-up), seconds total.
template <typename T>
double cuda_time_accelerations(const PairLawSpec& law, const T* pos, const T* mass, int B, int N, int D, int reps);

// --- learned pair potential (PairMlp, physics/pair_mlp.hpp) inside the all-pairs kernel ---
// shape: scalar-in/scalar-out MLP, widths up to kPairMlpMaxWidth (= 64; kernels are compiled for
// MaxWidth 16, 32 and 64), at most kPairMlpMaxLayers layers; params (shape.parameter_count()) in
// nn/mlp_layout.hpp order, host memory; the kernel stages them in shared memory once per block. Throws
// noether::Error for a shape check_pair_mlp_shape refuses, or parameters too large for shared memory.

/// All-pairs accelerations with V = the pair MLP: pos (B, N, D), mass (B, N), acc (B, N, D) written.
template <typename T>
void cuda_mlp_accelerations(const MlpShape& shape, const T* params, const PairScaling& scaling, const T* pos,
                            const T* mass, T* acc, int B, int N, int D);

/// Potential energy per trajectory, U_b = Σ_{i<j} V_θ(r_ij) (pair terms in T, summed in float64): U (B).
template <typename T>
void cuda_mlp_potential_energy(const MlpShape& shape, const T* params, const PairScaling& scaling, const T* pos,
                               const T* mass, T* U, int B, int N, int D);

/// Time `reps` evaluations of the MLP all-pairs accelerations kernel (after one warm-up), seconds total.
template <typename T>
double cuda_time_mlp_accelerations(const MlpShape& shape, const T* params, const PairScaling& scaling, const T* pos,
                                   const T* mass, int B, int N, int D, int reps);

// --- bulk matter: neighbor lists and forces on the device (kernels/physics/neighbor_list.cu, bulk_forces.cu) ---
// One configuration of N particles in D = 2 or 3 in `box` (periodic or open per axis; positions wrapped on periodic
// axes), S species with per-species-pair laws laws (S, S) and cutoffs (S, S) — analytic laws of one kind, every pair
// learned (pair MLPs) or every pair tabulated; with the neighbor list every pair needs a cutoff — species (N) or null
// (all 0). The cell + Verlet list is the CPU list of physics/neighbor_list.hpp built on the device (same cells, same
// pairs, same order; docs/BULK.md); all_pairs sums every j ≠ i in index order instead (the CPU's all-pairs order).

/// Options of the device neighbor list.
struct CudaNeighborOptions {
  double skin = 0.3;  ///< r_list = largest cutoff + skin; rebuilt when a particle moved more than skin / 2
  int capacity = 32;  ///< initial list entries per particle; grown (1.25x + 8) and rebuilt when a list is longer
  int block = 128;    ///< threads per block of the per-particle kernels: a multiple of 32 in [32, 1024]
  bool all_pairs = false;  ///< no list: every j ≠ i ("neighbor": "all_pairs"); skin and capacity unused
};

/// What a device list was, copied back: count (N), nbr (N, capacity) row-major (only the first count[i] entries of
/// row i are meaningful), and the list's build and grow counts.
struct CudaNeighborListCopy {
  std::vector<int> count, nbr;
  int capacity = 0;
  long builds = 0, grows = 0;
};

/// Accelerations acc (N, D) (unless null), potential energy U = Σ_{i<j} V and pair virial W = Σ_{i<j} f_over_r r²
/// (unless null) of one configuration pos (N, D), mass (N), through a device list built for it; list (unless null)
/// receives that list. Host pointers.
template <typename T>
void cuda_bulk_forces(const PairLawSpec* laws, const CutoffSpec* cutoffs, int S, const Box& box, const T* pos,
                      const T* mass, const int* species, int N, int D, const CudaNeighborOptions& opt, T* acc,
                      double* U, double* W, CudaNeighborListCopy* list);

/// Velocity-Verlet rollout of one bulk trajectory on the device (wrapping with image counters, lists rebuilt by the
/// skin rule), saving `frames` frames `stride` steps apart (the first is the wrapped initial state): pos_out,
/// vel_out, acc_out, img_out (frames, N, D); obs[f] (one trajectory each: K, U, momentum, angular momentum);
/// virial_out (frames). stats (unless null): the list's builds, grows and final capacity (zeros for all pairs).
/// pos0, vel0 (N, D), mass (N). velocity_scale (unless empty): the thermostat — after every step's kick it receives
/// K = Σ ½ m v² (float64) and the velocities are multiplied by what it returns (host/physics/bulk.cpp's Bussi factor).
/// Throws naming the saved frame when the state becomes non-finite.
template <typename T>
void cuda_bulk_rollout(const PairLawSpec* laws, const CutoffSpec* cutoffs, int S, const Box& box, const T* pos0,
                       const T* vel0, const T* mass, const int* species, int N, int D, T dt, long stride, int frames,
                       const CudaNeighborOptions& opt, T* pos_out, T* vel_out, T* acc_out, int* img_out,
                       std::vector<FrameObservables>& obs, double* virial_out, CudaNeighborListCopy* stats,
                       const std::function<double(double)>& velocity_scale = {});

// --- explicit instantiations (T = float, double): the one list per kernels/physics/*.cu file, used by that
// file and by the stand-in of a build without CUDA (host/physics/cuda_stand_in.cpp) ---
#define NOETHER_PHYSICS_CUDA_ALLPAIRS(T)                                                                   \
  template void cuda_accelerations<T>(const PairLawSpec&, const T*, const T*, T*, int, int, int);          \
  template void cuda_potential_energy<T>(const PairLawSpec&, const T*, const T*, T*, int, int, int);       \
  template double cuda_time_accelerations<T>(const PairLawSpec&, const T*, const T*, int, int, int, int);
#define NOETHER_PHYSICS_CUDA_ROLLOUT(T)                                                                    \
  template void cuda_verlet_rollout<T>(const PairLawSpec&, const T*, const T*, const T*, int, int, int, T, \
                                       long, int, T*, T*, T*, std::vector<FrameObservables>&);             \
  template double cuda_time_verlet_steps<T>(const PairLawSpec&, const T*, const T*, const T*, int, int,   \
                                            int, T, long);
#define NOETHER_PHYSICS_CUDA_BULK(T)                                                                       \
  template void cuda_bulk_forces<T>(const PairLawSpec*, const CutoffSpec*, int, const Box&, const T*, const T*,  \
                                    const int*, int, int, const CudaNeighborOptions&, T*, double*, double*,    \
                                    CudaNeighborListCopy*);                                                    \
  template void cuda_bulk_rollout<T>(const PairLawSpec*, const CutoffSpec*, int, const Box&, const T*, const T*, \
                                     const T*, const int*, int, int, T, long, int, const CudaNeighborOptions&,  \
                                     T*, T*, T*, int*, std::vector<FrameObservables>&, double*,                 \
                                     CudaNeighborListCopy*, const std::function<double(double)>&);
#define NOETHER_PHYSICS_CUDA_PAIR_MLP(T)                                                                   \
  template void cuda_mlp_accelerations<T>(const MlpShape&, const T*, const PairScaling&, const T*,        \
                                          const T*, T*, int, int, int);                                    \
  template void cuda_mlp_potential_energy<T>(const MlpShape&, const T*, const PairScaling&, const T*,     \
                                             const T*, T*, int, int, int);                                 \
  template double cuda_time_mlp_accelerations<T>(const MlpShape&, const T*, const PairScaling&, const T*, \
                                                 const T*, int, int, int, int);

}  // namespace noether
