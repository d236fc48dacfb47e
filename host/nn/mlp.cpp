// nn/mlp.cpp — the CPU implementation of nn/mlp.hpp: batched forward, backward, input gradient and double
// backprop of the generic MLP, float64 and float32. Matrix products are Eigen GEMMs over row-major maps
// of the flat parameter buffer and of the tape; activations are element-wise blocks (nn/activation_block.hpp).
// The formulas are in nn/mlp.hpp's header; comments below name the step each block implements.
#include <algorithm>
#include <cstddef>
#include <type_traits>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "nn/activation_block.hpp"
#include "nn/eigen_maps.hpp"
#include "nn/packed_gemm.hpp"
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

/// Rows per block of the row-local work (forward pass, input gradient, tangent sweep, reverse H̄/Z̄ chain). A block's
/// arrays — 64 rows of a 200-wide layer are 100 KB each — stay in the L2 cache from one layer's product to the next
/// element-wise pass, where whole-batch passes stream MB-sized arrays through memory. Block starts are multiples of
/// 64 rows, so every element-wise pass starts at a multiple of 64 values as over the whole batch.
constexpr int kRowBlock = 64;

/// fn(r0, m) for the fixed blocks [r0, r0 + m) of kRowBlock rows of a batch of n rows (the last one shorter). With
/// Eigen::nbThreads() > 1 and a batch of at least kElementwiseThreadedMin values (n · width), the blocks are shared
/// among the threads (contiguous runs of blocks) and each block's products run on one thread (Eigen does not thread a
/// product inside a parallel region). The blocks do not depend on the thread count and every value of a block is
/// computed from that block's rows alone, so results are bitwise the same for any thread count. fn must not throw.
template <typename Fn>
void row_blocks(int n, std::size_t width, Fn&& fn) {
  const int blocks = (n + kRowBlock - 1) / kRowBlock;
  auto one = [&](int b) { fn(b * kRowBlock, std::min(kRowBlock, n - b * kRowBlock)); };
#ifdef _OPENMP
  const int threads = std::min(Eigen::nbThreads(), blocks);
  if (threads > 1 && std::size_t(n) * width >= kElementwiseThreadedMin && !omp_in_parallel()) {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int b = 0; b < blocks; ++b) one(b);
    return;
  }
#endif
  for (int b = 0; b < blocks; ++b) one(b);
}

template <typename T>
CMapM<T> weight(const MlpShape& s, const T* p, int l) {
  return CMapM<T>(p + s.weight_offset(l), s.widths[l], s.widths[l - 1]);
}

/// tanh's derivatives are functions of its value t = H: σ′ = 1 − t², σ″ = −2t(1 − t²) (as activation_jet forms
/// them). For tanh the tape keeps H only and the passes form S1 and S2 from it where they need them: a pass that
/// reads H instead of S1 and S2 saves two of the three arrays the forward writes per layer, and their reads later.
inline bool jets_from_h(Activation act) { return act == Activation::Tanh; }
template <typename T>
inline T tanh_s1(T t) {
  return T(1) - t * t;
}
template <typename T>
inline T tanh_s2(T t, T s1) {
  return T(-2) * t * s1;
}

/// fn(k, S1_l[k]) for the flat indices k ∈ [a, b) of layer l's (n, d_l) values: σ′ formed from H_l for tanh
/// (jets_from_h), else read from the tape's S1_l. The branch sits outside the loop, so each loop vectorises alone.
template <typename T, typename Fn>
inline void for_each_s1(Activation act, const MlpTape<T>& tape, int l, std::size_t a, std::size_t b, Fn&& fn) {
  if (jets_from_h(act)) {
    const T* h = tape.h[l].data();
    for (std::size_t k = a; k < b; ++k) fn(k, tanh_s1(h[k]));
  } else {
    const T* s1 = tape.s1[l].data();
    for (std::size_t k = a; k < b; ++k) fn(k, s1[k]);
  }
}

/// Fewest batch rows for which a call packs its weights for gemm_rows (below, the packing costs about as much as the
/// products it serves).
constexpr int kPackedMinRows = 64;

/// The weights of one call, packed for gemm_rows (nn/packed_gemm.hpp) where that is available (float64, AVX-512)
/// and the batch has at least kPackedMinRows rows: wt[l] = W_lᵀ (K = d_{l−1}, N = d_l), w[l] = W_l (K = d_l,
/// N = d_{l−1}). Otherwise `packed` is false and the products are Eigen's.
struct LayerWeights {
  bool packed = false;
  std::vector<PackedB> wt, w;
};

/// Packs W_lᵀ (and W_l when need_w) of every layer into the tape's scratch.
template <typename T>
LayerWeights pack_weights(const MlpShape& shape, const T* params, int n, MlpTape<T>& tape, bool need_w) {
  LayerWeights p;
  if constexpr (std::is_same_v<T, double>) {
    if (!packed_gemm_available() || n < kPackedMinRows) return p;
    const int L = shape.layers();
    tape.packed.resize(std::size_t(2 * (L + 1)));
    p.wt.resize(std::size_t(L + 1));
    p.w.resize(std::size_t(L + 1));
    for (int l = 1; l <= L; ++l) {
      const int din = shape.widths[l - 1], dout = shape.widths[l];
      const double* W = params + shape.weight_offset(l);
      p.wt[l] = pack_b(W, 1, din, din, dout, tape.packed[std::size_t(2 * l)]);
      if (need_w) p.w[l] = pack_b(W, din, 1, dout, din, tape.packed[std::size_t(2 * l + 1)]);
    }
    p.packed = true;
  }
  return p;
}

/// C (m, d_l) = A (m, d_{l−1}) W_lᵀ, plus b_l (bias) when bias is not nullptr (one rounding per value).
/// [2·m·d_l·d_{l−1} FLOPs]
template <typename T>
void times_wt(const LayerWeights& P, const MlpShape& s, const T* params, int l, int m, const T* A, T* C,
              const T* bias = nullptr) {
  const int din = s.widths[l - 1], dout = s.widths[l];
  if constexpr (std::is_same_v<T, double>)
    if (P.packed) return gemm_rows(m, A, std::size_t(din), P.wt[l], bias, C, std::size_t(dout));
  MapM<T> Z(C, m, dout);
  Z.noalias() = CMapM<T>(A, m, din) * weight(s, params, l).transpose();
  if (bias) Z.rowwise() += CMapV<T>(bias, dout);
}

/// C (m, d_{l−1}) = A (m, d_l) W_l.  [2·m·d_l·d_{l−1} FLOPs]
template <typename T>
void times_w(const LayerWeights& P, const MlpShape& s, const T* params, int l, int m, const T* A, T* C) {
  const int din = s.widths[l - 1], dout = s.widths[l];
  if constexpr (std::is_same_v<T, double>)
    if (P.packed) return gemm_rows(m, A, std::size_t(dout), P.w[l], nullptr, C, std::size_t(din));
  MapM<T>(C, m, din).noalias() = CMapM<T>(A, m, dout) * weight(s, params, l);
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
  if (!jets_from_h(shape.activation))
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
}

/// Forward pass over the rows [r0, r0 + m) of the batch: Z_l = H_{l−1} W_lᵀ + b_l, H_l = σ(Z_l) (recording S1_l,
/// and S2_l when jets2), Y = Z_L. Each layer's product, bias add and activation run on the block while it is in cache.
template <typename T>
void forward_rows(const MlpShape& shape, const T* params, const LayerWeights& P, int r0, int m, T* Y,
                  MlpTape<T>& tape, bool jets2) {
  const int L = shape.layers();
  const std::size_t row0 = std::size_t(r0);
  for (int l = 1; l <= L; ++l) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    const std::size_t off = row0 * std::size_t(dout);
    T* zout = (l < L ? tape.t0.data() : Y) + off;
    times_wt(P, shape, params, l, m, tape.h[l - 1].data() + row0 * std::size_t(din), zout,
             params + shape.bias_offset(l));  // [2·m·dout·din FLOPs]
    if (l == L) break;
    if (jets_from_h(shape.activation))
      activation_values(shape.activation, zout, std::size_t(m) * dout, tape.h[l].data() + off);
    else
      activation_block(shape.activation, zout, std::size_t(m) * dout, tape.h[l].data() + off,
                       tape.s1[l].data() + off, jets2 ? tape.s2[l].data() + off : nullptr);
  }
}

/// Forward pass over the whole batch X (n, d_0) in row blocks (row_blocks); the tape keeps H_l, S1_l (and S2_l).
template <typename T>
void forward_pass(const MlpShape& shape, const T* params, const T* X, int n, T* Y, MlpTape<T>& tape, bool jets2) {
  std::copy(X, X + std::size_t(n) * shape.in(), tape.h[0].data());
  const LayerWeights P = pack_weights(shape, params, n, tape, false);
  row_blocks(n, std::size_t(shape.max_width()),
             [&](int r0, int m) { forward_rows(shape, params, P, r0, m, Y, tape, jets2); });
}

/// Input-gradient sweep over the rows [r0, r0 + m): U_L = 1; A_{l−1} = U_l W_l, U_{l−1} = S1_{l−1} ⊙ A_{l−1}.
template <typename T>
void input_gradient_rows(const MlpShape& shape, const T* params, const LayerWeights& P, int r0, int m,
                         MlpTape<T>& tape) {
  const int L = shape.layers();
  const std::size_t row0 = std::size_t(r0);
  std::fill_n(tape.u[L].data() + row0 * std::size_t(shape.out()), std::size_t(m) * shape.out(), T(1));
  for (int l = L; l >= 1; --l) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    const std::size_t off = row0 * std::size_t(din);
    const T* ul = tape.u[l].data() + row0 * std::size_t(dout);
    T* Ad = tape.a[l - 1].data() + off;
    if (dout == 1) {  // a product of depth 1 (the scalar output layer): A = U_l w_lᵀ, value by value
      const T* w = params + shape.weight_offset(l);
      for (int r = 0; r < m; ++r)
        for (int c = 0; c < din; ++c) Ad[std::size_t(r) * din + c] = ul[r] * w[c];
    } else {
      times_w(P, shape, params, l, m, ul, Ad);  // [2·m·dout·din]
    }
    if (l > 1) {
      T* u = tape.u[l - 1].data();
      const T* A = tape.a[l - 1].data();
      for_each_s1(shape.activation, tape, l - 1, off, off + std::size_t(m) * din,
                  [&](std::size_t k, T s1) { u[k] = s1 * A[k]; });
    }
  }
}

/// The row-local part of the double backprop over the rows [r0, r0 + m) (the formulas at
/// mlp_input_gradient_backward): the tangent sweep, then the chain H̄_{l−1} = Z̄_l W_l,
/// Z̄_{l−1} = S1_{l−1} ⊙ H̄_{l−1} + Z̃_{l−1}, written over Z̃_{l−1} in the tape's S2 slot, and X̄ = H̄_0 into dX.
/// Ḣ_l overwrites A_l. zbar_L is Z̄_L (n, d_L), or nullptr for Z̄_L = 0.
template <typename T>
void double_backprop_rows(const MlpShape& shape, const T* params, const LayerWeights& P, int r0, int m,
                          MlpTape<T>& tape, const T* zbar_L, T* dX) {
  const int L = shape.layers();
  const std::size_t row0 = std::size_t(r0);
  for (int l = 1; l < L; ++l) {  // tangent sweep
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    const std::size_t off = row0 * std::size_t(dout);
    T* zd = tape.t0.data() + off;
    times_wt(P, shape, params, l, m, tape.a[l - 1].data() + row0 * std::size_t(din), zd);  // [2·m·dout·din]
    T* a = tape.a[l].data() + off;    // A_l → Ḣ_l
    T* s2 = tape.s2[l].data() + off;  // S2_l → Z̃_l (tanh: the slot is empty until here)
    const std::size_t e = std::size_t(m) * dout;
    if (jets_from_h(shape.activation)) {
      const T* h = tape.h[l].data() + off;
      for (std::size_t k = 0; k < e; ++k) {
        const T s1 = tanh_s1(h[k]);
        s2[k] = tanh_s2(h[k], s1) * a[k] * zd[k];
        a[k] = s1 * zd[k];
      }
    } else {
      const T* s1 = tape.s1[l].data() + off;
      for (std::size_t k = 0; k < e; ++k) {
        s2[k] = s2[k] * a[k] * zd[k];
        a[k] = s1[k] * zd[k];
      }
    }
  }
  const T* zbar = zbar_L ? zbar_L + row0 * std::size_t(shape.out()) : nullptr;  // nullptr: Z̄_l = 0
  for (int l = L; l >= 1; --l) {
    const int din = shape.widths[l - 1];
    const std::size_t off = row0 * std::size_t(din);
    if (l == 1 && !dX) break;
    if (!zbar) {  // Z̄_l = 0: H̄_{l−1} = 0, so Z̄_{l−1} = Z̃_{l−1} as it stands
      if (l == 1) std::fill_n(dX + off, std::size_t(m) * din, T(0));
      if (l > 1) zbar = tape.s2[l - 1].data() + off;
      continue;
    }
    T* hbar = l == 1 ? dX + off : tape.t1.data() + off;
    times_w(P, shape, params, l, m, zbar, hbar);  // [2·m·dout·din]
    if (l > 1) {
      T* zt = tape.s2[l - 1].data();  // Z̃_{l−1} → Z̄_{l−1}
      const T* hb = hbar - off;       // indexed by the flat index like zt
      for_each_s1(shape.activation, tape, l - 1, off, off + std::size_t(m) * din,
                  [&](std::size_t k, T s1) { zt[k] = s1 * hb[k] + zt[k]; });
      zbar = zt + off;
    }
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
    if (l > 1)  // Z̄_{l−1} = S1_{l−1} ⊙ H̄_{l−1}, in place
      elementwise(std::size_t(n) * din, [&](std::size_t a, std::size_t b) {
        for_each_s1(shape.activation, tape, l - 1, a, b, [&](std::size_t k, T s1) { hbar[k] *= s1; });
      });
    zbar = hbar;
  }
}

/// U_L = 1; A_{l−1} = U_l W_l, U_{l−1} = S1_{l−1} ⊙ A_{l−1}; G = A_0. The forward and this sweep run block by block.
template <typename T>
void mlp_input_gradient(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* f, T* G,
                        MlpTape<T>& tape) {
  const char* fn = "mlp_input_gradient";
  check_call(fn, shape, n_params, n);
  NOETHER_REQUIRE(shape.out() == 1, fn << ": the input gradient needs a scalar MLP (output width 1), got output width "
                                       << shape.out());
  prepare_tape(shape, n, tape, true);
  std::vector<T> fbuf;
  T* fout = f;
  if (!fout) {
    fbuf.resize(std::size_t(n));
    fout = fbuf.data();
  }
  std::copy(X, X + std::size_t(n) * shape.in(), tape.h[0].data());
  const LayerWeights P = pack_weights(shape, params, n, tape, true);
  row_blocks(n, std::size_t(shape.max_width()), [&](int r0, int m) {
    forward_rows(shape, params, P, r0, m, fout, tape, true);
    input_gradient_rows(shape, params, P, r0, m, tape);
  });
  std::copy(tape.a[0].begin(), tape.a[0].begin() + std::size_t(n) * shape.in(), G);
  tape.kind = MlpTape<T>::Kind::InputGradient;
}

/// Double backprop (nn/mlp.hpp header): tangent sweep Ḣ_0 = Ḡ, Ż_l = Ḣ_{l−1} W_lᵀ, Ḣ_l = S1_l ⊙ Ż_l,
/// Z̃_l = S2_l ⊙ A_l ⊙ Ż_l; then Z̄_L = f̄ and for l = L…1: W̄_l += Z̄_lᵀ H_{l−1} + U_lᵀ Ḣ_{l−1},
/// b̄_l += Σ_n Z̄_l, H̄_{l−1} = Z̄_l W_l, Z̄_{l−1} = S1_{l−1} ⊙ H̄_{l−1} + Z̃_{l−1}; X̄ = H̄_0.
/// The row-local work (the tangents and the Z̄ chain) runs block by block (double_backprop_rows), keeping every Z̄_l:
/// the tangents Ḣ_l overwrite the tape's A_l and the Z̄_l its S2_l (the tape is spent). Then the weight and bias
/// gradients, sums over the batch, are products over the whole batch in fixed row blocks (add_batch_outer), in the
/// order above. Without df (the HNN: a loss on the gradient alone) Z̄_L = 0, so its terms vanish: W̄_L and b̄_L get
/// no Z̄ᵀH or Σ Z̄ term, H̄_{L−1} = 0 and Z̄_{L−1} = Z̃_{L−1}; the results are those of adding the zeros (up to the sign
/// of an exact zero).
template <typename T>
void mlp_input_gradient_backward(const MlpShape& shape, const T* params, std::size_t n_params, MlpTape<T>& tape,
                                 const T* dG, const T* df, T* dparams, T* dX) {
  const char* fn = "mlp_input_gradient_backward";
  check_call(fn, shape, n_params, tape.n);
  check_tape(fn, shape, tape, true);
  const int L = shape.layers(), n = tape.n;
  std::copy(dG, dG + std::size_t(n) * shape.in(), tape.a[0].data());  // Ḣ_0 = Ḡ (A_0 = G is no longer needed)
  const LayerWeights P = pack_weights(shape, params, n, tape, true);
  row_blocks(n, std::size_t(shape.max_width()),
             [&](int r0, int m) { double_backprop_rows(shape, params, P, r0, m, tape, df, dX); });
  if (dparams) {
    for (int l = L; l >= 1; --l) {
      const int din = shape.widths[l - 1], dout = shape.widths[l];
      const T* zbar = l == L ? df : tape.s2[l].data();  // Z̄_l (nullptr: Z̄_L = 0)
      MapM<T> Wb(dparams + shape.weight_offset(l), dout, din);
      if (zbar) add_batch_outer<T>(Wb, zbar, tape.h[l - 1].data(), n);  // Z̄ᵀ H   [2·n·dout·din]
      add_batch_outer<T>(Wb, tape.u[l].data(), tape.a[l - 1].data(), n);  // Uᵀ Ḣ   [2·n·dout·din]
      if (zbar) MapV<T>(dparams + shape.bias_offset(l), dout) += CMapM<T>(zbar, n, dout).colwise().sum();
    }
  }
  tape.kind = MlpTape<T>::Kind::None;  // A_l and S2_l were overwritten by the tangents and Z̄_l
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
