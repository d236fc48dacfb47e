// mclnn/test_bulk_adjoint.cpp — the bulk MCLNN loss and its exact adjoint (mclnn/bulk_adjoint.hpp,
// mclnn/cutoff_jet.hpp) against float64 central differences in periodic boxes with pairs across the boundary,
// 2 species (3 pair MLPs) and pairs in the cutoff's switching region; the list widening on fast segments; the cut-off jets against the engine's
// CutoffLaw; the forward against the engine's bulk_accelerations; and, in open space with no cutoff and one
// species, equality with the existing MCLNN loss and gradient (mclnn/verlet_adjoint.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "noether/mclnn/bulk_adjoint.hpp"
#include "noether/mclnn/verlet_adjoint.hpp"
#include "noether/physics/bulk.hpp"
#include "noether/physics/pair_mlp.hpp"

using namespace noether;

namespace {

const MlpShape kShape{{1, 8, 8, 1}, Activation::Squareplus};

std::vector<double> random_params(std::size_t n, unsigned seed, double scale = 0.6) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  std::vector<double> p(n);
  for (auto& x : p) x = u(rng);
  return p;
}

CutoffSpec cutoff_spec(Smoothing s, double rc = 2.4, double ron = 1.8) {
  CutoffSpec c;
  c.cutoff = rc, c.smoothing = s, c.r_on = s == Smoothing::Switch ? ron : 0.0;
  return c;
}

/// A bulk segment: N particles in a periodic cube of edge L, 2 species, a pair straddling the x = 0 face at
/// r = 1.2 and one straddling the y = 0 face in the switching region (r = 2.1), the rest random (r > 0.9).
struct BulkCase {
  int N = 10, D = 3, stride = 3, horizon = 3;
  double dt = 0.01, L = 5.2, skin = 0.4;
  Box box;
  std::vector<double> q0, v0, m, target;
  std::vector<int> species;
};

BulkCase make_case(int D, unsigned seed) {
  BulkCase s;
  s.D = D;
  s.box.present = true;
  for (int c = 0; c < D; ++c) s.box.L[c] = s.L, s.box.periodic[c] = true;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u01(0, 1), u(-1, 1);
  auto put = [&](std::vector<double> x) {
    for (int c = 0; c < D; ++c) s.q0.push_back(x[c]);
  };
  put({0.02, 2.0, 2.5}), put({s.L - 0.9, 2.0, 2.5});  // across x = 0: r = 0.92
  put({2.5, 0.4, 1.0}), put({2.5, s.L - 1.7, 1.0});   // across y = 0: r = 2.1 (switching region)
  PeriodicAxes<double> ax(s.box);
  while (int(s.q0.size()) < s.N * D) {
    std::vector<double> x(3);
    for (int c = 0; c < D; ++c) x[c] = s.L * u01(rng);
    bool ok = true;
    for (std::size_t j = 0; j < s.q0.size() / D; ++j) {
      double r2 = 0;
      for (int c = 0; c < D; ++c) {
        const double d = ax.min_image(x[c] - s.q0[j * D + c], c);
        r2 += d * d;
      }
      ok = ok && r2 > 0.9 * 0.9;
    }
    if (ok) put(x);
  }
  for (int i = 0; i < s.N; ++i) {
    for (int c = 0; c < D; ++c) s.v0.push_back(0.4 * u(rng));
    s.m.push_back(0.8 + 0.5 * u01(rng));
    s.species.push_back(i % 2);
  }
  s.v0[0] = -0.4;  // particle 0 leaves through x = 0 in the first step: its wrapped targets sit near x = L
  // targets: a free drift plus noise, WRAPPED into the box (as data files store them)
  for (int h = 1; h <= s.horizon; ++h)
    for (int k = 0; k < s.N * D; ++k) {
      double x = s.q0[k] + h * s.stride * s.dt * s.v0[k] + 0.02 * u(rng);
      int n = 0;
      wrap_coordinate(x, n, s.L, 1 / s.L);
      s.target.push_back(x);
    }
  return s;
}

double bulk_loss(const BulkCase& s, const std::vector<double>& theta, Smoothing sm, double* grad,
                 BulkSegmentStats* stats = nullptr) {
  const int P = species_pair_count(2);
  std::vector<PairScaling> sc(P, PairScaling{1.6, 0.8, 1.0, 0.0});
  std::vector<CutoffSpec> cut(P, cutoff_spec(sm));
  return with_bulk_pair_mlps<double>(kShape, theta.data(), 2, sc, cut, [&](const auto& models) {
    return bulk_segment_loss_and_grad_cpu<double>(models, s.box, s.species.data(), s.skin, s.q0.data(), s.v0.data(),
                                                  s.m.data(), s.N, s.D, s.dt, s.stride, s.horizon, s.target.data(),
                                                  1.0, grad, stats);
  });
}

/// max_k |g_fd[k] − g[k]| / max_k |g[k]|, g_fd by float64 central differences of loss(θ) of fourth order,
///   g_fd = (−L(θ + 2h e_k) + 8 L(θ + h e_k) − 8 L(θ − h e_k) + L(θ − 2h e_k)) / (12 h),
/// whose truncation error (O(h⁴)) stays below the rounding error (O(ε/h)) at h = 1e-3: the second-order stencil's
/// best step leaves ~1e-8 of truncation or rounding on these small losses (measured), this one ~1e-10.
template <typename LossFn>
double gradient_error(LossFn&& loss, std::vector<double> theta, const std::vector<double>& g, double h = 1e-3) {
  double worst = 0, gmax = 0;
  for (std::size_t k = 0; k < theta.size(); ++k) {
    const double t = theta[k];
    double Ls[4];
    const double off[4] = {2 * h, h, -h, -2 * h};
    for (int s = 0; s < 4; ++s) theta[k] = t + off[s], Ls[s] = loss(theta);
    theta[k] = t;
    const double fd = (-Ls[0] + 8 * Ls[1] - 8 * Ls[2] + Ls[3]) / (12 * h);
    worst = std::max(worst, std::abs(fd - g[k]));
    gmax = std::max(gmax, std::abs(g[k]));
  }
  return worst / gmax;
}

}  // namespace

TEST(BulkAdjoint, SpeciesPairIndexCoversUnorderedPairsOnce) {
  EXPECT_EQ(species_pair_count(3), 6);
  std::vector<int> seen;
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) {
      EXPECT_EQ(species_pair_index(a, b, 3), species_pair_index(b, a, 3));
      seen.push_back(species_pair_index(a, b, 3));
    }
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

TEST(BulkAdjoint, CutoffJetsMatchTheEngineAndCentralDifferences) {
  const std::vector<double> theta = random_params(kShape.parameter_count(), 7);
  const PairScaling sc{1.6, 0.8, 1.0, 0.0};
  const auto mlp = make_pair_mlp<double, 16>(kShape, theta.data(), sc);
  for (Smoothing sm : {Smoothing::Switch, Smoothing::ShiftedForce, Smoothing::None}) {
    const CutoffJet<double, PairMlp<double, 16>> cj(mlp, cutoff_spec(sm));
    const CutoffLaw<double, PairMlp<double, 16>> engine(mlp, cutoff_spec(sm));
    for (double r : {0.95, 1.5, 1.85, 2.0, 2.3, 2.39, 2.5}) {
      const PairJet<double> j = cj.jets(r);
      double V, f_over_r;
      engine.eval(r * r, 1.0, 1.0, V, f_over_r);
      EXPECT_NEAR(j.V, V, 1e-13) << "r = " << r;
      EXPECT_NEAR(j.dV, -f_over_r * r, 1e-12) << "r = " << r;
      const double h = 1e-5;  // V_c'' against a central difference of V_c' (second order)
      if (r + h < 2.4 || r > 2.4) {
        EXPECT_NEAR(j.d2V, (cj.jets(r + h).dV - cj.jets(r - h).dV) / (2 * h), 1e-7) << "r = " << r;
      }
      // parameter gradients of wV V_c + wdV V_c'
      const double wV = 0.7, wdV = -1.3;
      std::vector<double> g(theta.size(), 0.0), th = theta;
      cj.param_grad(r, wV, wdV, g.data());
      auto f = [&](const std::vector<double>& t) {
        const CutoffJet<double, PairMlp<double, 16>> c2(make_pair_mlp<double, 16>(kShape, t.data(), sc),
                                                        cutoff_spec(sm));
        const PairJet<double> jj = c2.jets(r);
        return wV * jj.V + wdV * jj.dV;
      };
      if (r >= 2.4) {
        for (double x : g) EXPECT_EQ(x, 0.0);
        continue;
      }
      EXPECT_LT(gradient_error(f, th, g), 1e-8) << "r = " << r << " smoothing " << int(sm);
    }
  }
}

TEST(BulkAdjoint, ForwardAccelerationsEqualTheEngines) {
  for (int D : {2, 3}) {
    const BulkCase s = make_case(D, 3u + D);
    const int P = species_pair_count(2);
    const std::vector<double> theta = random_params(P * kShape.parameter_count(), 21);
    const PairScaling sc{1.6, 0.8, 1.0, 0.0};
    // the engine: CutoffLaw<PairMlp> per (a, b)
    SpeciesLaws<double, PairMlp<double, 16>> laws;
    laws.S = 2;
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 2; ++b)
        laws.laws.emplace_back(make_pair_mlp<double, 16>(kShape, theta.data() + species_pair_index(a, b, 2) *
                                                                                    kShape.parameter_count(),
                                                         sc),
                               cutoff_spec(Smoothing::Switch));
    std::vector<double> a_engine(s.N * D), a_train(s.N * D);
    bulk_accelerations(laws, PeriodicAxes<double>(s.box), s.q0.data(), s.m.data(), s.species.data(),
                       static_cast<const NeighborList<double>*>(nullptr), a_engine.data(), s.N, D);
    std::vector<PairScaling> scs(P, sc);
    std::vector<CutoffSpec> cut(P, cutoff_spec(Smoothing::Switch));
    with_bulk_pair_mlps<double>(kShape, theta.data(), 2, scs, cut, [&](const auto& models) {
      const PeriodicAxes<double> ax(s.box);
      const SegmentPairList pl = build_segment_pairs(ax, s.q0.data(), s.species.data(), 2, s.N, D, 2.4 + s.skin);
      bulk_pair_accelerations(models, ax, pl, s.q0.data(), s.m.data(), s.N, D, a_train.data());
      return 0;
    });
    for (int k = 0; k < s.N * D; ++k) EXPECT_NEAR(a_train[k], a_engine[k], 1e-12 * (1 + std::abs(a_engine[k])));
  }
}

TEST(BulkAdjoint, GradientMatchesCentralDifferencesWithImagesSpeciesAndCutoff) {
  for (Smoothing sm : {Smoothing::Switch, Smoothing::ShiftedForce})
    for (int D : {2, 3}) {
      const BulkCase s = make_case(D, 11u + D);
      const std::vector<double> theta = random_params(species_pair_count(2) * kShape.parameter_count(), 5u + D);
      // the case has what it is meant to test: image pairs, switching-region pairs, several Verlet steps
      const PeriodicAxes<double> ax(s.box);
      int images = 0, switching = 0;
      for (int i = 0; i < s.N; ++i)
        for (int j = i + 1; j < s.N; ++j) {
          double r2 = 0;
          bool img = false;
          for (int c = 0; c < D; ++c) {
            const double raw = s.q0[i * D + c] - s.q0[j * D + c], d = ax.min_image(raw, c);
            img = img || d != raw;
            r2 += d * d;
          }
          const double r = std::sqrt(r2);
          images += img && r < 2.4;
          switching += r > 1.8 && r < 2.4;
        }
      EXPECT_GE(images, 2);
      EXPECT_GE(switching, 1);
      int wrapped_targets = 0;  // residuals that need the minimum image (target wrapped, prediction not)
      for (int h = 0; h < s.horizon; ++h)
        for (int k = 0; k < s.N * D; ++k) wrapped_targets += std::abs(s.target[h * s.N * D + k] - s.q0[k]) > s.L / 2;
      EXPECT_GE(wrapped_targets, 1);

      std::vector<double> g(theta.size(), 0.0);
      BulkSegmentStats st;
      const double L0 = bulk_loss(s, theta, sm, g.data(), &st);
      EXPECT_GT(L0, 0.0);
      EXPECT_LT(st.pairs, std::size_t(s.N * (s.N - 1) / 2));  // the list is a proper subset
      EXPECT_GT(st.max_displacement, 0.0);
      EXPECT_EQ(bulk_loss(s, theta, sm, nullptr), L0);
      for (int p = 0; p < 3; ++p) {  // every species pair's network gets a gradient
        double n = 0;
        for (std::size_t k = 0; k < kShape.parameter_count(); ++k) n += std::abs(g[p * kShape.parameter_count() + k]);
        EXPECT_GT(n, 0.0) << "pair " << p;
      }
      const double err =
          gradient_error([&](const std::vector<double>& t) { return bulk_loss(s, t, sm, nullptr); }, theta, g);
      RecordProperty("rel_err_D" + std::to_string(D) + "_sm" + std::to_string(int(sm)), std::to_string(err));
      std::printf("bulk adjoint D=%d smoothing=%d: loss %.3e, %zu pairs, gradient max rel error %.2e\n", D, int(sm),
                  L0, st.pairs, err);
      // measured (4th-order stencil, h = 1e-3): switch 4e-11 (D = 2), 1e-10 (D = 3); shifted force 3e-9, 9e-9
      // (its V(r) − V(r_c) − (r − r_c)V′(r_c) cancels, so the loss carries more rounding)
      EXPECT_LT(err, sm == Smoothing::Switch ? 1e-9 : 5e-8) << "D = " << D << " smoothing " << int(sm);
    }
}

TEST(BulkAdjoint, OpenSpaceNoCutoffOneSpeciesEqualsTheExistingLoss) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int D : {2, 3}) {
    const int N = 5, stride = 3, horizon = 2;
    const double dt = 0.02;
    std::vector<double> q0, v0, m, target;
    for (int i = 0; i < N; ++i) {
      const double ang = 2 * M_PI * i / N;
      for (int c = 0; c < D; ++c) {
        q0.push_back((c == 0 ? std::cos(ang) : c == 1 ? std::sin(ang) : 0.0) + 0.1 * u(rng));
        v0.push_back(0.3 * u(rng));
      }
      m.push_back(1.0 + 0.3 * u(rng));
    }
    for (int h = 0; h < horizon; ++h)
      for (int k = 0; k < N * D; ++k) target.push_back(q0[k] + 0.05 * u(rng));
    const std::vector<double> theta = random_params(kShape.parameter_count(), 9);
    const PairScaling sc{1.2, 0.6, 1.0, 0.0};
    std::vector<double> g_old(theta.size(), 0.0), g_new(theta.size(), 0.0);
    const double l_old = with_pair_mlp<double>(kShape, theta.data(), sc, [&](const auto& mlp) {
      return segment_loss_and_grad_cpu<double>(mlp, q0.data(), v0.data(), m.data(), N, D, dt, stride, horizon,
                                               target.data(), 0.5, g_old.data());
    });
    const double l_new = with_bulk_pair_mlps<double>(kShape, theta.data(), 1, {sc}, {CutoffSpec{}},
                                                     [&](const auto& models) {
      return bulk_segment_loss_and_grad_cpu<double>(models, Box{}, nullptr, 0.0, q0.data(), v0.data(), m.data(), N,
                                                    D, dt, stride, horizon, target.data(), 0.5, g_new.data());
    });
    EXPECT_NEAR(l_new, l_old, 1e-14 * l_old);
    double gmax = 0, diff = 0;
    for (std::size_t k = 0; k < theta.size(); ++k)
      gmax = std::max(gmax, std::abs(g_old[k])), diff = std::max(diff, std::abs(g_new[k] - g_old[k]));
    EXPECT_LT(diff, 1e-12 * gmax) << "D = " << D;
  }
}

TEST(BulkAdjoint, GrowsTheSkinWhenTheRolloutOutrunsIt) {
  for (double fast : {6.0, 40.0}) {  // moves ~0.3 / ~1.4 in 9 steps of 0.01: beyond skin/2 = 0.2
    BulkCase s = make_case(3, 5u);
    for (auto& v : s.v0) v *= fast;
    const std::vector<double> theta = random_params(3 * kShape.parameter_count(), 1);
    std::vector<double> g(theta.size(), 0.0), g_wide(theta.size(), 0.0);
    BulkSegmentStats st, st_wide;
    const double l = bulk_loss(s, theta, Smoothing::Switch, g.data(), &st);
    EXPECT_GT(st.max_displacement, 0.2);
    EXPECT_GT(st.skin, 2 * st.max_displacement);  // the list was widened to cover the motion
    // the same as a list wide enough from the start (all pairs within r_c + 4)
    s.skin = 4.0;
    const double l_wide = bulk_loss(s, theta, Smoothing::Switch, g_wide.data(), &st_wide);
    EXPECT_EQ(st_wide.skin, 4.0);
    EXPECT_NEAR(l, l_wide, 1e-14 * l);
    double gmax = 0, diff = 0;
    for (std::size_t k = 0; k < g.size(); ++k)
      gmax = std::max(gmax, std::abs(g_wide[k])), diff = std::max(diff, std::abs(g[k] - g_wide[k]));
    EXPECT_LT(diff, 1e-12 * gmax) << "velocity x" << fast;
  }
}

TEST(BulkAdjoint, RefusesAPeriodicAxisShorterThanTwoCutoffs) {
  BulkCase s = make_case(3, 5u);
  s.box.L[2] = 4.0;  // < 2 r_c = 4.8
  const std::vector<double> theta = random_params(3 * kShape.parameter_count(), 1);
  EXPECT_THROW(bulk_loss(s, theta, Smoothing::Switch, nullptr), Error);
}

TEST(BulkAdjoint, Float32AgreesWithFloat64) {
  const BulkCase s = make_case(3, 13u);
  const std::vector<double> theta = random_params(3 * kShape.parameter_count(), 2);
  std::vector<double> g64(theta.size(), 0.0);
  const double l64 = bulk_loss(s, theta, Smoothing::Switch, g64.data());
  auto to_f = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
  const std::vector<float> th = to_f(theta), q0 = to_f(s.q0), v0 = to_f(s.v0), m = to_f(s.m), tg = to_f(s.target);
  std::vector<float> g32(theta.size(), 0.0f);
  const std::vector<PairScaling> sc(3, PairScaling{1.6, 0.8, 1.0, 0.0});
  const std::vector<CutoffSpec> cut(3, cutoff_spec(Smoothing::Switch));
  const float l32 = with_bulk_pair_mlps<float>(kShape, th.data(), 2, sc, cut, [&](const auto& models) {
    return bulk_segment_loss_and_grad_cpu<float>(models, s.box, s.species.data(), s.skin, q0.data(), v0.data(), m.data(),
                                                 s.N, s.D, float(s.dt), s.stride, s.horizon, tg.data(), 1.0f,
                                                 g32.data());
  });
  EXPECT_NEAR(l32, l64, 1e-4 * l64);  // measured 5e-6 (loss), 1.5e-5 (gradient)
  double gmax = 0, diff = 0;
  for (std::size_t k = 0; k < g64.size(); ++k)
    gmax = std::max(gmax, std::abs(g64[k])), diff = std::max(diff, std::abs(double(g32[k]) - g64[k]));
  std::printf("bulk adjoint float32: loss rel error %.2e, gradient max rel error %.2e\n", std::abs(l32 - l64) / l64,
              diff / gmax);
  EXPECT_LT(diff, 2e-4 * gmax);
}
