// physics/test_pair_mlp.cpp — the learned pair potential on the CPU: forward jets V′, V″ against float64
// central differences; every parameter gradient (w-part ∂V/∂θ and c-part ∂V′/∂θ) against central
// differences; the batched gradient; float32 against float64; conservation of linear and angular
// momentum by learned forces; accelerations = −∇U/m by finite differences; shape errors; FLOP count.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/pair_mlp_grad.hpp"
#include "support/pair_mlp_test_util.hpp"

using namespace noether;
using namespace noether_test;

namespace {

const double kRadii[] = {0.25, 0.9, 1.7, 3.1};

}  // namespace

TEST(PairMlp, JetsMatchCentralDifferencesForEveryActivationAndShape) {
  for (const PairScaling& sc : test_scalings())
  for (Activation act : all_activations())
    for (const auto& widths : test_widths()) {
      const MlpShape shape = shape_of(widths, act);
      const std::vector<double> p = random_params(shape, 11u + unsigned(widths.size()));
      with_pair_mlp<double>(shape, p.data(), sc, [&](const auto& mlp) {
        std::vector<double> d1, d1_fd, d2, d2_fd, slope, slope_ref;
        const double h = 1e-4;
        for (double r : kRadii) {
          const PairJet<double> j = mlp.jets(r), jp = mlp.jets(r + h), jm = mlp.jets(r - h);
          d1.push_back(j.dV), d1_fd.push_back((jp.V - jm.V) / (2 * h));
          d2.push_back(j.d2V), d2_fd.push_back((jp.dV - jm.dV) / (2 * h));
          const PairSlope<double> s = mlp.value_and_slope(r);
          slope.insert(slope.end(), {s.V, s.dV}), slope_ref.insert(slope_ref.end(), {j.V, j.dV});
          double V, f_over_r;
          mlp.eval(r * r, 1.0, 2.0, V, f_over_r);
          slope.insert(slope.end(), {V, f_over_r}), slope_ref.insert(slope_ref.end(), {j.V, -j.dV / r});
        }
        const std::string tag = shape_name(shape) + scaling_name(sc);
        // Central differences: truncation h²/6·V‴ ≈ 2e-9·V‴, round-off ε|V|/h ≈ 1e-12|V|.
        expect_close(tag + " dV/dr vs FD", d1, d1_fd, 1e-6 * std::max(1.0, max_abs(d1_fd)), 1e-6);
        expect_close(tag + " d2V/dr2 vs FD", d2, d2_fd, 1e-6 * std::max(1.0, max_abs(d2_fd)), 1e-6);
        expect_close(tag + " value_and_slope, eval vs jets", slope, slope_ref, 1e-13, 1e-13);
      });
    }
}

TEST(PairMlp, ScalingEntersAsDocumented) {
  // V(r) = out_scale·MLP((r − in_shift)/in_scale) + out_shift, so V′ picks up out_scale/in_scale.
  const MlpShape shape = shape_of({1, 5, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 3u);
  const PairScaling s = test_scaling();
  const auto plain = make_pair_mlp<double, 16>(shape, p.data());
  const auto scaled = make_pair_mlp<double, 16>(shape, p.data(), s);
  for (double r : kRadii) {
    const double x = (r - s.in_shift) / s.in_scale;
    const PairJet<double> a = plain.jets(x), b = scaled.jets(r);
    EXPECT_NEAR(b.V, s.out_scale * a.V + s.out_shift, 1e-13);
    EXPECT_NEAR(b.dV, s.out_scale * a.dV / s.in_scale, 1e-13);
    EXPECT_NEAR(b.d2V, s.out_scale * a.d2V / (s.in_scale * s.in_scale), 1e-13);
  }
}

TEST(PairMlp, LogInputIsTheAffineNetworkOfLogR) {
  // x = (log r − in_shift)/in_scale: V_log(r) = V_aff(u) at u = log r, so by the chain rule
  //   V′_log(r) = V′_aff(u)/r,   V″_log(r) = (V″_aff(u) − V′_aff(u))/r².
  const MlpShape shape = shape_of({1, 6, 5, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 5u);
  PairScaling lin = test_scaling(), lg = lin;
  lg.input = InputTransform::Log;
  const auto aff = make_pair_mlp<double, 16>(shape, p.data(), lin);
  const auto log_in = make_pair_mlp<double, 16>(shape, p.data(), lg);
  for (double r : {1e-3, 0.25, 0.9, 1.7, 3.1, 250.0}) {
    const PairJet<double> a = aff.jets(std::log(r)), b = log_in.jets(r);
    EXPECT_NEAR(b.V, a.V, 1e-13 * std::max(1.0, std::abs(a.V))) << r;
    EXPECT_NEAR(b.dV, a.dV / r, 1e-13 * std::max(1.0, std::abs(a.dV / r))) << r;
    EXPECT_NEAR(b.d2V, (a.d2V - a.dV) / (r * r), 1e-12 * std::max(1.0, std::abs((a.d2V - a.dV) / (r * r)))) << r;
  }
  // Coincident particles (r = 0, never a physical state): finite energy, and eval gives no force.
  double V = 0, f = 1;
  log_in.eval(0.0, 1.0, 1.0, V, f);
  EXPECT_TRUE(std::isfinite(V));
  EXPECT_EQ(f, 0.0);
  const std::vector<float> p32(p.begin(), p.end());
  const auto log32 = make_pair_mlp<float, 16>(shape, p32.data(), lg);
  float V32 = 0, f32 = 1;
  log32.eval(0.0f, 1.0f, 1.0f, V32, f32);
  EXPECT_TRUE(std::isfinite(V32));
  EXPECT_EQ(f32, 0.0f);
}

TEST(PairMlp, EveryParameterGradientMatchesCentralDifferences) {
  for (const PairScaling& sc : test_scalings())
  for (Activation act : all_activations())
    for (const auto& widths : test_widths()) {
      const MlpShape shape = shape_of(widths, act);
      std::vector<double> p = random_params(shape, 29u + unsigned(widths[1]));
      const std::size_t P = p.size();
      std::vector<double> gw, gw_fd, gc, gc_fd, combo, combo_ref;
      for (double r : {0.4, 1.3, 2.6}) {
        std::vector<double> a(P, 0.0), b(P, 0.0), ab(P, 1.0);  // ab starts at 1: param_grad accumulates
        with_pair_mlp<double>(shape, p.data(), sc, [&](const auto& mlp) {
          mlp.param_grad(r, 1.0, 0.0, a.data());
          mlp.param_grad(r, 0.0, 1.0, b.data());
          mlp.param_grad(r, 0.3, -1.7, ab.data());
        });
        const double h = 1e-6;
        for (std::size_t k = 0; k < P; ++k) {
          const double keep = p[k];
          p[k] = keep + h;
          const PairJet<double> jp = make_pair_mlp<double, 64>(shape, p.data(), sc).jets(r);
          p[k] = keep - h;
          const PairJet<double> jm = make_pair_mlp<double, 64>(shape, p.data(), sc).jets(r);
          p[k] = keep;
          gw.push_back(a[k]), gw_fd.push_back((jp.V - jm.V) / (2 * h));
          gc.push_back(b[k]), gc_fd.push_back((jp.dV - jm.dV) / (2 * h));
          combo.push_back(ab[k]), combo_ref.push_back(1.0 + 0.3 * a[k] - 1.7 * b[k]);
        }
      }
      const std::string tag = shape_name(shape) + scaling_name(sc);
      expect_close(tag + " dV/dθ (w-part) vs FD", gw, gw_fd, 1e-7 * std::max(1.0, max_abs(gw_fd)), 1e-6);
      expect_close(tag + " dV'/dθ (c-part) vs FD", gc, gc_fd, 1e-7 * std::max(1.0, max_abs(gc_fd)), 1e-6);
      expect_close(tag + " g += w·dV/dθ + c·dV'/dθ", combo, combo_ref, 1e-13, 1e-13);
    }
}

TEST(PairMlp, BatchedGradientSumsPairsAndFloat32TracksFloat64) {
  const MlpShape shape = shape_of({1, 16, 16, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 5u);
  const std::size_t n = 300, P = p.size();
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> ur(0.2, 3.0), uw(-1, 1);
  std::vector<double> r(n), w(n), c(n);
  for (std::size_t k = 0; k < n; ++k) r[k] = ur(rng), w[k] = uw(rng), c[k] = uw(rng);
  std::vector<double> g(P, 0.5), g_ref(P, 0.5);
  pair_mlp_param_grad_cpu<double>(shape, p.data(), test_scaling(), r.data(), w.data(), c.data(), n, g.data());
  const auto mlp = make_pair_mlp<double, 16>(shape, p.data(), test_scaling());
  for (std::size_t k = 0; k < n; ++k) mlp.param_grad(r[k], w[k], c[k], g_ref.data());
  expect_close("batched f64 vs per-pair sum", g, g_ref, 1e-12 * max_abs(g_ref), 1e-12);

  // Float32 on float32-rounded inputs against float64 on the same inputs.
  const std::vector<float> pf(p.begin(), p.end()), rf(r.begin(), r.end()), wf(w.begin(), w.end()),
      cf(c.begin(), c.end());
  const std::vector<double> p64(pf.begin(), pf.end()), r64(rf.begin(), rf.end()), w64(wf.begin(), wf.end()),
      c64(cf.begin(), cf.end());
  std::vector<float> g32(P, 0.f);
  std::vector<double> g64(P, 0.0);
  pair_mlp_param_grad_cpu<float>(shape, pf.data(), test_scaling(), rf.data(), wf.data(), cf.data(), n, g32.data());
  pair_mlp_param_grad_cpu<double>(shape, p64.data(), test_scaling(), r64.data(), w64.data(), c64.data(), n,
                                  g64.data());
  expect_close("batched f32 vs f64 gradient", std::vector<double>(g32.begin(), g32.end()), g64,
               1e-4 * max_abs(g64), 1e-4);
  std::vector<double> j32, j64;
  const auto m32 = make_pair_mlp<float, 16>(shape, pf.data(), test_scaling());
  const auto m64 = make_pair_mlp<double, 16>(shape, p64.data(), test_scaling());
  for (std::size_t k = 0; k < 50; ++k) {
    const PairJet<float> a = m32.jets(rf[k]);
    const PairJet<double> b = m64.jets(r64[k]);
    j32.insert(j32.end(), {a.V, a.dV, a.d2V}), j64.insert(j64.end(), {b.V, b.dV, b.d2V});
  }
  expect_close("f32 vs f64 jets (V, V', V'')", j32, j64, 1e-4 * max_abs(j64), 1e-4);
  // Null w or c means zeros.
  std::vector<double> gw_only(P, 0.0), gw_ref(P, 0.0);
  pair_mlp_param_grad_cpu<double>(shape, p.data(), test_scaling(), r.data(), w.data(), nullptr, n, gw_only.data());
  for (std::size_t k = 0; k < n; ++k) mlp.param_grad(r[k], w[k], 0.0, gw_ref.data());
  expect_close("batched with c = null", gw_only, gw_ref, 1e-12 * max_abs(gw_ref), 1e-12);
}

namespace {

/// Σ_i m_i a_i (D) and Σ_i q_i × m_i a_i (1 or 3 components) of one system, plus Σ |m a|·(1 + |q|).
template <typename T>
void momentum_residuals(const std::vector<T>& q, const std::vector<T>& m, const std::vector<T>& a, int N, int D,
                        std::vector<double>& P, std::vector<double>& J, double& scale) {
  P.assign(D, 0.0), J.assign(D == 3 ? 3 : 1, 0.0), scale = 0;
  for (int i = 0; i < N; ++i) {
    double f[3] = {0, 0, 0}, x[3] = {0, 0, 0}, fn = 0, xn = 0;
    for (int c = 0; c < D; ++c) f[c] = double(m[i]) * a[i * D + c], x[c] = q[i * D + c];
    for (int c = 0; c < D; ++c) P[c] += f[c], fn += f[c] * f[c], xn += x[c] * x[c];
    if (D == 3) {
      J[0] += x[1] * f[2] - x[2] * f[1], J[1] += x[2] * f[0] - x[0] * f[2], J[2] += x[0] * f[1] - x[1] * f[0];
    } else {
      J[0] += x[0] * f[1] - x[1] * f[0];
    }
    scale += std::sqrt(fn) * (1 + std::sqrt(xn));
  }
}

template <typename T, typename Law>
double worst_momentum_residual(const Law& law, int N, int D, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-2, 2), um(0.5, 2);
  std::vector<T> q(std::size_t(N) * D), m(N), a(q.size());
  for (auto& x : q) x = T(u(rng));
  for (auto& x : m) x = T(um(rng));
  accelerations_cpu(law, q.data(), m.data(), a.data(), 1, N, D);
  std::vector<double> P, J;
  double scale;
  momentum_residuals(q, m, a, N, D, P, J, scale);
  double worst = 0;
  for (double v : P) worst = std::max(worst, std::abs(v) / scale);
  for (double v : J) worst = std::max(worst, std::abs(v) / scale);
  return worst;
}

}  // namespace

TEST(PairMlp, LearnedForcesConserveLinearAndAngularMomentumLikeAnalyticOnes) {
  for (int D : {2, 3}) {
    const MlpShape shape = shape_of({1, 16, 16, 1}, Activation::Squareplus);
    const std::vector<double> p = random_params(shape, 41u);
    const std::vector<float> pf(p.begin(), p.end());
    const double mlp64 = worst_momentum_residual<double>(make_pair_mlp<double, 16>(shape, p.data(), test_scaling()),
                                                         40, D, 3u + D);
    const double mlp32 = worst_momentum_residual<float>(make_pair_mlp<float, 16>(shape, pf.data(), test_scaling()),
                                                        40, D, 3u + D);
    const double grav64 = worst_momentum_residual<double>(Gravity<double>{1.0, 0.01}, 40, D, 3u + D);
    std::printf("  D=%d  |Σ m a|, |Σ q × m a| relative to Σ|m a|(1+|q|): mlp f64 %.2e, mlp f32 %.2e, gravity f64 %.2e\n",
                D, mlp64, mlp32, grav64);
    EXPECT_LT(mlp64, 1e-14);
    EXPECT_LT(mlp32, 1e-6);
    EXPECT_LT(grav64, 1e-14);
  }
}

TEST(PairMlp, CpuAccelerationsAreMinusGradientOfPotentialEnergy) {
  for (Activation act : all_activations()) {
    const MlpShape shape = shape_of({1, 10, 10, 1}, act);
    const std::vector<double> p = random_params(shape, 77u);
    const auto mlp = make_pair_mlp<double, 16>(shape, p.data(), test_scaling());
    const int B = 2, N = 6, D = 3;
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(-1.5, 1.5), um(0.5, 2);
    std::vector<double> q(std::size_t(B) * N * D), m(std::size_t(B) * N), a(q.size()), a_fd(q.size());
    for (auto& x : q) x = u(rng);
    for (auto& x : m) x = um(rng);
    accelerations_cpu(mlp, q.data(), m.data(), a.data(), B, N, D);
    const double h = 1e-5;
    std::vector<double> Up(B), Um(B);
    for (std::size_t k = 0; k < q.size(); ++k) {
      const int b = int(k / (std::size_t(N) * D)), i = int(k / D);
      const double keep = q[k];
      q[k] = keep + h;
      potential_energy_cpu(mlp, q.data(), m.data(), Up.data(), B, N, D);
      q[k] = keep - h;
      potential_energy_cpu(mlp, q.data(), m.data(), Um.data(), B, N, D);
      q[k] = keep;
      a_fd[k] = -(Up[b] - Um[b]) / (2 * h) / m[i];
    }
    expect_close(std::string("a = -grad U / m, ") + activation_name(act), a, a_fd, 1e-7 * max_abs(a_fd), 1e-6);
  }
}

TEST(PairMlp, RefusesUnsupportedShapesWithClearErrors) {
  const std::vector<double> p(100000, 0.1);
  auto message = [&](const MlpShape& s, const PairScaling& sc) -> std::string {
    try {
      with_pair_mlp<double>(s, p.data(), sc, [](const auto&) {});
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  const std::string wide = message(shape_of({1, 65, 1}, Activation::Tanh), {});
  EXPECT_NE(wide.find("up to 64"), std::string::npos) << wide;
  EXPECT_NE(wide.find("65"), std::string::npos) << wide;
  EXPECT_NE(message(shape_of({2, 8, 1}, Activation::Tanh), {}).find("input and output widths must be 1"),
            std::string::npos);
  EXPECT_NE(message(shape_of({1, 2, 2, 2, 2, 2, 2, 2, 2, 1}, Activation::Tanh), {}).find("at most 8 layers"),
            std::string::npos);
  EXPECT_NE(message(shape_of({1, 8, 1}, Activation::Tanh), {0, 0.0, 1, 0}).find("input_scale"), std::string::npos);
  EXPECT_EQ(message(shape_of({1, 64, 64, 1}, Activation::Tanh), {}), "");
  EXPECT_THROW((make_pair_mlp<double, 16>(shape_of({1, 17, 1}, Activation::Tanh), p.data())), Error);
  std::vector<double> g(100);
  EXPECT_THROW(pair_mlp_param_grad_cpu<double>(shape_of({1, 8, 1}, Activation::Tanh), p.data(), {}, nullptr, nullptr,
                                               nullptr, 3, g.data()),
               Error);
}

TEST(PairMlp, FlopCountOfTheForcePath) {
  // Derivation in PairMlp::value_and_slope: 2 + 4·(16 + 256 + 16) + 10·32 + 3.
  EXPECT_EQ(pair_mlp_slope_flops(shape_of({1, 16, 16, 1}, Activation::Squareplus)), 1477.0);
  EXPECT_EQ(pair_mlp_slope_flops(shape_of({1, 10, 10, 1}, Activation::Squareplus)), 2 + 4 * 120 + 200 + 3.0);
}
