// pixel/autoencoder.cpp — forward and backward of the residual MLP of pixel/autoencoder.hpp (the formulas
// are in its header), float32 and float64, Eigen GEMMs over row-major maps of the flat parameter buffer.
#include <algorithm>

#include "nn/eigen_maps.hpp"
#include "noether/nn/activations.hpp"
#include "noether/core/error.hpp"
#include "noether/pixel/autoencoder.hpp"

namespace noether {
namespace {

using namespace eigen_maps;

[[maybe_unused]] const bool kEigenBlockingPinned = pin_eigen_blocking();  // before any product here (eigen_maps.hpp)

void check_call(const char* fn, const MlpShape& shape, std::size_t n_params, int n) {
  validate_res_mlp_shape(shape, fn);
  NOETHER_REQUIRE(n_params == shape.parameter_count(),
                  fn << ": the flat parameter buffer must hold " << shape.parameter_count() << " values, got " << n_params);
  NOETHER_REQUIRE(n >= 1, fn << ": batch size n must be >= 1, got " << n);
}

template <typename T>
CMapM<T> weight(const MlpShape& s, const T* p, int l) {
  return CMapM<T>(p + s.weight_offset(l), s.widths[l], s.widths[l - 1]);
}

}  // namespace

void validate_res_mlp_shape(const MlpShape& shape, const char* what) {
  shape.validate(what);
  NOETHER_REQUIRE(shape.layers() >= 2, what << ": a residual MLP needs at least 2 layers, got " << shape.layers());
  for (int l = 2; l < shape.layers(); ++l)
    NOETHER_REQUIRE(shape.widths[l] == shape.widths[1],
                    what << ": residual layers need equal hidden widths, got " << shape.widths[l] << " and " << shape.widths[1]);
}

template <typename T>
void res_mlp_forward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* Y,
                     ResMlpTape<T>& tape) {
  check_call("res_mlp_forward", shape, n_params, n);
  const int L = shape.layers();
  tape.n = n;
  tape.widths = shape.widths;
  tape.h.resize(std::size_t(L));
  tape.s1.resize(std::size_t(L));
  auto fit = [](std::vector<T>& v, std::size_t size) {
    if (v.size() < size) v.resize(size);
  };
  for (int l = 0; l < L; ++l) fit(tape.h[l], std::size_t(n) * shape.widths[l]);
  for (int l = 1; l < L; ++l) fit(tape.s1[l], std::size_t(n) * shape.widths[l]);
  const std::size_t scratch = std::size_t(n) * shape.max_width();
  fit(tape.t0, scratch);
  fit(tape.t1, scratch);
  fit(tape.t2, scratch);
  std::copy(X, X + std::size_t(n) * shape.in(), tape.h[0].data());
  for (int l = 1; l <= L; ++l) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    T* zout = l < L ? tape.t0.data() : Y;
    MapM<T> Z(zout, n, dout);
    Z.noalias() = CMapM<T>(tape.h[l - 1].data(), n, din) * weight(shape, params, l).transpose();  // [2·n·dout·din]
    Z.rowwise() += CMapV<T>(params + shape.bias_offset(l), dout);
    if (l == L) break;
    const T* hprev = tape.h[l - 1].data();
    T* h = tape.h[l].data();
    T* s1 = tape.s1[l].data();
    const bool residual = l > 1;
    const std::size_t m = std::size_t(n) * dout;
    for (std::size_t k = 0; k < m; ++k) {
      const ActivationJet<T> j = activation_jet<T>(shape.activation, zout[k]);
      h[k] = residual ? hprev[k] + j.s0 : j.s0;  // H_l = H_{l−1} + σ(Z_l) | σ(Z_1)
      s1[k] = j.s1;
    }
  }
}

template <typename T>
void res_mlp_backward(const MlpShape& shape, const T* params, std::size_t n_params, ResMlpTape<T>& tape,
                      const T* dY, T* dparams, T* dX) {
  const char* fn = "res_mlp_backward";
  check_call(fn, shape, n_params, tape.n);
  NOETHER_REQUIRE(tape.widths == shape.widths, fn << ": the tape was recorded for a different shape; run res_mlp_forward first");
  const int L = shape.layers(), n = tape.n;
  T* hbuf[2] = {tape.t0.data(), tape.t1.data()};  // H̄_l alternates between them
  T* zbuf = tape.t2.data();                        // Z̄_l for l < L
  const T* zbar = dY;                              // Z̄_L = Ȳ
  const T* hbar = nullptr;                         // H̄_l (l < L)
  for (int l = L; l >= 1; --l) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    if (l < L) {  // Z̄_l = S1_l ⊙ H̄_l
      const T* s1 = tape.s1[l].data();
      const std::size_t m = std::size_t(n) * dout;
      for (std::size_t k = 0; k < m; ++k) zbuf[k] = s1[k] * hbar[k];
      zbar = zbuf;
    }
    CMapM<T> Zb(zbar, n, dout);
    if (dparams) {
      MapM<T>(dparams + shape.weight_offset(l), dout, din).noalias() +=
          Zb.transpose() * CMapM<T>(tape.h[l - 1].data(), n, din);  // [2·n·dout·din]
      MapV<T>(dparams + shape.bias_offset(l), dout) += Zb.colwise().sum();
    }
    if (l == 1) {
      if (dX) MapM<T>(dX, n, din).noalias() = Zb * weight(shape, params, 1);  // X̄ = P_0
      break;
    }
    T* hprev = hbuf[l & 1];  // H̄_{l−1} = P_{l−1} (+ H̄_l through the skip when 1 < l < L)
    MapM<T> Hp(hprev, n, din);
    Hp.noalias() = Zb * weight(shape, params, l);  // [2·n·dout·din]
    if (l < L) Hp += CMapM<T>(hbar, n, din);
    hbar = hprev;
  }
}

#define NOETHER_INSTANTIATE_RES_MLP(T)                                                                          \
  template void res_mlp_forward<T>(const MlpShape&, const T*, std::size_t, const T*, int, T*, ResMlpTape<T>&); \
  template void res_mlp_backward<T>(const MlpShape&, const T*, std::size_t, ResMlpTape<T>&, const T*, T*, T*);
NOETHER_INSTANTIATE_RES_MLP(double)
NOETHER_INSTANTIATE_RES_MLP(float)
#undef NOETHER_INSTANTIATE_RES_MLP

}  // namespace noether
