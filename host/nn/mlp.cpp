// nn/mlp.cpp — the CPU implementation of nn/mlp.hpp: batched forward, backward, input gradient and double
// backprop of the generic MLP, float64 and float32. Matrix products are Eigen GEMMs over row-major maps
// of the flat parameter buffer and of the tape; activations are element-wise blocks (nn/activation_block.hpp).
// The formulas are in nn/mlp.hpp's header; comments below name the step each block implements.
#include <algorithm>
#include <cstddef>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "nn/activation_block.hpp"
#include "nn/eigen_maps.hpp"
#include "noether/core/error.hpp"
#include "noether/nn/mlp.hpp"

namespace noether {
namespace {

using namespace eigen_maps;

[[maybe_unused]] const bool kEigenBlockingPinned = pin_eigen_blocking();  // before any product here (eigen_maps.hpp)

/// Shape, parameter-count and batch checks shared by every entry point.
void check_call(const char* fn, const MlpShape& shape, std::size_t n_params, int n) {
  shape.validate(fn);
  NOETHER_REQUIRE(n_params == shape.parameter_count(),
                  fn << ": the flat parameter buffer must hold " << shape.parameter_count()
                     << " values for widths of " << shape.widths.size() << " layers, got " << n_params);
  NOETHER_REQUIRE(n >= 1, fn << ": batch size n must be >= 1, got " << n);
}

/// The reverse calls need the tape of a matching forward call.
template <typename T>
void check_tape(const char* fn, const MlpShape& shape, const MlpTape<T>& tape, bool need_input_gradient) {
  NOETHER_REQUIRE(tape.kind != MlpTape<T>::Kind::None, fn << ": the tape is empty; run the forward call first");
  NOETHER_REQUIRE(!need_input_gradient || tape.kind == MlpTape<T>::Kind::InputGradient,
                  fn << ": the tape was recorded by mlp_forward; run mlp_input_gradient first");
  NOETHER_REQUIRE(tape.widths == shape.widths && tape.activation == shape.activation,
                  fn << ": the tape was recorded for a different MLP shape or activation");
}

/// Rows of the batch summed per product in the weight gradients W̄ += Aᵀ B (depth n, the batch). Eigen plans the
/// depth block by the thread count and the ISA, with the cache sizes pinned in eigen_maps.hpp: AVX-512 float64 at most
/// 576 rows with one thread and 320 with more (750 rows: 376 + 374 against 320 + 320 + 110); AVX2 about 248 either way
/// but cut differently. Blocks of 240 rows lie below every such plan, so each is summed whole and W̄ is bitwise the same
/// for any thread count.
constexpr int kBatchDepthBlock = 240;

/// out (dout, din) += Aᵀ B with A (n, dout) and B (n, din) row-major: the batch rows in blocks of kBatchDepthBlock, in
/// order.  [2·n·dout·din FLOPs]
template <typename T>
void add_batch_outer(MapM<T> out, const T* A, const T* B, int n) {
  const Eigen::Index dout = out.rows(), din = out.cols();
  for (int r0 = 0; r0 < n; r0 += kBatchDepthBlock) {
    const int m = std::min(kBatchDepthBlock, n - r0);
    out.noalias() += CMapM<T>(A + std::size_t(r0) * dout, m, dout).transpose() * CMapM<T>(B + std::size_t(r0) * din, m, din);
  }
}

/// Fewest values for which an element-wise pass uses Eigen's thread count (below, a parallel region costs more).
constexpr std::size_t kElementwiseThreadedMin = std::size_t(1) << 16;

/// fn(a, b) over [0, m) in contiguous chunks, one per thread of Eigen's thread count (Eigen::nbThreads(), which
/// EigenThreads sets for the GEMMs): the element-wise passes between the products (activations, S1 ⊙ A, the tangent
/// and reverse updates), which ran on one thread while the GEMMs used two. Chunk starts are multiples of 64 values, so
/// every chunk's loop runs whole vectors from an aligned offset as the single-thread loop does, and each value is
/// computed by itself: bitwise the same result for any thread count (Mlp.*Bitwise* tests).
template <typename Fn>
void elementwise(std::size_t m, Fn&& fn) {
#ifdef _OPENMP
  const int threads = Eigen::nbThreads();
  if (threads > 1 && m >= kElementwiseThreadedMin && !omp_in_parallel()) {
#pragma omp parallel num_threads(threads)
    {
      const std::size_t t = std::size_t(omp_get_thread_num()), nt = std::size_t(omp_get_num_threads());
      const std::size_t a = t == 0 ? 0 : m * t / nt / 64 * 64, b = t + 1 == nt ? m : m * (t + 1) / nt / 64 * 64;
      if (a < b) fn(a, b);
    }
    return;
  }
#endif
  fn(std::size_t(0), m);
}

/// fn(k0, k1, c0) over the values [a, b) of a row-major (·, width) array, one call per row piece: k0..k1 are flat
/// indices, c0 the column of k0 (so a row vector v is read as v[c0 + (k − k0)]).
template <typename Fn>
void row_pieces(std::size_t a, std::size_t b, std::size_t width, Fn&& fn) {
  for (std::size_t k = a; k < b;) {
    const std::size_t c0 = k % width, k1 = std::min(b, k + (width - c0));
    fn(k, k1, c0);
    k = k1;
  }
}

template <typename T>
CMapM<T> weight(const MlpShape& s, const T* p, int l) {
  return CMapM<T>(p + s.weight_offset(l), s.widths[l], s.widths[l - 1]);
}
template <typename T>
CMapV<T> bias(const MlpShape& s, const T* p, int l) {
  return CMapV<T>(p + s.bias_offset(l), s.widths[l]);
}

/// Size the tape for batch n; buffers only grow, so a reused tape stops allocating.
template <typename T>
void prepare_tape(const MlpShape& shape, int n, MlpTape<T>& tape, bool input_gradient) {
  const int L = shape.layers();
  tape.kind = MlpTape<T>::Kind::None;  // until the forward call completes
  tape.n = n;
  tape.widths = shape.widths;
  tape.activation = shape.activation;
  auto fit = [](std::vector<T>& v, std::size_t size) {
    if (v.size() < size) v.resize(size);
  };
  tape.h.resize(std::size_t(L));
  tape.s1.resize(std::size_t(L));
  tape.s2.resize(std::size_t(L));
  for (int l = 0; l < L; ++l) fit(tape.h[l], std::size_t(n) * shape.widths[l]);
  for (int l = 1; l < L; ++l) fit(tape.s1[l], std::size_t(n) * shape.widths[l]);
  if (input_gradient) {
    tape.a.resize(std::size_t(L));
    tape.u.resize(std::size_t(L) + 1);
    for (int l = 1; l < L; ++l) fit(tape.s2[l], std::size_t(n) * shape.widths[l]);
    for (int l = 0; l < L; ++l) fit(tape.a[l], std::size_t(n) * shape.widths[l]);
    for (int l = 1; l <= L; ++l) fit(tape.u[l], std::size_t(n) * shape.widths[l]);
  }
  const std::size_t scratch = std::size_t(n) * shape.max_width();
  fit(tape.t0, scratch);
  fit(tape.t1, scratch);
  fit(tape.t2, scratch);
}

/// Forward pass: Z_l = H_{l−1} W_lᵀ + b_l, H_l = σ(Z_l) (recording S1_l, and S2_l when jets2), Y = Z_L.
template <typename T>
void forward_pass(const MlpShape& shape, const T* params, const T* X, int n, T* Y, MlpTape<T>& tape, bool jets2) {
  const int L = shape.layers();
  std::copy(X, X + std::size_t(n) * shape.in(), tape.h[0].data());
  for (int l = 1; l <= L; ++l) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    CMapM<T> Hin(tape.h[l - 1].data(), n, din);
    T* zout = l < L ? tape.t0.data() : Y;
    MapM<T> Z(zout, n, dout);
    Z.noalias() = Hin * weight(shape, params, l).transpose();  // [2·n·dout·din FLOPs]
    if (l == L) {
      Z.rowwise() += bias(shape, params, l);
      break;
    }
    T* h = tape.h[l].data();
    T* s1 = tape.s1[l].data();
    T* s2 = jets2 ? tape.s2[l].data() : nullptr;
    const T* b_l = params + shape.bias_offset(l);
    elementwise(std::size_t(n) * dout, [&](std::size_t a, std::size_t b) {
      // Z += b_l (one rounding per value, as Eigen's rowwise add), then σ, while the piece is in cache
      row_pieces(a, b, std::size_t(dout), [&](std::size_t k0, std::size_t k1, std::size_t c0) {
        const T* bc = b_l + c0 - k0;
        for (std::size_t k = k0; k < k1; ++k) zout[k] += bc[k];
      });
      activation_block(shape.activation, zout + a, b - a, h + a, s1 + a, s2 ? s2 + a : nullptr);
    });
  }
}

}  // namespace

template <typename T>
void mlp_forward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* Y,
                 MlpTape<T>& tape) {
  check_call("mlp_forward", shape, n_params, n);
  prepare_tape(shape, n, tape, false);
  forward_pass(shape, params, X, n, Y, tape, false);
  tape.kind = MlpTape<T>::Kind::Forward;
}

template <typename T>
void mlp_forward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* Y) {
  MlpTape<T> tape;
  mlp_forward(shape, params, n_params, X, n, Y, tape);
}

/// Z̄_L = Ȳ; W̄_l += Z̄_lᵀ H_{l−1}, b̄_l += Σ_n Z̄_l, H̄_{l−1} = Z̄_l W_l, Z̄_{l−1} = S1_{l−1} ⊙ H̄_{l−1}; X̄ = H̄_0.
template <typename T>
void mlp_backward(const MlpShape& shape, const T* params, std::size_t n_params, MlpTape<T>& tape, const T* dY,
                  T* dparams, T* dX) {
  const char* fn = "mlp_backward";
  check_call(fn, shape, n_params, tape.n);
  check_tape(fn, shape, tape, false);
  const int L = shape.layers(), n = tape.n;
  const T* zbar = dY;  // Z̄_l, (n, d_l)
  T* bufs[2] = {tape.t0.data(), tape.t1.data()};
  for (int l = L; l >= 1; --l) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    CMapM<T> Zb(zbar, n, dout);
    if (dparams) {
      add_batch_outer<T>(MapM<T>(dparams + shape.weight_offset(l), dout, din), zbar, tape.h[l - 1].data(), n);
      MapV<T>(dparams + shape.bias_offset(l), dout) += Zb.colwise().sum();
    }
    if (l == 1 && !dX) break;
    T* hbar = l == 1 ? dX : bufs[l & 1];
    MapM<T> Hb(hbar, n, din);
    Hb.noalias() = Zb * weight(shape, params, l);  // [2·n·dout·din]
    if (l > 1) {
      const T* s1 = tape.s1[l - 1].data();
      elementwise(std::size_t(n) * din, [&](std::size_t a, std::size_t b) {
        for (std::size_t k = a; k < b; ++k) hbar[k] *= s1[k];  // Z̄_{l−1} in place
      });
    }
    zbar = hbar;
  }
}

/// U_L = 1; A_{l−1} = U_l W_l, U_{l−1} = S1_{l−1} ⊙ A_{l−1}; G = A_0.
template <typename T>
void mlp_input_gradient(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* f, T* G,
                        MlpTape<T>& tape) {
  const char* fn = "mlp_input_gradient";
  check_call(fn, shape, n_params, n);
  NOETHER_REQUIRE(shape.out() == 1, fn << ": the input gradient needs a scalar MLP (output width 1), got output width "
                                       << shape.out());
  prepare_tape(shape, n, tape, true);
  const int L = shape.layers();
  std::vector<T> fbuf;
  T* fout = f;
  if (!fout) {
    fbuf.resize(std::size_t(n));
    fout = fbuf.data();
  }
  forward_pass(shape, params, X, n, fout, tape, true);
  std::fill(tape.u[L].begin(), tape.u[L].begin() + n, T(1));
  for (int l = L; l >= 1; --l) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    if (dout == 1) {  // a product of depth 1 (the scalar output layer): A = U_l w_lᵀ, value by value, threaded
      const T* ul = tape.u[l].data();
      const T* w = params + shape.weight_offset(l);
      T* Ad = tape.a[l - 1].data();
      elementwise(std::size_t(n) * din, [&](std::size_t a, std::size_t b) {
        row_pieces(a, b, std::size_t(din), [&](std::size_t k0, std::size_t k1, std::size_t c0) {
          const T ur = ul[k0 / std::size_t(din)];
          const T* wc = w + c0 - k0;
          for (std::size_t k = k0; k < k1; ++k) Ad[k] = ur * wc[k];
        });
      });
    } else {
      MapM<T>(tape.a[l - 1].data(), n, din).noalias() = CMapM<T>(tape.u[l].data(), n, dout) * weight(shape, params, l);  // [2·n·dout·din]
    }
    if (l > 1) {
      const T* s1 = tape.s1[l - 1].data();
      const T* a = tape.a[l - 1].data();
      T* u = tape.u[l - 1].data();
      elementwise(std::size_t(n) * din, [&](std::size_t k0, std::size_t k1) {
        for (std::size_t k = k0; k < k1; ++k) u[k] = s1[k] * a[k];
      });
    }
  }
  std::copy(tape.a[0].begin(), tape.a[0].begin() + std::size_t(n) * shape.in(), G);
  tape.kind = MlpTape<T>::Kind::InputGradient;
}

/// Double backprop (nn/mlp.hpp header): tangent sweep Ḣ_0 = Ḡ, Ż_l = Ḣ_{l−1} W_lᵀ, Ḣ_l = S1_l ⊙ Ż_l,
/// Z̃_l = S2_l ⊙ A_l ⊙ Ż_l; then Z̄_L = f̄ and for l = L…1: W̄_l += Z̄_lᵀ H_{l−1} + U_lᵀ Ḣ_{l−1},
/// b̄_l += Σ_n Z̄_l, H̄_{l−1} = Z̄_l W_l, Z̄_{l−1} = S1_{l−1} ⊙ H̄_{l−1} + Z̃_{l−1}; X̄ = H̄_0.
/// The tangents Ḣ_l and Z̃_l overwrite the tape's A_l and S2_l slots once used (the tape is spent).
template <typename T>
void mlp_input_gradient_backward(const MlpShape& shape, const T* params, std::size_t n_params, MlpTape<T>& tape,
                                 const T* dG, const T* df, T* dparams, T* dX) {
  const char* fn = "mlp_input_gradient_backward";
  check_call(fn, shape, n_params, tape.n);
  check_tape(fn, shape, tape, true);
  const int L = shape.layers(), n = tape.n;
  // Tangent sweep. Ḣ_l is stored in tape.h-shaped scratch: hdot[l] reuses tape.a[l] after A_l is consumed.
  std::copy(dG, dG + std::size_t(n) * shape.in(), tape.a[0].data());  // Ḣ_0 = Ḡ (A_0 = G is no longer needed)
  for (int l = 1; l < L; ++l) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    MapM<T> Zd(tape.t0.data(), n, dout);
    Zd.noalias() = CMapM<T>(tape.a[l - 1].data(), n, din) * weight(shape, params, l).transpose();  // [2·n·dout·din]
    const T* zd = tape.t0.data();
    const T* s1 = tape.s1[l].data();
    T* a = tape.a[l].data();    // A_l → Ḣ_l
    T* s2 = tape.s2[l].data();  // S2_l → Z̃_l
    elementwise(std::size_t(n) * dout, [&](std::size_t k0, std::size_t k1) {
      for (std::size_t k = k0; k < k1; ++k) {
        s2[k] = s2[k] * a[k] * zd[k];
        a[k] = s1[k] * zd[k];
      }
    });
  }
  // Reverse sweep over the forward pass with the Z̃_l injected.
  T* bufs[2] = {tape.t1.data(), tape.t2.data()};
  T* zbar = tape.t0.data();
  // Without df (the HNN: a loss on the gradient alone) Z̄_L = 0, so its terms vanish: W̄_L and b̄_L get no Z̄ᵀH or
  // Σ Z̄ term, H̄_{L−1} = 0 and Z̄_{L−1} = Z̃_{L−1} (read in place). Skipping them saves a product of depth 1 and ~8 MB
  // of element-wise traffic per [2, 200, 200, 1] step of 750 rows; the results are those of adding the zeros (up to the
  // sign of an exact zero).
  bool zbar_zero = !df;
  if (df)
    std::copy(df, df + n, zbar);
  else
    std::fill(zbar, zbar + n, T(0));
  for (int l = L; l >= 1; --l) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    CMapM<T> Zb(zbar, n, dout);
    if (dparams) {
      MapM<T> Wb(dparams + shape.weight_offset(l), dout, din);
      if (!zbar_zero) add_batch_outer<T>(Wb, zbar, tape.h[l - 1].data(), n);  // Z̄ᵀ H   [2·n·dout·din]
      add_batch_outer<T>(Wb, tape.u[l].data(), tape.a[l - 1].data(), n);      // Uᵀ A   [2·n·dout·din]
      if (!zbar_zero) MapV<T>(dparams + shape.bias_offset(l), dout) += Zb.colwise().sum();
    }
    if (l == 1 && !dX) break;
    if (zbar_zero) {
      if (l == 1) {
        std::fill(dX, dX + std::size_t(n) * din, T(0));
        break;
      }
      zbar = tape.s2[l - 1].data();  // Z̄_{l−1} = S1 ⊙ 0 + Z̃_{l−1}
      zbar_zero = false;
      continue;
    }
    T* hbar = l == 1 ? dX : bufs[l & 1];
    MapM<T>(hbar, n, din).noalias() = Zb * weight(shape, params, l);  // [2·n·dout·din]
    if (l > 1) {
      const T* s1 = tape.s1[l - 1].data();
      const T* zt = tape.s2[l - 1].data();
      elementwise(std::size_t(n) * din, [&](std::size_t a, std::size_t b) {
        for (std::size_t k = a; k < b; ++k) hbar[k] = s1[k] * hbar[k] + zt[k];
      });
    }
    zbar = hbar;
  }
  tape.kind = MlpTape<T>::Kind::None;  // A_l and S2_l were overwritten by the tangents
}

#define NOETHER_INSTANTIATE_MLP(T)                                                                                 \
  template void mlp_forward<T>(const MlpShape&, const T*, std::size_t, const T*, int, T*, MlpTape<T>&);            \
  template void mlp_forward<T>(const MlpShape&, const T*, std::size_t, const T*, int, T*);                         \
  template void mlp_backward<T>(const MlpShape&, const T*, std::size_t, MlpTape<T>&, const T*, T*, T*);            \
  template void mlp_input_gradient<T>(const MlpShape&, const T*, std::size_t, const T*, int, T*, T*, MlpTape<T>&); \
  template void mlp_input_gradient_backward<T>(const MlpShape&, const T*, std::size_t, MlpTape<T>&, const T*,      \
                                               const T*, T*, T*);
NOETHER_INSTANTIATE_MLP(double)
NOETHER_INSTANTIATE_MLP(float)
#undef NOETHER_INSTANTIATE_MLP

std::array<std::ptrdiff_t, 3> mlp_gemm_cache_sizes() {
  pin_eigen_blocking();
  return {Eigen::l1CacheSize(), Eigen::l2CacheSize(), Eigen::l3CacheSize()};
}

}  // namespace noether
