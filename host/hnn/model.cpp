// hnn/model.cpp — HNN and baseline models (hnn/model.hpp): reference initialisation, the learned field, and the
// loss with its exact θ-gradient (double backprop for the HNN, plain backprop for the baseline).
#include <algorithm>
#include <cmath>

#include "noether/core/rng.hpp"
#include "noether/core/error.hpp"
#include "noether/hnn/model.hpp"
#include "noether/nn/mlp_init.hpp"
#include "noether/nn/mlp.hpp"

namespace noether {
namespace {

void check_rows(const HnnModel& model, int n) {
  NOETHER_REQUIRE(n >= 1, "HNN: need at least one row, got " << n);
  NOETHER_REQUIRE(model.params.size() == model.shape.parameter_count(),
                  "HNN: model has " << model.params.size() << " parameters, its shape needs "
                                    << model.shape.parameter_count());
}

}  // namespace

HnnModel init_hnn_model(HnnModelKind kind, int dim, const std::vector<int>& hidden, Activation activation,
                        std::uint64_t seed) {
  NOETHER_REQUIRE(dim >= 2 && dim % 2 == 0, "HNN: state dimension must be even and >= 2, got " << dim);
  HnnModel m;
  m.kind = kind;
  m.shape.activation = activation;
  m.shape.widths.push_back(dim);
  for (int h : hidden) m.shape.widths.push_back(h);
  m.shape.widths.push_back(kind == HnnModelKind::Hnn ? 1 : dim);
  m.shape.validate("HNN model");
  m.params.assign(m.shape.parameter_count(), 0.0);
  SplitMix64 rng{seed};
  const int L = m.shape.layers();
  for (int l = 1; l <= L; ++l) {
    const int in = m.shape.widths[l - 1], out = m.shape.widths[l];
    orthogonal_init(out, in, [&rng] { return standard_normal(rng); }, m.params.data() + m.shape.weight_offset(l));
    if (l < L) {
      const double a = 1.0 / std::sqrt(double(in));
      double* b = m.params.data() + m.shape.bias_offset(l);
      for (int k = 0; k < out; ++k) b[k] = a * (2 * rng.uniform() - 1);
    }
  }
  return m;
}

void hnn_model_field(const HnnModel& model, const double* X, int n, double* F) {
  check_rows(model, n);
  const int d = model.shape.in(), k = d / 2;
  if (model.kind == HnnModelKind::Baseline) {
    mlp_forward(model.shape, model.params.data(), model.params.size(), X, n, F);
    return;
  }
  std::vector<double> G(std::size_t(n) * d);
  MlpTape<double> tape;
  mlp_input_gradient<double>(model.shape, model.params.data(), model.params.size(), X, n, nullptr, G.data(), tape);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < k; ++c) {
      F[std::size_t(r) * d + c] = G[std::size_t(r) * d + k + c];       // dq/dt = ∂H/∂p
      F[std::size_t(r) * d + k + c] = -G[std::size_t(r) * d + c];      // dp/dt = −∂H/∂q
    }
}

double hnn_model_loss(const HnnModel& model, const double* X, const double* Y, int n, double* grad,
                      HnnWorkspace* ws) {
  check_rows(model, n);
  const MlpShape& s = model.shape;
  const int d = s.in(), k = d / 2;
  const std::size_t nd = std::size_t(n) * d;
  const double* p = model.params.data();
  const std::size_t np = model.params.size();
  HnnWorkspace local;
  HnnWorkspace& w = ws ? *ws : local;
  w.F.resize(nd);
  w.dF.resize(nd);
  std::vector<double>& F = w.F;
  std::vector<double>& G = w.G;
  std::vector<double>& dF = w.dF;
  std::vector<double>& dG = w.dG;
  MlpTape<double>& tape = w.tape;
  if (model.kind == HnnModelKind::Baseline) {
    mlp_forward(s, p, np, X, n, F.data(), tape);
  } else {
    G.resize(nd);
    mlp_input_gradient<double>(s, p, np, X, n, nullptr, G.data(), tape);
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < k; ++c) {
        F[std::size_t(r) * d + c] = G[std::size_t(r) * d + k + c];
        F[std::size_t(r) * d + k + c] = -G[std::size_t(r) * d + c];
      }
  }
  double loss = 0;
  const double scale = 1.0 / double(nd);
  for (std::size_t i = 0; i < nd; ++i) {
    const double e = F[i] - Y[i];
    loss += e * e;
    dF[i] = 2.0 * scale * e;
  }
  loss *= scale;
  if (!grad) return loss;
  std::fill(grad, grad + np, 0.0);
  if (model.kind == HnnModelKind::Baseline) {
    mlp_backward<double>(s, p, np, tape, dF.data(), grad, nullptr);
  } else {
    dG.resize(nd);  // ∂L/∂G_p = ∂L/∂F_q, ∂L/∂G_q = −∂L/∂F_p
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < k; ++c) {
        dG[std::size_t(r) * d + k + c] = dF[std::size_t(r) * d + c];
        dG[std::size_t(r) * d + c] = -dF[std::size_t(r) * d + k + c];
      }
    mlp_input_gradient_backward<double>(s, p, np, tape, dG.data(), nullptr, grad, nullptr);
  }
  const std::size_t ob = s.bias_offset(s.layers());  // frozen output bias (absent in the reference)
  std::fill(grad + ob, grad + np, 0.0);
  return loss;
}

}  // namespace noether
