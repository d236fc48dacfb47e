// cub/device/device_reduce.cuh — the CPU executor's cub::DeviceReduce::Sum (NOETHER_CUDA_ON_CPU builds only).
// Same two-phase protocol as CUB: with d_temp_storage == nullptr only temp_storage_bytes is set; otherwise
// the sum of num_items inputs (0 for none) is written to *d_out on `stream`. The inputs are summed in order
// in the input value type.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <iterator>

#include "noether_cpu/runtime_internal.hpp"

namespace cub {

struct DeviceReduce {
  static constexpr std::size_t kTempBytes = 16;

  template <typename InputIt, typename OutputIt>
  static cudaError_t Sum(void* d_temp_storage, std::size_t& temp_storage_bytes, InputIt d_in, OutputIt d_out,
                         int num_items, cudaStream_t stream = nullptr, bool /*debug_synchronous*/ = false) {
    if (d_temp_storage == nullptr) {
      temp_storage_bytes = kTempBytes;
      return cudaSuccess;
    }
    if (temp_storage_bytes < kTempBytes || num_items < 0) return cudaErrorInvalidValue;
    if (!noether_cpu::stream_valid(stream)) return cudaErrorInvalidResourceHandle;
    using V = typename std::iterator_traits<InputIt>::value_type;
    V s = V(0);
    for (int i = 0; i < num_items; ++i) s += d_in[i];
    *d_out = s;
    return cudaSuccess;
  }
};

}  // namespace cub
