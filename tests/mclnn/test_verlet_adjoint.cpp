// mclnn/test_verlet_adjoint.cpp — the reverse-mode gradient of the MCLNN trajectory loss through velocity
// Verlet (mclnn/verlet_adjoint.hpp) against float64 central differences, with an analytic parametrised
// pair model V(r; α, k, r0) = α/r + ½k(r − r0)², so the adjoint is checked independently of the MLP.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/verlet.hpp"
#include "noether/mclnn/verlet_adjoint.hpp"
#include "support/analytic_pair_model.hpp"

using namespace noether;

namespace {

using ParamModel = noether_test::AnalyticPairModel;  // V(r) = α/r + ½k(r − r0)², θ = (α, k, r0)

struct Segment {
  int N, D, stride, horizon;
  double dt;
  std::vector<double> q0, v0, m, target;
};

Segment make_segment(int N, int D, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1), um(0.7, 1.6);
  Segment s{N, D, 3, 4, 0.02, {}, {}, {}, {}};
  // particles on a jittered ring of radius 1 (no close pairs)
  for (int i = 0; i < N; ++i) {
    const double ang = 2 * M_PI * i / N;
    for (int c = 0; c < D; ++c) {
      const double base = c == 0 ? std::cos(ang) : c == 1 ? std::sin(ang) : 0.0;
      s.q0.push_back(base + 0.1 * u(rng));
      s.v0.push_back(0.3 * u(rng));
    }
    s.m.push_back(um(rng));
  }
  for (int h = 0; h < s.horizon; ++h)
    for (int k = 0; k < N * D; ++k) s.target.push_back(s.q0[k] + 0.05 * u(rng) + 0.06 * (h + 1) * s.v0[k]);
  return s;
}

double loss_of(const ParamModel& model, const Segment& s, double* grad) {
  return segment_loss_and_grad_cpu<double>(model, s.q0.data(), s.v0.data(), s.m.data(), s.N, s.D, s.dt, s.stride,
                                           s.horizon, s.target.data(), 1.0, grad);
}

}  // namespace

TEST(VerletAdjoint, AccelerationVjpMatchesCentralDifferences) {
  const ParamModel model{{0.3, 1.2, 0.9}};
  for (int D : {2, 3}) {
    const Segment s = make_segment(5, D, 11u + D);
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<double> lambda(s.q0.size());
    for (auto& x : lambda) x = u(rng);
    auto lam_dot_A = [&](const ParamModel& md, const std::vector<double>& q) {
      std::vector<double> a(q.size());
      accelerations_cpu(md, q.data(), s.m.data(), a.data(), 1, s.N, D);
      double t = 0;
      for (std::size_t k = 0; k < a.size(); ++k) t += lambda[k] * a[k];
      return t;
    };
    std::vector<double> gq(s.q0.size(), 0.0), gt(3, 0.0);
    accelerations_vjp_cpu(model, s.q0.data(), s.m.data(), lambda.data(), s.N, D, gq.data(), gt.data());
    const double h = 1e-6;
    double worst = 0;
    for (std::size_t k = 0; k < gq.size(); ++k) {
      auto qp = s.q0, qm = s.q0;
      qp[k] += h, qm[k] -= h;
      const double fd = (lam_dot_A(model, qp) - lam_dot_A(model, qm)) / (2 * h);
      worst = std::max(worst, std::abs(fd - gq[k]) / (1e-8 + std::abs(fd)));
      EXPECT_NEAR(gq[k], fd, 1e-7 * (1 + std::abs(fd))) << "q[" << k << "] D=" << D;
    }
    for (int p = 0; p < 3; ++p) {
      ParamModel mp = model, mm = model;
      mp.theta[p] += h, mm.theta[p] -= h;
      const double fd = (lam_dot_A(mp, s.q0) - lam_dot_A(mm, s.q0)) / (2 * h);
      EXPECT_NEAR(gt[p], fd, 1e-7 * (1 + std::abs(fd))) << "theta[" << p << "] D=" << D;
    }
    std::printf("  D=%d J_A^T lambda: worst relative error vs central differences %.2e\n", D, worst);
  }
}

TEST(VerletAdjoint, SegmentLossGradientMatchesCentralDifferences) {
  const ParamModel model{{0.3, 1.2, 0.9}};
  for (int D : {2, 3})
    for (int N : {2, 4}) {
      const Segment s = make_segment(N, D, 100u + unsigned(N * D));
      double g[3] = {0, 0, 0};
      const double L = loss_of(model, s, g);
      EXPECT_GT(L, 0.0);
      const double h = 1e-5;
      for (int p = 0; p < 3; ++p) {
        ParamModel mp = model, mm = model;
        mp.theta[p] += h, mm.theta[p] -= h;
        const double fd = (loss_of(mp, s, nullptr) - loss_of(mm, s, nullptr)) / (2 * h);
        std::printf("  N=%d D=%d dL/dtheta[%d]: adjoint %+.12e  central diff %+.12e\n", N, D, p, g[p], fd);
        EXPECT_NEAR(g[p], fd, 1e-7 * std::abs(fd) + 1e-10) << "N=" << N << " D=" << D << " theta " << p;
      }
    }
}

TEST(VerletAdjoint, GradientIsZeroWhenTheModelGeneratedTheTargets) {
  // Targets produced by the model itself: loss 0 and gradient 0 (a minimum) — the adjoint must agree.
  const ParamModel model{{0.2, 0.8, 1.1}};
  Segment s = make_segment(3, 2, 7u);
  std::vector<double> q = s.q0, v = s.v0, a(q.size());
  accelerations_cpu(model, q.data(), s.m.data(), a.data(), 1, s.N, s.D);
  s.target.clear();
  for (int h = 0; h < s.horizon; ++h) {
    verlet_steps_cpu(model, q.data(), v.data(), a.data(), s.m.data(), 1, s.N, s.D, s.dt, s.stride);
    s.target.insert(s.target.end(), q.begin(), q.end());
  }
  double g[3] = {0, 0, 0};
  EXPECT_LT(loss_of(model, s, g), 1e-28);
  for (double x : g) EXPECT_LT(std::abs(x), 1e-13);
}

TEST(VerletAdjoint, DivergedRolloutIsAnError) {
  const ParamModel model{{0.0, 1e6, 0.1}};
  Segment s = make_segment(3, 2, 3u);
  s.dt = 5.0;
  s.stride = 50;
  EXPECT_THROW(loss_of(model, s, nullptr), Error);
}
