// nn/eigen_maps.hpp — the Eigen views the CPU MLP code uses over noether's flat row-major buffers:
// matrices (n, d) and row vectors (biases), owning or mapped, mutable or const. Host-only (includes Eigen).
#pragma once
#include <Eigen/Core>

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

}  // namespace eigen_maps
}  // namespace noether
