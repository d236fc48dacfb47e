// pixel/test_model.cpp — the pixel pendulum model's derivatives against float64 central differences: the
// residual MLP of pixel/autoencoder.hpp (θ and X), and the full loss L = ae + cc + 0.1·latent of
// pixel/model.hpp for the HNN and the baseline (every parameter: the encoder's gradient carries ∂L/∂z through
// the decoder, the consistency term and the symplectic gradient's double backprop); float32 against float64;
// the ReLU jet; orthogonal initialisation; and misuse errors. Max errors are printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "support/mlp_test_util.hpp"
#include "noether/nn/activations.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/core/error.hpp"
#include "noether/nn/mlp_init.hpp"
#include "noether/pixel/autoencoder.hpp"
#include "noether/pixel/model.hpp"

using namespace noether;
using namespace noether_test;

namespace {

/// A small pixel model with weights large enough that every term and ReLU region matters.
PixelModel small_model(HnnModelKind kind, unsigned seed) {
  PixelModel m = init_pixel_model(kind, 6, 5, 2, {7, 7}, seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd(0.0, 0.6);
  for (double& p : m.params) p += nd(rng);
  // The frozen output bias stays 0 (its gradient is defined as 0).
  std::fill(m.params.begin() + std::ptrdiff_t(m.latent_offset() + m.latent.bias_offset(m.latent.layers())),
            m.params.end(), 0.0);
  return m;
}

}  // namespace

TEST(PixelModel, ReluJet) {
  const auto a = activation_jet<double>(Activation::Relu, 1.5), b = activation_jet<double>(Activation::Relu, -0.3),
             c = activation_jet<double>(Activation::Relu, 0.0);
  EXPECT_EQ(a.s0, 1.5);
  EXPECT_EQ(a.s1, 1.0);
  EXPECT_EQ(b.s0, 0.0);
  EXPECT_EQ(b.s1, 0.0);
  EXPECT_EQ(c.s1, 0.0);  // PyTorch's σ′(0) = 0
  EXPECT_EQ(a.s2, 0.0);
  EXPECT_EQ(a.s3, 0.0);
  for (double x : {-2.0, -0.4, 0.3, 1.7}) {  // σ′ against central differences away from the kink
    const double h = 1e-6;
    const double fd = (activation_jet<double>(Activation::Relu, x + h).s0 - activation_jet<double>(Activation::Relu, x - h).s0) / (2 * h);
    EXPECT_NEAR(activation_jet<double>(Activation::Relu, x).s1, fd, 1e-9) << x;
  }
  Activation parsed;
  EXPECT_FALSE(parse_activation("relu", parsed));  // not a model-file activation
  EXPECT_STREQ(activation_name(Activation::Relu), "relu");
}

TEST(PixelModel, ResMlpBackwardMatchesCentralDifferences) {
  double worst = 0.0;
  for (Activation act : {Activation::Relu, Activation::Tanh})
    for (const std::vector<int>& w : {std::vector<int>{5, 4, 4, 4, 3}, std::vector<int>{3, 6, 2}, std::vector<int>{4, 3, 3, 4}}) {
      const MlpShape s = make_shape(w, act);
      const int n = 4;
      auto p = random_params(s, 3);
      auto X = random_vec(std::size_t(n) * s.in(), 4);
      const auto Ybar = random_vec(std::size_t(n) * s.out(), 5);  // loss = Σ Ȳ ⊙ Y
      auto loss = [&] {
        std::vector<double> Y(std::size_t(n) * s.out());
        ResMlpTape<double> t;
        res_mlp_forward<double>(s, p.data(), p.size(), X.data(), n, Y.data(), t);
        double l = 0;
        for (std::size_t k = 0; k < Y.size(); ++k) l += Ybar[k] * Y[k];
        return l;
      };
      std::vector<double> Y(std::size_t(n) * s.out()), dp(p.size(), 0.0), dX(X.size());
      ResMlpTape<double> tape;
      res_mlp_forward<double>(s, p.data(), p.size(), X.data(), n, Y.data(), tape);
      res_mlp_backward<double>(s, p.data(), p.size(), tape, Ybar.data(), dp.data(), dX.data());
      const double ep = scaled_error(dp, central_differences(p, loss, 1e-6));
      const double ex = scaled_error(dX, central_differences(X, loss, 1e-6));
      EXPECT_LT(ep, 1e-7) << describe(s);
      EXPECT_LT(ex, 1e-7) << describe(s);
      worst = std::max({worst, ep, ex});
    }
  std::printf("res MLP backward vs central differences: max scaled error %.2e\n", worst);
}

TEST(PixelModel, ResMlpIsResidual) {
  // Zero hidden weights and biases after layer 1: H_l = H_1 + σ(0) = H_1 for every residual layer (ReLU).
  const MlpShape s = make_shape({3, 4, 4, 4, 2}, Activation::Relu);
  auto p = random_params(s, 8);
  for (int l = 2; l <= 3; ++l) std::fill(p.begin() + std::ptrdiff_t(s.weight_offset(l)), p.begin() + std::ptrdiff_t(s.weight_offset(l + 1)), 0.0);
  const auto X = random_vec(6, 9);
  std::vector<double> Y(4), ref(4);
  ResMlpTape<double> t;
  res_mlp_forward<double>(s, p.data(), p.size(), X.data(), 2, Y.data(), t);
  MlpShape plain = make_shape({3, 4, 2}, Activation::Relu);  // layer 1 then layer 4 directly
  std::vector<double> q(plain.parameter_count());
  std::copy(p.begin(), p.begin() + std::ptrdiff_t(s.weight_offset(2)), q.begin());
  std::copy(p.begin() + std::ptrdiff_t(s.weight_offset(4)), p.end(), q.begin() + std::ptrdiff_t(plain.weight_offset(2)));
  mlp_forward<double>(plain, q.data(), q.size(), X.data(), 2, ref.data());
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(Y[k], ref[k], 1e-14);
}

TEST(PixelModel, LossGradientMatchesCentralDifferences) {
  for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
    PixelModel m = small_model(kind, 21);
    const int n = 5, D = m.input_dim();
    const auto XX = random_vec(std::size_t(2) * n * D, 22, 0.0, 0.5);
    PixelWorkspace<double> ws;
    std::vector<double> grad(m.parameter_count());
    const PixelLossTerms t = pixel_model_loss<double>(m, m.params.data(), XX.data(), n, grad.data(), ws);
    EXPECT_NEAR(t.total, t.ae + t.cc + 0.1 * t.latent, 1e-15);
    EXPECT_GT(t.ae, 0);
    EXPECT_GT(t.cc, 0);
    EXPECT_GT(t.latent, 0);
    auto loss = [&] { return pixel_model_loss<double>(m, m.params.data(), XX.data(), n, nullptr, ws).total; };
    std::vector<double> fd = central_differences(m.params, loss, 1e-6);
    // The frozen output bias: gradient defined as 0.
    std::fill(fd.begin() + std::ptrdiff_t(m.latent_offset() + m.latent.bias_offset(m.latent.layers())), fd.end(), 0.0);
    auto part = [&](const std::vector<double>& v, std::size_t a, std::size_t b) {
      return std::vector<double>(v.begin() + std::ptrdiff_t(a), v.begin() + std::ptrdiff_t(b));
    };
    const double ee = scaled_error(part(grad, 0, m.decoder_offset()), part(fd, 0, m.decoder_offset()));
    const double ed = scaled_error(part(grad, m.decoder_offset(), m.latent_offset()), part(fd, m.decoder_offset(), m.latent_offset()));
    const double el = scaled_error(part(grad, m.latent_offset(), m.parameter_count()), part(fd, m.latent_offset(), m.parameter_count()));
    const char* name = kind == HnnModelKind::Hnn ? "HNN" : "baseline";
    EXPECT_LT(ee, 1e-7) << name << " encoder";
    EXPECT_LT(ed, 1e-7) << name << " decoder";
    EXPECT_LT(el, 1e-7) << name << " latent";
    std::printf("%s pixel loss gradient vs central differences: encoder %.2e, decoder %.2e, latent %.2e\n", name, ee, ed, el);
  }
}

TEST(PixelModel, LatentFieldIsTheSymplecticGradientOfH) {
  const PixelModel m = small_model(HnnModelKind::Hnn, 5);
  const auto Z = random_vec(8, 6);  // 4 latent points
  std::vector<double> F(8), H(4);
  pixel_latent_field<double>(m, m.params.data(), Z.data(), 4, F.data());
  for (int r = 0; r < 4; ++r) {
    double g[2];
    for (int c = 0; c < 2; ++c) {
      const double h = 1e-6;
      std::vector<double> zp(Z.begin() + 2 * r, Z.begin() + 2 * r + 2), zm = zp;
      zp[std::size_t(c)] += h;
      zm[std::size_t(c)] -= h;
      double hp, hm;
      pixel_latent_energy<double>(m, m.params.data(), zp.data(), 1, &hp);
      pixel_latent_energy<double>(m, m.params.data(), zm.data(), 1, &hm);
      g[c] = (hp - hm) / (2 * h);
    }
    EXPECT_NEAR(F[2 * r], g[1], 1e-8);   // dz_q/dt = ∂H/∂z_p
    EXPECT_NEAR(F[2 * r + 1], -g[0], 1e-8);  // dz_p/dt = −∂H/∂z_q
  }
}

TEST(PixelModel, Float32MatchesFloat64) {
  for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
    const PixelModel m = small_model(kind, 31);
    const int n = 6, D = m.input_dim();
    const auto XX = random_vec(std::size_t(2) * n * D, 32, 0.0, 0.5);
    const std::vector<float> pf(m.params.begin(), m.params.end()), Xf(XX.begin(), XX.end());
    PixelWorkspace<double> wd;
    PixelWorkspace<float> wf;
    std::vector<double> gd(m.parameter_count());
    std::vector<float> gf(m.parameter_count());
    const double ld = pixel_model_loss<double>(m, m.params.data(), XX.data(), n, gd.data(), wd).total;
    const double lf = pixel_model_loss<float>(m, pf.data(), Xf.data(), n, gf.data(), wf).total;
    EXPECT_NEAR(lf, ld, 1e-5 * std::abs(ld));
    EXPECT_LT(scaled_error(std::vector<double>(gf.begin(), gf.end()), gd), 1e-4);
  }
}

TEST(PixelModel, OrthogonalInit) {
  SplitMix64 rng{7};
  for (auto rc : {std::pair<int, int>{5, 12}, std::pair<int, int>{12, 5}, std::pair<int, int>{6, 6}}) {
    const int R = rc.first, C = rc.second;
    std::vector<double> W(std::size_t(R) * C);
    orthogonal_init(R, C, [&rng] { return 2 * rng.uniform() - 1; }, W.data());
    const int k = std::min(R, C);
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j) {  // rows orthonormal when R <= C, columns when R >= C
        double s = 0;
        if (R <= C)
          for (int c = 0; c < C; ++c) s += W[std::size_t(i) * C + c] * W[std::size_t(j) * C + c];
        else
          for (int r = 0; r < R; ++r) s += W[std::size_t(r) * C + i] * W[std::size_t(r) * C + j];
        EXPECT_NEAR(s, i == j ? 1.0 : 0.0, 1e-12) << R << "x" << C;
      }
  }
}

TEST(PixelModel, InitMatchesTheReferenceShapes) {
  const PixelModel m = init_pixel_model(HnnModelKind::Hnn, 1568, 200, 2, {200, 200}, 0);
  EXPECT_EQ(m.encoder.widths, (std::vector<int>{1568, 200, 200, 200, 2}));
  EXPECT_EQ(m.decoder.widths, (std::vector<int>{2, 200, 200, 200, 1568}));
  EXPECT_EQ(m.latent.widths, (std::vector<int>{2, 200, 200, 1}));
  EXPECT_EQ(m.encoder.activation, Activation::Relu);
  EXPECT_EQ(m.latent.activation, Activation::Tanh);
  EXPECT_EQ(m.params.size(), m.parameter_count());
  const PixelModel b = init_pixel_model(HnnModelKind::Baseline, 1568, 200, 2, {200, 200}, 0);
  EXPECT_EQ(b.latent.widths, (std::vector<int>{2, 200, 200, 2}));
  EXPECT_THROW(init_pixel_model(HnnModelKind::Hnn, 10, 4, 3, {4}, 0), Error);
}

TEST(PixelModel, MisuseThrows) {
  const MlpShape bad = make_shape({3, 4, 5, 2}, Activation::Relu);  // unequal residual widths
  std::vector<double> p(bad.parameter_count()), X(3), Y(2);
  ResMlpTape<double> t;
  EXPECT_THROW(res_mlp_forward<double>(bad, p.data(), p.size(), X.data(), 1, Y.data(), t), Error);
  const MlpShape s = make_shape({3, 4, 2}, Activation::Relu);
  std::vector<double> q(s.parameter_count());
  EXPECT_THROW(res_mlp_forward<double>(s, q.data(), q.size() - 1, X.data(), 1, Y.data(), t), Error);
}
