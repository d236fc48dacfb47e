// nn/mlp_init.hpp — seeded, library-independent initialisation of an MLP's flat parameter buffer.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "noether/core/rng.hpp"
#include "noether/core/error.hpp"
#include "noether/nn/mlp_layout.hpp"

namespace noether {

/// Glorot-uniform weights W_l[o,i] ~ U(±√(6/(d_{l−1}+d_l))), zero biases, drawn in layout order from
/// SplitMix64(seed); p is resized to shape.parameter_count().
inline void glorot_uniform_init(const MlpShape& shape, std::uint64_t seed, std::vector<double>& p) {
  p.assign(shape.parameter_count(), 0.0);
  SplitMix64 rng{seed};
  for (int l = 1; l <= shape.layers(); ++l) {
    const int in = shape.widths[l - 1], out = shape.widths[l];
    const double a = std::sqrt(6.0 / double(in + out));
    double* W = p.data() + shape.weight_offset(l);
    for (int k = 0; k < in * out; ++k) W[k] = a * (2 * rng.uniform() - 1);
  }
}

/// W (rows, cols) row-major ← orthogonal like torch.nn.init.orthogonal_ (gain 1): A (m, k) with entries
/// N(0, 1) from `normal` (m = max(rows, cols), k = min), its columns orthonormalised in order (modified
/// Gram–Schmidt = QR with diag(R) > 0, i.e. QR and PyTorch's sign fix); W = Q, or Qᵀ when rows < cols.
/// So W Wᵀ = I (rows <= cols) or Wᵀ W = I (rows >= cols). [≈ 2·m·k² FLOPs]
template <typename Normal>
void orthogonal_init(int rows, int cols, Normal&& normal, double* W) {
  const int m = rows > cols ? rows : cols, k = rows > cols ? cols : rows;
  std::vector<double> A(std::size_t(m) * k);  // column j at A[j·m …]
  for (double& a : A) a = normal();
  for (int j = 0; j < k; ++j) {
    double* a = A.data() + std::size_t(j) * m;
    for (int i = 0; i < j; ++i) {
      const double* e = A.data() + std::size_t(i) * m;
      double dot = 0;
      for (int r = 0; r < m; ++r) dot += e[r] * a[r];
      for (int r = 0; r < m; ++r) a[r] -= dot * e[r];
    }
    double nrm = 0;
    for (int r = 0; r < m; ++r) nrm += a[r] * a[r];
    nrm = std::sqrt(nrm);
    NOETHER_ASSERT(nrm > 0);
    for (int r = 0; r < m; ++r) a[r] /= nrm;
  }
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j)
      W[std::size_t(i) * cols + j] = rows >= cols ? A[std::size_t(j) * m + i] : A[std::size_t(i) * m + j];
}

}  // namespace noether
