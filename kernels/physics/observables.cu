// physics/observables.cu — device reductions of per-frame observables (see physics/observables.cuh).
#include <cub/block/block_reduce.cuh>

#include <cstddef>

#include "core/cuda_check.cuh"
#include "physics/observables.cuh"

namespace noether {
namespace cuda {
namespace {

constexpr int kReduceThreads = 256;

template <typename T>
__device__ __forceinline__ bool finite_(T x) {
  return isfinite(x);
}

/// One block per trajectory b: per-thread float64 partial sums over i = t, t + 256, … (fixed order),
/// then one cub::BlockReduce per observable.
template <typename T, int D>
__global__ void __launch_bounds__(kReduceThreads)
    frame_observables_kernel(const T* __restrict__ pos, const T* __restrict__ vel, const T* __restrict__ acc,
                             const T* __restrict__ mass, const double* __restrict__ pot, int N,
                             double* __restrict__ out, int* __restrict__ nonfinite) {
  constexpr int A = D == 3 ? 3 : 1;
  constexpr int W = 2 + D + A;
  using Reduce = cub::BlockReduce<double, kReduceThreads>;
  __shared__ typename Reduce::TempStorage tmp;

  const int b = blockIdx.x;
  double s[W];
#pragma unroll
  for (int k = 0; k < W; ++k) s[k] = 0.0;
  int bad = 0;

  for (int i = threadIdx.x; i < N; i += kReduceThreads) {
    const std::size_t p = std::size_t(b) * N + i;
    const std::size_t o = p * D;
    const double m = double(mass[p]);
    double q[3] = {0.0, 0.0, 0.0}, v[3] = {0.0, 0.0, 0.0};
#pragma unroll
    for (int c = 0; c < D; ++c) {
      q[c] = double(pos[o + c]);
      v[c] = double(vel[o + c]);
      bad |= !finite_(pos[o + c]) | !finite_(vel[o + c]) | !finite_(acc[o + c]);
    }
    bad |= !finite_(pot[p]);
    s[0] += 0.5 * m * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);  // K
    s[1] += pot[p];                                               // U = Σ_i ½ Σ_j V
#pragma unroll
    for (int c = 0; c < D; ++c) s[2 + c] += m * v[c];  // P
    const double jz = m * (q[0] * v[1] - q[1] * v[0]);
    if constexpr (A == 3) {
      s[2 + D + 0] += m * (q[1] * v[2] - q[2] * v[1]);
      s[2 + D + 1] += m * (q[2] * v[0] - q[0] * v[2]);
      s[2 + D + 2] += jz;
    } else {
      s[2 + D] += jz;
    }
  }

#pragma unroll
  for (int k = 0; k < W; ++k) {
    const double total = Reduce(tmp).Sum(s[k]);  // valid in thread 0
    if (threadIdx.x == 0) out[std::size_t(b) * W + k] = total;
    __syncthreads();  // tmp is reused by the next reduction
  }
  const int any_bad = __syncthreads_or(bad);
  if (threadIdx.x == 0) nonfinite[b] = any_bad ? 1 : 0;
}

__global__ void __launch_bounds__(kReduceThreads)
    row_sums_kernel(const double* __restrict__ x, int N, double* __restrict__ out) {
  using Reduce = cub::BlockReduce<double, kReduceThreads>;
  __shared__ typename Reduce::TempStorage tmp;
  const int b = blockIdx.x;
  double s = 0.0;
  for (int i = threadIdx.x; i < N; i += kReduceThreads) s += x[std::size_t(b) * N + i];
  const double total = Reduce(tmp).Sum(s);
  if (threadIdx.x == 0) out[b] = total;
}

}  // namespace

template <typename T>
void launch_frame_observables(const T* pos, const T* vel, const T* acc, const T* mass, const double* pot, int B,
                              int N, int D, double* out, int* nonfinite, cudaStream_t stream) {
  NOETHER_ASSERT(D == 2 || D == 3);
  NOETHER_ASSERT(B >= 1 && N >= 1);
  if (D == 3)
    NOETHER_LAUNCH(B, kReduceThreads, 0, stream, frame_observables_kernel<T, 3>)(pos, vel, acc, mass, pot, N, out, nonfinite);
  else
    NOETHER_LAUNCH(B, kReduceThreads, 0, stream, frame_observables_kernel<T, 2>)(pos, vel, acc, mass, pot, N, out, nonfinite);
  NOETHER_CUDA_CHECK_LAUNCH();
}

void launch_row_sums(const double* x, int B, int N, double* out, cudaStream_t stream) {
  NOETHER_ASSERT(B >= 1 && N >= 1);
  NOETHER_LAUNCH(B, kReduceThreads, 0, stream, row_sums_kernel)(x, N, out);
  NOETHER_CUDA_CHECK_LAUNCH();
}

template void launch_frame_observables<float>(const float*, const float*, const float*, const float*, const double*,
                                              int, int, int, double*, int*, cudaStream_t);
template void launch_frame_observables<double>(const double*, const double*, const double*, const double*,
                                               const double*, int, int, int, double*, int*, cudaStream_t);

}  // namespace cuda
}  // namespace noether
