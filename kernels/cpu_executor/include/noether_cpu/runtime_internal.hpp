// noether_cpu/runtime_internal.hpp — what the executor's runtime (runtime.cpp) shares with its launcher
// (executor.cpp) and its cuBLAS / CUB stand-ins. Not for kernels.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <string>

namespace noether_cpu {

constexpr unsigned kMaxThreadsPerBlock = 1024;
constexpr std::size_t kDefaultDynamicSmem = 48 * 1024;      // without the opt-in
constexpr std::size_t kMaxDynamicSmemOptin = 227 * 1024;    // sm_90 cudaDevAttrMaxSharedMemoryPerBlockOptin

/// A launch that did not start (bad configuration): cudaGetLastError returns `code`; the detail is in
/// cudaGetErrorString's text until the next error.
void set_launch_error(cudaError_t code, const std::string& detail);
/// A kernel that failed while running: returned by cudaGetLastError and by the next synchronisation.
void set_execution_error(cudaStream_t stream, cudaError_t code, const std::string& detail);
/// True after an error that poisons the context (none of the executor's errors do; kept for symmetry).
bool has_sticky_error();
/// Dynamic shared memory the kernel may request (48 KiB unless raised by cudaFuncSetAttribute).
std::size_t max_dynamic_smem(const void* func);
/// True for the null stream and for streams created and not yet destroyed.
bool stream_valid(cudaStream_t stream);

}  // namespace noether_cpu
