// support/gpu_gate.hpp — the one rule for tests that need a CUDA device: skip cleanly without one, unless
// NOETHER_REQUIRE_GPU=1, in which case the missing device is a failure (the GPU machine's check).
#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "noether/core/device.hpp"

namespace noether_test {

/// True when NOETHER_REQUIRE_GPU=1: GPU tests must run, not skip.
inline bool gpu_required() {
  const char* e = std::getenv("NOETHER_REQUIRE_GPU");
  return e != nullptr && std::string(e) == "1";
}

}  // namespace noether_test

/// First statement of every test that needs a device: skip without one, fail if one is required.
#define NOETHER_NEED_GPU()                                                                                    \
  do {                                                                                                        \
    if (!noether::cuda_device_available()) {                                                                  \
      if (noether_test::gpu_required())                                                                       \
        FAIL() << "NOETHER_REQUIRE_GPU=1 but no CUDA device: " << noether::cuda_device_description();        \
      GTEST_SKIP() << "no CUDA device: " << noether::cuda_device_description();                               \
    }                                                                                                         \
  } while (0)
