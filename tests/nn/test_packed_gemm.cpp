// nn/test_packed_gemm.cpp — the MLP's packed row-block product (host/nn/packed_gemm.hpp) against its formula: every
// value C[i][j] is the fused multiply-add chain Σ_k A[i][k] B[k][j] over k = 0, 1, …, K − 1 from 0, plus the bias
// with one rounding — bitwise, for shapes that cover every strip width (3, 2 and 1 vectors, masked tails), every
// remainder of rows below the 8-row tile, strides past the matrix width, and both packings of a weight matrix (W and
// Wᵀ). Also against long double to show the chain is the accurate sum it should be.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "nn/packed_gemm.hpp"

using namespace noether;

namespace {

std::vector<double> random_values(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

/// One case: A (m, K) with row stride lda = K + pad, B (K, N) read from src with strides (sk, sj), C with row stride
/// N + pad; compares every value (and that the padding of C is untouched).
void check(int m, int K, int N, bool with_bias, bool transposed_source, int pad, unsigned seed) {
  const std::size_t lda = std::size_t(K + pad), ldc = std::size_t(N + pad);
  const auto A = random_values(std::size_t(m) * lda, seed);
  // transposed_source: src is W (N, K) row-major and B = Wᵀ (sk = 1, sj = K); else src is B (K, N) itself.
  const auto src = random_values(std::size_t(K) * N, seed + 1);
  const std::ptrdiff_t sk = transposed_source ? 1 : N, sj = transposed_source ? K : 1;
  const auto bias = random_values(std::size_t(N), seed + 2);
  std::vector<double> buf;
  const PackedB B = pack_b(src.data(), sk, sj, K, N, buf);
  constexpr double kSentinel = 12345.0;
  std::vector<double> C(std::size_t(m) * ldc, kSentinel);
  gemm_rows(m, A.data(), lda, B, with_bias ? bias.data() : nullptr, C.data(), ldc);
  long double worst = 0;
  int wrong = 0;
  for (int i = 0; i < m; ++i)
    for (std::size_t j = 0; j < ldc; ++j) {
      const double got = C[std::size_t(i) * ldc + j];
      if (j >= std::size_t(N)) {
        wrong += got != kSentinel;
        continue;
      }
      double acc = 0;
      long double exact = 0;
      for (int k = 0; k < K; ++k) {
        const double b = src[std::size_t(k) * sk + j * sj];
        acc = std::fma(A[std::size_t(i) * lda + k], b, acc);
        exact += static_cast<long double>(A[std::size_t(i) * lda + k]) * b;
      }
      if (with_bias) {
        acc = acc + bias[j];
        exact += bias[j];
      }
      wrong += got != acc;
      worst = std::max(worst, std::abs(static_cast<long double>(got) - exact));
    }
  EXPECT_EQ(wrong, 0) << "m " << m << " K " << K << " N " << N << (with_bias ? " bias" : "")
                      << (transposed_source ? " from Wᵀ" : " from W") << " pad " << pad;
  EXPECT_LT(static_cast<double>(worst), 1e-13 * K) << "m " << m << " K " << K << " N " << N;
}

}  // namespace

TEST(PackedGemm, EveryValueIsItsFmaChainForEveryStripAndRowRemainder) {
  if (!packed_gemm_available()) GTEST_SKIP() << "no AVX-512 in this build: the MLP uses Eigen's products";
  unsigned seed = 1;
  for (int N : {1, 2, 7, 8, 9, 16, 17, 24, 25, 31, 32, 33, 40, 41, 48, 56, 200})
    for (int m : {1, 3, 7, 8, 9, 15, 16, 17, 64})
      for (int K : {1, 2, 5, 33}) check(m, K, N, (m + N) % 2 == 0, (m + K + N) % 2 == 1, (N % 3), seed += 3);
  check(64, 200, 200, true, true, 0, 7);    // the HNN's hidden layer, forward (Wᵀ)
  check(64, 200, 200, false, false, 0, 8);  // and its input gradient (W)
  check(30, 200, 2, false, false, 5, 9);    // a first layer's input gradient (N = 2)
  check(30, 2, 200, true, true, 0, 10);     // and its forward (K = 2)
}

TEST(PackedGemm, PackingRejectsAnEmptyMatrix) {
  std::vector<double> buf;
  const double x = 1;
  EXPECT_THROW(pack_b(&x, 1, 1, 0, 1, buf), std::exception);
  EXPECT_THROW(pack_b(&x, 1, 1, 1, 0, buf), std::exception);
}
