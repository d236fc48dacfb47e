// nn/eigen_maps.hpp — the Eigen views the CPU MLP code uses over noether's flat row-major buffers:
// matrices (n, d) and row vectors (biases), owning or mapped, mutable or const; and the pinned GEMM blocking
// that makes their products round the same way on every machine. Host-only (includes Eigen).
#pragma once
#include <Eigen/Core>

#include <cstddef>

namespace noether {
namespace eigen_maps {

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using MapM = Eigen::Map<Mat<T>>;
template <typename T>
using CMapM = Eigen::Map<const Mat<T>>;
template <typename T>
using Vec = Eigen::Matrix<T, 1, Eigen::Dynamic>;  // a row vector (bias)
template <typename T>
using MapV = Eigen::Map<Vec<T>>;
template <typename T>
using CMapV = Eigen::Map<const Vec<T>>;

/// Eigen picks the blocking of its matrix products — and with it the order in which every dot product is
/// summed — from the L1/L2/L3 cache sizes it reads off the CPU at run time. The same binary then rounds
/// differently on different machines, and chaotic training amplifies that: on the HNN mass-spring task a
/// relative change of 1e-15 in the initial weights moves a seed's energy MSE by 3%, 1e-12 by 76%, and an AMD
/// EPYC's cache sizes (L1 32 KiB, L2 1 MiB) instead of an Intel Xeon's (48 KiB, 2 MiB) turned seed 1's
/// 3.4e-4 into 3.0e-3 (docs/HNN.md). Pinning the sizes Eigen plans with makes a build's results
/// machine-independent (the kernels themselves still follow the build's SIMD level). The constants are
/// those of a common x86 server core (L1d 32 KiB, L2 1 MiB, L3 32 MiB); they are a choice, not a measurement.
/// Called once per process before any product (the static initialisers of the files that multiply).
inline bool pin_eigen_blocking() {
  static const bool pinned = [] {
    Eigen::setCpuCacheSizes(std::ptrdiff_t(32) << 10, std::ptrdiff_t(1) << 20, std::ptrdiff_t(32) << 20);
    return true;
  }();
  return pinned;
}

}  // namespace eigen_maps
}  // namespace noether
