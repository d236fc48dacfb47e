// core/cuda_check.cuh — NOETHER_CUDA_CHECK: every CUDA runtime call and every kernel launch goes through it.
// A failure throws noether::Error naming file:line, the failing expression and cudaGetErrorString.
#pragma once
#include <cuda_runtime.h>

#include "cuda_layer.cuh"
#include "noether/core/error.hpp"

/// Evaluate a cudaError_t expression; throw noether::Error if it is not cudaSuccess.
#define NOETHER_CUDA_CHECK(expr)                                                                   \
  do {                                                                                             \
    const cudaError_t noether_cuda_err_ = (expr);                                                  \
    if (noether_cuda_err_ != cudaSuccess)                                                          \
      NOETHER_FAIL("CUDA error at " << __FILE__ << ":" << __LINE__ << ": " #expr " failed: "       \
                                    << cudaGetErrorName(noether_cuda_err_) << ": "                 \
                                    << cudaGetErrorString(noether_cuda_err_));                     \
  } while (0)

/// Check the launch that was just enqueued (bad configuration, missing kernel image, sticky errors).
#define NOETHER_CUDA_CHECK_LAUNCH() NOETHER_CUDA_CHECK(cudaGetLastError())
