// mclnn/test_verlet_tangent.cpp — the forward-mode Jacobian of an MCLNN segment's residuals (mclnn/verlet_tangent.hpp)
// against float64 central differences of the residuals, for the pair MLP (every activation, both input transforms,
// N = 2–5, D = 1–3, stride and horizon > 1; fourth-order differences) and an analytic three-parameter model; its loss is the adjoint's
// (segment_loss_and_grad_cpu) bit for bit, and 2/(horizon·N) Jᵀe is the adjoint's gradient to round-off; coincident
// particles add nothing; a diverged rollout is the adjoint's error.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/mclnn/verlet_adjoint.hpp"
#include "support/analytic_pair_model.hpp"
#include "noether/mclnn/verlet_tangent.hpp"
#include "noether/mclnn/verlet_tangent_lanes.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "support/pair_mlp_test_util.hpp"

using namespace noether;
using namespace noether_test;

namespace {

using ParamModel = noether_test::AnalyticPairModel;  // V(r) = α/r + ½k(r − r0)², θ = (α, k, r0)

struct Seg {
  int N, D, stride, horizon;
  double dt;
  std::vector<double> q0, v0, m, target;
};

/// N particles on a jittered ring (no close pairs), random masses and velocities, targets near the free flight.
Seg make_seg(int N, int D, int stride, int horizon, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1), um(0.7, 1.6);
  Seg s{N, D, stride, horizon, 0.02, {}, {}, {}, {}};
  for (int i = 0; i < N; ++i) {
    const double ang = 2 * M_PI * i / N;
    for (int c = 0; c < D; ++c) {
      const double base = c == 0 ? 1.2 * std::cos(ang) + (D == 1 ? 1.3 * i : 0.0) : c == 1 ? 1.2 * std::sin(ang) : 0.0;
      s.q0.push_back(base + 0.1 * u(rng));
      s.v0.push_back(0.3 * u(rng));
    }
    s.m.push_back(um(rng));
  }
  for (int h = 1; h <= horizon; ++h)
    for (int k = 0; k < N * D; ++k)
      s.target.push_back(s.q0[k] + h * stride * s.dt * s.v0[k] + 0.01 * u(rng));
  return s;
}

template <typename Model>
double residuals(const Model& model, const Seg& s, std::vector<double>& e, std::vector<double>* J) {
  e.assign(std::size_t(s.horizon) * s.N * s.D, 0.0);
  if (J) J->assign(e.size() * std::size_t(model.parameter_count()), 0.0);
  return segment_residuals_and_jacobian_cpu<double>(model, s.q0.data(), s.v0.data(), s.m.data(), s.N, s.D, s.dt,
                                                    s.stride, s.horizon, s.target.data(), e.data(),
                                                    J ? J->data() : nullptr);
}

/// Checks J against central differences of e (a model built from a parameter vector by `make`), the loss against
/// the adjoint's bit for bit, and the adjoint's gradient against 2/(horizon·N) Jᵀe. Returns the worst relative
/// difference to the central differences.
template <typename Make>
double check_segment(const Make& make, std::vector<double> p, const Seg& s, const std::string& name) {
  const int P = int(p.size());
  std::vector<double> e, J;
  double loss = 0, adjoint_loss = 0;
  std::vector<double> g(P, 0.0);
  make(p, [&](const auto& model) {
    loss = residuals(model, s, e, &J);
    adjoint_loss = segment_loss_and_grad_cpu<double>(model, s.q0.data(), s.v0.data(), s.m.data(), s.N, s.D, s.dt,
                                                     s.stride, s.horizon, s.target.data(), 1.0, g.data());
  });
  EXPECT_EQ(loss, adjoint_loss) << name;
  const std::size_t R = e.size();
  double gscale = 0;
  for (double x : g) gscale = std::max(gscale, std::abs(x));
  for (int k = 0; k < P; ++k) {
    double jte = 0;
    for (std::size_t row = 0; row < R; ++row) jte += J[row * P + k] * e[row];
    EXPECT_NEAR(2.0 / (s.horizon * s.N) * jte, g[k], 1e-12 * gscale + 1e-300) << name << " gradient " << k;
  }
  double jscale = 0;
  for (double x : J) jscale = std::max(jscale, std::abs(x));
  // Fourth-order central differences, (−e(2h) + 8e(h) − 8e(−h) + e(−2h)) / 12h: with h = 1e-3 their truncation
  // (~h⁴) and round-off (~1e-16 |q| / h) both stay near 1e-12, far below the bound.
  double worst = 0;
  for (int k = 0; k < P; ++k) {
    const double h = 1e-3 * std::max(1.0, std::abs(p[k]));
    std::vector<std::vector<double>> es(4);
    const double steps[4] = {2 * h, h, -h, -2 * h};
    for (int t = 0; t < 4; ++t) {
      auto pt = p;
      pt[k] += steps[t];
      make(pt, [&](const auto& model) { residuals(model, s, es[t], nullptr); });
    }
    for (std::size_t row = 0; row < R; ++row) {
      const double fd = (-es[0][row] + 8 * es[1][row] - 8 * es[2][row] + es[3][row]) / (12 * h),
                   got = J[row * P + k];
      worst = std::max(worst, std::abs(fd - got) / jscale);
      EXPECT_NEAR(got, fd, 1e-7 * jscale) << name << " J[" << row << ", " << k << "]";
    }
  }
  return worst;
}

}  // namespace

TEST(VerletTangent, AnalyticModelJacobianMatchesCentralDifferences) {
  for (int D : {1, 2, 3})
    for (int N : {2, 4}) {
      const Seg s = make_seg(N, D, 3, 2, 100u + unsigned(N * D));
      const auto make = [](const std::vector<double>& p, const auto& use) { use(ParamModel{{p[0], p[1], p[2]}}); };
      const double worst = check_segment(make, {0.3, 1.2, 0.9}, s, "N=" + std::to_string(N) + " D=" + std::to_string(D));
      std::printf("  analytic N=%d D=%d: worst |J - central differences| / max|J| = %.2e\n", N, D, worst);
    }
}

TEST(VerletTangent, PairMlpJacobianMatchesCentralDifferences) {
  int cases = 0;
  for (const PairScaling& sc : test_scalings())
    for (Activation act : all_activations())
      for (const std::vector<int>& widths : {std::vector<int>{1, 6, 1}, std::vector<int>{1, 5, 4, 1}}) {
        const MlpShape shape = shape_of(widths, act);
        const std::vector<double> p0 = random_params(shape, 7u + unsigned(cases), 0.8);
        const int N = 2 + cases % 4, D = 1 + cases % 3;
        const Seg s = make_seg(N, D, 2 + cases % 2, 1 + cases % 3, 40u + unsigned(cases));
        const auto make = [&](const std::vector<double>& p, const auto& use) {
          with_pair_mlp<double>(shape, p.data(), sc, [&](const auto& mlp) { use(mlp); });
        };
        const std::string name = shape_name(shape) + scaling_name(sc) + " N=" + std::to_string(N) + " D=" +
                                 std::to_string(D);
        const double worst = check_segment(make, p0, s, name);
        std::printf("  %s: worst |J - central differences| / max|J| = %.2e\n", name.c_str(), worst);
        ++cases;
      }
  EXPECT_GE(cases, 12);
}

TEST(VerletTangent, CoincidentParticlesAddNothing) {
  // Two particles on top of each other exert no force (physics/pair_laws.hpp): their pair adds no tangent either, so
  // the Jacobian equals the one without that pair's contribution — checked through the loss gradient (the adjoint's
  // convention) and finiteness.
  Seg s = make_seg(3, 2, 2, 1, 9u);
  for (int c = 0; c < 2; ++c) s.q0[2 + c] = s.q0[c], s.v0[2 + c] = s.v0[c];  // particle 1 on particle 0 …
  s.m[1] = s.m[0];  // … and moving with it: the pair stays at r = 0 through the segment
  const ParamModel model{{0.3, 1.2, 0.9}};
  std::vector<double> e, J, g(3, 0.0);
  residuals(model, s, e, &J);
  for (double x : J) EXPECT_TRUE(std::isfinite(x));
  segment_loss_and_grad_cpu<double>(model, s.q0.data(), s.v0.data(), s.m.data(), s.N, s.D, s.dt, s.stride, s.horizon,
                                    s.target.data(), 1.0, g.data());
  for (int k = 0; k < 3; ++k) {
    double jte = 0;
    for (std::size_t row = 0; row < e.size(); ++row) jte += J[row * 3 + k] * e[row];
    EXPECT_NEAR(2.0 / (s.horizon * s.N) * jte, g[k], 1e-12 * (1 + std::abs(g[k])));
  }
}

TEST(VerletTangent, DivergedRolloutIsAnError) {
  const ParamModel model{{0.0, 1e6, 0.1}};
  Seg s = make_seg(3, 2, 50, 1, 3u);
  s.dt = 5.0;
  std::vector<double> e, J;
  EXPECT_THROW(residuals(model, s, e, &J), Error);
}

TEST(MclnnTangentLanes, EachLaneMatchesTheOneSegmentFunctionAndNotItsLane) {
#if !defined(__AVX512F__)
  GTEST_SKIP() << "the lanes exist in AVX-512 builds only (mclnn/verlet_tangent_lanes.hpp)";
#else
  int cases = 0;
  for (const PairScaling& sc : test_scalings())
    for (Activation act : all_activations()) {
      const MlpShape shape = shape_of(cases % 2 ? std::vector<int>{1, 10, 10, 1} : std::vector<int>{1, 5, 4, 1}, act);
      const std::vector<double> p = random_params(shape, 21u + unsigned(cases), 0.8);
      const int N = 2 + cases % 4, D = 1 + cases % 3, stride = 2 + cases % 2, horizon = 1 + cases % 3;
      with_pair_mlp<double>(shape, p.data(), sc, [&](const auto& mlp) {
        using Mlp = std::decay_t<decltype(mlp)>;
        using Lanes = typename Mlp::Lanes;
        constexpr int K = Mlp::kBlock;
        const int P = mlp.parameter_count();
        std::vector<Seg> segs;
        for (int l = 0; l < K; ++l) segs.push_back(make_seg(N, D, stride, horizon, 300u + unsigned(cases * K + l)));
        if (N >= 3) {  // lane 2: particle 1 on particle 0 and moving with it (r = 0 through the segment)
          Seg& s = segs[2];
          for (int c = 0; c < D; ++c) s.q0[D + c] = s.q0[c], s.v0[D + c] = s.v0[c];
          s.m[1] = s.m[0];
        }
        // lanes: the segments in order, then the same segments rotated by 3 lanes (the same bits in any lane)
        std::vector<std::vector<double>> first_J(K);
        for (int rot : {0, 3}) {
          SegmentLanes<double, Mlp::kMaxWidth> lanes;
          for (int l = 0; l < K; ++l) {
            const Seg& s = segs[(l + rot) % K];
            lanes.q0[l] = s.q0.data(), lanes.v0[l] = s.v0.data(), lanes.mass[l] = s.m.data();
            lanes.target[l] = s.target.data(), lanes.weight[l] = 1.0;
          }
          const std::size_t R = std::size_t(horizon) * N * D;
          std::vector<Lanes> el(R), Jl(R * P);
          const Lanes loss = segment_lanes_residuals_and_jacobian(mlp, lanes, N, D, segs[0].dt, stride, horizon,
                                                                  el.data(), Jl.data());
          for (int l = 0; l < K; ++l) {
            const Seg& s = segs[(l + rot) % K];
            std::vector<double> e, J;
            const double want = residuals(mlp, s, e, &J);
            const std::string name = shape_name(shape) + scaling_name(sc) + " lane " + std::to_string(l);
            EXPECT_NEAR(loss[l], want, 1e-12 * want) << name;
            double es = 0, js = 0;
            for (double x : e) es = std::max(es, std::abs(x));
            for (double x : J) js = std::max(js, std::abs(x));
            for (std::size_t k = 0; k < R; ++k) EXPECT_NEAR(el[k][l], e[k], 1e-12 * es) << name << " e " << k;
            for (std::size_t k = 0; k < R * std::size_t(P); ++k)
              EXPECT_NEAR(Jl[k][l], J[k], 1e-12 * js) << name << " J " << k;
            std::vector<double> mine(R * P);
            for (std::size_t k = 0; k < mine.size(); ++k) mine[k] = Jl[k][l];
            if (rot == 0) first_J[l] = mine;
            else EXPECT_EQ(mine, first_J[(l + rot) % K]) << name << ": another lane, other bits";
          }
        }
      });
      ++cases;
    }
  EXPECT_GE(cases, 6);
#endif
}
