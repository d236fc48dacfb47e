// nn/packed_gemm.hpp — the row-block matrix product of the CPU MLP: C (m, N) = A (m, K) B + b with B packed once
// (per call of the MLP) into strips of columns, so the products of every row block share one packing instead of
// Eigen packing the weight matrix again for each block. float64 with AVX-512 (the native build on x86); elsewhere
// packed_gemm_available() is false and the MLP uses Eigen. Host-only.
#pragma once
#include <cstddef>
#include <vector>

namespace noether {

/// B (K, N) packed for gemm_rows (a view of the buffer pack_b filled): in strips of 8·V columns (V = 3, the last ones
/// 2 or 1, nn/packed_gemm.cpp); the strip from column j0 holds B[k][j0 + j] at data[j0·K + k·8V + j], zero past N.
struct PackedB {
  int K = 0, N = 0;
  const double* data = nullptr;
};

/// True where gemm_rows is compiled (AVX-512F): the MLP's products use it; false: they use Eigen.
bool packed_gemm_available();

/// out = B (K, N) with B[k][j] = src[k·sk + j·sj] — e.g. W (d_out, d_in) row-major as Wᵀ (K = d_in, N = d_out):
/// sk = 1, sj = d_in; as W (K = d_out, N = d_in): sk = d_in, sj = 1. Packs into buf (grown as needed; it only grows)
/// and returns the view, valid while buf is neither resized nor freed.
PackedB pack_b(const double* src, std::ptrdiff_t sk, std::ptrdiff_t sj, int K, int N, std::vector<double>& buf);

/// C[i][j] = Σ_k A[i][k] B[k][j] (+ bias[j] when bias is not nullptr), for i < m, j < B.N; A (m, B.K) with row
/// stride lda, C (m, B.N) with row stride ldc. Each value is one fused multiply-add chain over k = 0, 1, …, K − 1 from
/// 0 (then one rounded add of the bias), so it does not depend on m, on the row's place in the block or on the
/// machine's thread count. [2·m·K·N FLOPs]  Requires packed_gemm_available().
void gemm_rows(int m, const double* A, std::size_t lda, const PackedB& B, const double* bias, double* C,
               std::size_t ldc);

}  // namespace noether
