// physics/verlet_kernels.cuh — the element-wise velocity-Verlet kernels shared by the open-space rollout
// (physics/rollout.cu) and the periodic bulk stepper (physics/bulk_forces.cu): grid-stride loops over the n = B·N·D
// coordinates, each the CPU loop's expression (physics/verlet.hpp), so the GPU rounds as the CPU does.
#pragma once
#include <cstddef>

namespace noether {
namespace cuda {

/// Threads per block of the element-wise Verlet kernels.
constexpr int kVerletThreads = 256;

/// q += v dt + ½ a dt²   (the drift that opens a step; q, v, a: (n))
template <typename T>
__global__ void verlet_drift_kernel(T* __restrict__ q, const T* __restrict__ v, const T* __restrict__ a, T dt,
                                    std::size_t n) {
  for (std::size_t k = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; k < n;
       k += std::size_t(gridDim.x) * blockDim.x)
    q[k] += v[k] * dt + T(0.5) * a[k] * dt * dt;
}

/// v += ½ (a_old + a) dt   (the kick that closes a step; v, a_old, a: (n))
template <typename T>
__global__ void verlet_kick_kernel(T* __restrict__ v, const T* __restrict__ a_old, const T* __restrict__ a, T dt,
                                   std::size_t n) {
  for (std::size_t k = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; k < n;
       k += std::size_t(gridDim.x) * blockDim.x)
    v[k] += T(0.5) * (a_old[k] + a[k]) * dt;
}

/// v += ½ (a_old + a) dt, then q += v dt + ½ a dt²   (the kick of one step fused with the next drift; q, v, a_old, a: (n))
template <typename T>
__global__ void verlet_kick_drift_kernel(T* __restrict__ q, T* __restrict__ v, const T* __restrict__ a_old,
                                         const T* __restrict__ a, T dt, std::size_t n) {
  for (std::size_t k = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; k < n;
       k += std::size_t(gridDim.x) * blockDim.x) {
    const T ak = a[k];
    const T vk = v[k] + T(0.5) * (a_old[k] + ak) * dt;
    v[k] = vk;
    q[k] += vk * dt + T(0.5) * ak * dt * dt;
  }
}

}  // namespace cuda
}  // namespace noether
