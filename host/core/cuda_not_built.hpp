// core/cuda_not_built.hpp — the one error of every host/<module>/cuda_stand_in.cpp: the GPU function `fn`
// was called in a build configured without CUDA.
#pragma once
#include "noether/core/error.hpp"

namespace noether {

/// Throws noether::Error: "<fn>: CUDA backend not built (…reconfigure with nvcc and -DNOETHER_ENABLE_CUDA=ON)".
[[noreturn]] inline void cuda_not_built(const char* fn) {
  NOETHER_FAIL(fn << ": CUDA backend not built (this noether was configured without CUDA; "
                  << "reconfigure with nvcc available and -DNOETHER_ENABLE_CUDA=ON)");
}

}  // namespace noether
