// cuda_layer.cuh — the thin layer every kernel launch and dynamic shared-memory declaration goes through, so
// that the same kernel source compiles to plain CUDA under nvcc and to the CPU executor
// (kernels/cpu_executor/, docs/CUDA_ON_CPU.md) when the build sets NOETHER_CUDA_ON_CPU.
//
//   NOETHER_LAUNCH(grid, block, smem, stream, kernel)(args...)   is   kernel<<<grid, block, smem, stream>>>(args...)
//   NOETHER_DYNAMIC_SHARED(type, name);                          is   extern __shared__ __align__(16) type name[];
//
// The kernel comes last because a template kernel's name may contain commas. Under nvcc both macros expand
// to exactly the tokens they replace: the GPU code is unchanged. Static __shared__ variables need nothing:
// the executor's cuda_runtime.h makes them per-block storage.
#pragma once
#include <cuda_runtime.h>

#if defined(NOETHER_CUDA_ON_CPU)
#include "noether_cpu/launch.hpp"  // kernels/cpu_executor/include: both macros for the CPU executor
#else
#define NOETHER_LAUNCH(grid, block, smem, stream, ...) __VA_ARGS__<<<grid, block, smem, stream>>>
#define NOETHER_DYNAMIC_SHARED(type, name) extern __shared__ __align__(16) type name[]
#endif
