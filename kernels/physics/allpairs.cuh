// physics/allpairs.cuh — the shared-memory tiled all-pairs kernel (GPU twin of accelerations_cpu and
// potential_energy_cpu in physics/forces.hpp), after GPU Gems 3, ch. 31 ("Fast N-Body Simulation with CUDA").
//
//   grid  = (ceil(N / T), min(B, 65535)),   block = T threads,  T = min(kMaxTile, N rounded up to 32)
//   thread (x, y) owns particle i = x·T + threadIdx.x of trajectory b = y (+ k·gridDim.y) and sums
//   ITS OWN force over j = 0, 1, …, N−1 in order, skipping j = i — the same order as the CPU loop;
//   nothing is shared between threads' accumulators, so there are no atomics and every run is
//   bitwise deterministic.
//
// Positions and masses of j are staged in shared memory one tile of T particles at a time; every
// thread of the block (including those with i ≥ N, which own no particle) helps load the tile, and
// no thread returns before the last __syncthreads. A law with parameters too large to pass by value
// (the pair MLP) first copies them into dynamic shared memory (physics/law_staging.cuh).
//
// FLOPs per interaction, counted per line in the kernel as in GPU Gems 3 (an FMA is 2 FLOPs):
//   d = qi − qj          D
//   r2 = Σ d²            2D
//   law.eval             see physics/pair_laws.hpp; gravity is counted as 20 FLOPs for the whole interaction
//   f += f_over_r · d    2D
// plus, per particle i, D divides by m_i once all j are summed.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

#include "core/cuda_check.cuh"
#include "physics/law_staging.cuh"
#include "noether/core/error.hpp"
#include <vector>

#include "core/device_util.cuh"
#include "noether/physics/pair_laws.hpp"

namespace noether {
namespace cuda {

/// Widest tile (= most threads per block) of the all-pairs kernel.
constexpr int kMaxTile = 128;

/// Threads per block (= tile width) for N particles: a multiple of 32, at most kMaxTile.
inline int allpairs_threads(int N) {
  const int t = ((N + 31) / 32) * 32;
  return t < kMaxTile ? (t < 32 ? 32 : t) : kMaxTile;
}

/// acc (B, N, D) ← a_i = (1/m_i) Σ_{j≠i} f_over_r(r_ij)(q_i − q_j)   when kAcc;
/// pot (B, N)    ← u_i = ½ Σ_{j≠i} V(r_ij), summed in float64        when kPot.
/// Σ_i u_i is the potential energy Σ_{i<j} V(r_ij) of the trajectory.
template <typename T, int D, class Law, bool kAcc, bool kPot>
__global__ void __launch_bounds__(kMaxTile)
    allpairs_kernel(const Law law_arg, const T* __restrict__ pos, const T* __restrict__ mass, T* __restrict__ acc,
                    double* __restrict__ pot, int B, int N) {
  __shared__ T sh_q[kMaxTile * D];  // tile of positions of j
  __shared__ T sh_m[kMaxTile];      // tile of masses of j
  NOETHER_DYNAMIC_SHARED(unsigned char, sh_law);  // SharedStaging<Law>::bytes(law_arg) bytes
  const Law law = SharedStaging<Law>::stage(law_arg, sh_law);  // every thread, before any divergence
  const int tile = blockDim.x;      // <= kMaxTile, set by the launcher
  const int t = threadIdx.x;
  const int i = blockIdx.x * tile + t;
  const bool active = i < N;  // threads past N own nothing but still load tiles and sync

  for (int b = blockIdx.y; b < B; b += gridDim.y) {  // uniform across the block
    const T* q = pos + std::size_t(b) * N * D;
    const T* m = mass + std::size_t(b) * N;

    T qi[D];
    T mi = T(1);
#pragma unroll
    for (int c = 0; c < D; ++c) qi[c] = active ? q[std::size_t(i) * D + c] : T(0);
    if (active) mi = m[i];

    T f[D];
#pragma unroll
    for (int c = 0; c < D; ++c) f[c] = T(0);
    double u = 0.0;

    for (int j0 = 0; j0 < N; j0 += tile) {
      // Stage tile [j0, j0 + tile): guarded load, one particle per thread.
      const int jl = j0 + t;
      if (jl < N) {
#pragma unroll
        for (int c = 0; c < D; ++c) sh_q[t * D + c] = q[std::size_t(jl) * D + c];
        sh_m[t] = m[jl];
      }
      __syncthreads();

      const int len = (N - j0) < tile ? (N - j0) : tile;
      if (active) {
#pragma unroll 4
        for (int k = 0; k < len; ++k) {
          if (j0 + k == i) continue;  // no self-interaction (as the CPU loop)
          T d[D];
          T r2 = T(0);
#pragma unroll
          for (int c = 0; c < D; ++c) {
            d[c] = qi[c] - sh_q[k * D + c];  // [1 FLOP]  per component
            r2 += d[c] * d[c];               // [2 FLOPs] per component (FMA)
          }
          T V, f_over_r;
          law.eval(r2, mi, sh_m[k], V, f_over_r);  // [law; gravity counted as 20 per interaction]
          if constexpr (kAcc) {
#pragma unroll
            for (int c = 0; c < D; ++c) f[c] += f_over_r * d[c];  // [2 FLOPs] per component (FMA)
          }
          if constexpr (kPot) u += double(V);  // [1 FLOP, float64]
        }
      }
      __syncthreads();  // the tile is overwritten next iteration
    }

    if (active) {
      if constexpr (kAcc) {
#pragma unroll
        for (int c = 0; c < D; ++c) acc[(std::size_t(b) * N + i) * D + c] = f[c] / mi;  // [1 div] per comp.
      }
      if constexpr (kPot) pot[std::size_t(b) * N + i] = 0.5 * u;
    }
  }
}

/// Launch allpairs_kernel<T, D, Law, kAcc, kPot> for any law on `stream` (device pointers as in
/// allpairs_kernel), with the dynamic shared memory the law stages; checks the launch. Throws
/// noether::Error when the law's parameters do not fit in the device's shared memory per block.
template <typename T, int D, class Law, bool kAcc, bool kPot>
void launch_allpairs_law(const Law& law, const T* pos, const T* mass, T* acc, double* pot, int B, int N,
                         cudaStream_t stream) {
  const int threads = allpairs_threads(N);
  const dim3 block{unsigned(threads)};
  const dim3 grid{unsigned((N + threads - 1) / threads), unsigned(B < 65535 ? B : 65535)};
  const std::size_t smem = SharedStaging<Law>::bytes(law);
  constexpr std::size_t kDefaultDynamicSmem = 48 * 1024;  // more needs an explicit opt-in per kernel
  if (smem > kDefaultDynamicSmem) {
    int dev = 0, optin = 0;
    NOETHER_CUDA_CHECK(cudaGetDevice(&dev));
    NOETHER_CUDA_CHECK(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    const std::size_t static_smem = sizeof(T) * kMaxTile * (D + 1);
    NOETHER_REQUIRE(smem + static_smem <= std::size_t(optin),
                    "all-pairs kernel: the pair law's parameters need " << smem << " bytes of shared memory, "
                        << "more than the " << (std::size_t(optin) - static_smem)
                        << " bytes a block can have on this device; use a smaller model or float32");
    NOETHER_CUDA_CHECK(cudaFuncSetAttribute(allpairs_kernel<T, D, Law, kAcc, kPot>,
                                            cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
  }
  NOETHER_LAUNCH(grid, block, smem, stream, allpairs_kernel<T, D, Law, kAcc, kPot>)(law, pos, mass, acc, pot, B, N);
  NOETHER_CUDA_CHECK_LAUNCH();
}

/// Launch the all-pairs kernel for the law, dimension and outputs asked for, on `stream`.
/// Device pointers: pos (B, N, D), mass (B, N); acc (B, N, D) written unless null; pot (B, N) written
/// unless null (at least one of them non-null); learned_params: a Learned law's parameters (P) or a
/// Tabulated law's coefficients (6·n) in T on the device (LawParams below), null for analytic laws.
/// Checks the launch.
template <typename T>
void launch_allpairs(const PairLawSpec& law, const T* pos, const T* mass, T* acc, double* pot, int B, int N, int D,
                     cudaStream_t stream, const T* learned_params = nullptr);

/// A law's parameter buffer converted to T and copied to the device ("law parameters on the device"):
/// a Learned law's flat MLP parameters, or a Tabulated law's 6·n quintic coefficients (read in the
/// kernel through the read-only data cache, not staged). Nothing for analytic laws.
template <typename T>
class LawParams {
 public:
  explicit LawParams(const PairLawSpec& law) : buf_(host_values(law).size()) {
    if (buf_.size() == 0) return;
    const std::vector<double>& src = host_values(law);
    const std::vector<T> p(src.begin(), src.end());
    NOETHER_CUDA_CHECK(cudaMemcpy(buf_.get(), p.data(), buf_.bytes(), cudaMemcpyHostToDevice));
  }
  const T* get() const { return buf_.get(); }

 private:
  static const std::vector<double>& host_values(const PairLawSpec& law) {
    static const std::vector<double> none;
    if (law.kind == PotentialKind::Learned && law.learned) return law.learned->params;
    if (law.kind == PotentialKind::Tabulated && law.table) return law.table->coef;
    return none;
  }
  DeviceBuffer<T> buf_;
};

}  // namespace cuda
}  // namespace noether
