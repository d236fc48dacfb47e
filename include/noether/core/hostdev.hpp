// core/hostdev.hpp — NOETHER_HOSTDEV marks code compiled for both the CPU and CUDA devices.
#pragma once
#if defined(__CUDACC__)
#define NOETHER_HOSTDEV __host__ __device__ __forceinline__
#else
#define NOETHER_HOSTDEV inline
#endif
