// nn/packed_gemm.cpp — nn/packed_gemm.hpp's packing and the AVX-512 register-tile product. A tile is 8 rows × one
// strip of 3 vectors (24 columns): 24 accumulator vectors, three B vectors loaded per k and one broadcast of A per
// row, so per k 24 FMAs against 3 loads and 8 broadcasts (the two FMA ports are the bound; the strip, K·24 doubles,
// stays in L1 while the tiles of the block's rows pass over it). N's last columns go in strips of 2 vectors rather
// than a strip of 1 (8 FMA chains would wait on the FMA latency).
#include "nn/packed_gemm.hpp"

#include <algorithm>

#include "noether/core/error.hpp"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace noether {
namespace {

/// Vectors of 8 columns in the next strip when `left` vectors remain: 3, except 2 + 2 for the last 4 (never a strip
/// of 1 after others), and what is left below 3.
int strip_vectors(int left) { return left == 4 ? 2 : std::min(left, 3); }

}  // namespace

PackedB pack_b(const double* src, std::ptrdiff_t sk, std::ptrdiff_t sj, int K, int N, std::vector<double>& buf) {
  NOETHER_REQUIRE(K >= 1 && N >= 1, "pack_b: K and N must be >= 1, got " << K << " and " << N);
  const int vectors = (N + 7) / 8;
  const std::size_t size = std::size_t(vectors) * 8 * std::size_t(K);
  if (buf.size() < size) buf.resize(size);
  for (int j0 = 0, left = vectors; left > 0;) {
    const int V = strip_vectors(left), width = 8 * V, w = std::min(width, N - j0);
    double* dst = buf.data() + std::size_t(j0) * K;
    for (int k = 0; k < K; ++k) {
      double* d = dst + std::size_t(k) * width;
      const double* row = src + std::ptrdiff_t(k) * sk + std::ptrdiff_t(j0) * sj;
      for (int j = 0; j < w; ++j) d[j] = row[std::ptrdiff_t(j) * sj];
      for (int j = w; j < width; ++j) d[j] = 0;
    }
    j0 += width;
    left -= V;
  }
  return PackedB{K, N, buf.data()};
}

#if defined(__AVX512F__)

namespace {

/// C rows [0, R) × one strip's 8·V columns (the last vector's store masked by `last`):
///   C[i][j] = Σ_k A[i·lda + k] B[k][j] (+ bias[j]), one FMA chain over k = 0, 1, …, K − 1 from 0, then one rounded add;
/// B's rows 8·V apart (a packed strip, zero past N, so its loads are never masked).
template <int R, int V>
inline void tile(const double* A, std::size_t lda, int K, const double* B, const double* bias, double* C,
                 std::size_t ldc, __mmask8 last) {
  __m512d acc[R][V];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) acc[r][v] = _mm512_setzero_pd();
  for (int k = 0; k < K; ++k) {
    const double* b = B + std::size_t(k) * (8 * V);
    __m512d bv[V];
    for (int v = 0; v < V; ++v) bv[v] = _mm512_loadu_pd(b + 8 * v);
    for (int r = 0; r < R; ++r) {
      const __m512d a = _mm512_set1_pd(A[std::size_t(r) * lda + std::size_t(k)]);
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_fmadd_pd(a, bv[v], acc[r][v]);
    }
  }
  for (int r = 0; r < R; ++r) {
    double* c = C + std::size_t(r) * ldc;
    for (int v = 0; v < V; ++v) {
      const __mmask8 mask = v + 1 == V ? last : __mmask8(0xFF);
      __m512d x = acc[r][v];
      if (bias) x = _mm512_add_pd(x, _mm512_maskz_loadu_pd(mask, bias + 8 * v));
      _mm512_mask_storeu_pd(c + 8 * v, mask, x);
    }
  }
}

/// Rows [0, m) of C over one strip: tiles of 8 rows, then the remaining rows.
template <int V>
void strip_rows(int m, const double* A, std::size_t lda, int K, const double* B, const double* bias, double* C,
                std::size_t ldc, __mmask8 last) {
  int i = 0;
  for (; i + 8 <= m; i += 8) tile<8, V>(A + std::size_t(i) * lda, lda, K, B, bias, C + std::size_t(i) * ldc, ldc, last);
  const double* a = A + std::size_t(i) * lda;
  double* c = C + std::size_t(i) * ldc;
  switch (m - i) {
    case 7: return tile<7, V>(a, lda, K, B, bias, c, ldc, last);
    case 6: return tile<6, V>(a, lda, K, B, bias, c, ldc, last);
    case 5: return tile<5, V>(a, lda, K, B, bias, c, ldc, last);
    case 4: return tile<4, V>(a, lda, K, B, bias, c, ldc, last);
    case 3: return tile<3, V>(a, lda, K, B, bias, c, ldc, last);
    case 2: return tile<2, V>(a, lda, K, B, bias, c, ldc, last);
    case 1: return tile<1, V>(a, lda, K, B, bias, c, ldc, last);
    default: return;
  }
}

}  // namespace

bool packed_gemm_available() { return true; }

void gemm_rows(int m, const double* A, std::size_t lda, const PackedB& B, const double* bias, double* C,
               std::size_t ldc) {
  const int K = B.K, N = B.N;
  for (int j0 = 0, left = (N + 7) / 8; left > 0;) {
    const int V = strip_vectors(left), w = std::min(8 * V, N - j0), tail = w - 8 * (V - 1);
    const __mmask8 last = __mmask8((1u << tail) - 1);
    const double* strip = B.data + std::size_t(j0) * K;
    const double* b = bias ? bias + j0 : nullptr;
    double* c = C + j0;
    if (V == 3)
      strip_rows<3>(m, A, lda, K, strip, b, c, ldc, last);
    else if (V == 2)
      strip_rows<2>(m, A, lda, K, strip, b, c, ldc, last);
    else
      strip_rows<1>(m, A, lda, K, strip, b, c, ldc, last);
    j0 += 8 * V;
    left -= V;
  }
}

#else

bool packed_gemm_available() { return false; }

void gemm_rows(int, const double*, std::size_t, const PackedB&, const double*, double*, std::size_t) {
  NOETHER_REQUIRE(false, "gemm_rows: this build has no AVX-512 (packed_gemm_available() is false)");
}

#endif

}  // namespace noether
