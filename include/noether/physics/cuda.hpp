// physics/cuda.hpp — the physics driver functions of the CUDA backend (kernels/physics/*.cu).
// Plain pointers to HOST memory in and out; device memory, streams and kernels stay inside kernels/.
// In a build without CUDA (or on a machine without a usable GPU) cuda_device_available() is false
// and every other function throws noether::Error.
#pragma once
#include <string>

#include "noether/core/device.hpp"
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
#define NOETHER_PHYSICS_CUDA_PAIR_MLP(T)                                                                   \
  template void cuda_mlp_accelerations<T>(const MlpShape&, const T*, const PairScaling&, const T*,        \
                                          const T*, T*, int, int, int);                                    \
  template void cuda_mlp_potential_energy<T>(const MlpShape&, const T*, const PairScaling&, const T*,     \
                                             const T*, T*, int, int, int);                                 \
  template double cuda_time_mlp_accelerations<T>(const MlpShape&, const T*, const PairScaling&, const T*, \
                                                 const T*, int, int, int, int);

}  // namespace noether
