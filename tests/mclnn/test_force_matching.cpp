// mclnn/test_force_matching.cpp — the force-matching start (issue 16): the B-spline basis, the acceleration stencils,
// the linear least-squares recovery of known laws from simulated data (2-D and 3-D), the dV/dr pre-fit's gradient
// against float64 central differences and its convergence, bad data (too few frames), and the trainer with
// init force-match (bitwise the same for 1 and 2 threads, metadata, the fallback for 2-frame data).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "noether/core/error.hpp"
#include "noether/mclnn/force_match_start.hpp"
#include "noether/mclnn/force_matching.hpp"
#include "noether/mclnn/slope_prefit.hpp"
#include "noether/mclnn/train.hpp"
#include "noether/nn/mlp_init.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/verlet.hpp"
#include "support/spring_data.hpp"

using namespace noether;

namespace {

/// B trajectories of T frames of N unit masses in D dimensions under `law`, velocity Verlet with step dt and
/// `stride` steps per saved frame, from seeded random states with every pair at least dmin apart.
template <typename Law>
TrajectoryData simulate(const Law& law, int B, int T, int N, int D, double dt, int stride, double box, double dmin,
                        double vscale, unsigned seed) {
  TrajectoryData d;
  d.source = "in-memory";
  d.B = B, d.T = T, d.N = N, d.D = D;
  d.frame_dt = dt * stride;
  for (int t = 0; t < T; ++t) d.times.push_back(d.frame_dt * t);
  d.mass.assign(std::size_t(B) * N, 1.0);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  const std::size_t f = std::size_t(N) * D;
  d.pos.resize(std::size_t(B) * T * f), d.vel.resize(d.pos.size());
  for (int b = 0; b < B; ++b) {
    std::vector<double> q(f), v(f), a(f), m(N, 1.0);
    for (bool ok = false; !ok;) {
      for (auto& x : q) x = 0.5 * box * u(rng);
      ok = true;
      for (int i = 0; i < N; ++i)
        for (int j = i + 1; j < N; ++j) {
          double r2 = 0;
          for (int k = 0; k < D; ++k) r2 += (q[i * D + k] - q[j * D + k]) * (q[i * D + k] - q[j * D + k]);
          ok = ok && r2 > dmin * dmin;
        }
    }
    for (auto& x : v) x = vscale * u(rng);
    accelerations_cpu(law, q.data(), m.data(), a.data(), 1, N, D);
    for (int t = 0; t < T; ++t) {
      if (t > 0) verlet_steps_cpu(law, q.data(), v.data(), a.data(), m.data(), 1, N, D, dt, stride);
      std::copy(q.begin(), q.end(), d.pos.begin() + std::ptrdiff_t((std::size_t(b) * T + t) * f));
      std::copy(v.begin(), v.end(), d.vel.begin() + std::ptrdiff_t((std::size_t(b) * T + t) * f));
    }
  }
  return d;
}

std::vector<int> all_trajectories(const TrajectoryData& d) {
  std::vector<int> t(d.B);
  for (int b = 0; b < d.B; ++b) t[b] = b;
  return t;
}

/// dV/dr of Lennard-Jones ε = σ = 1.
double lj_slope(double r) { return 4 * (-12 * std::pow(r, -13) + 6 * std::pow(r, -7)); }

/// Relative L2 error of the fitted dV/dr against `truth` on 400 points of the central 90% [p05, p95].
template <typename F>
double slope_error(const ForceMatchSolution& s, const DistanceRange& range, F truth) {
  double num = 0, den = 0;
  for (int k = 0; k < 400; ++k) {
    const double r = range.p05 + (range.p95 - range.p05) * k / 399.0, e = s.dV(0, r) - truth(r);
    num += e * e, den += truth(r) * truth(r);
  }
  return std::sqrt(num / den);
}

}  // namespace

TEST(ForceMatching, SplineBasisIsAPartitionOfUnityAndReproducesLines) {
  const SplineBasis basis{0.5, 0.1, 12};
  std::vector<double> one(basis.size(), 1.0), line(basis.size());
  // The coefficients of r itself: c_k = lo + (k − 1)·h (the Greville abscissae of uniform cubic B-splines).
  for (int k = 0; k < basis.size(); ++k) line[k] = basis.lo + (k - 1) * basis.h;
  for (int k = 0; k <= 240; ++k) {
    const double r = basis.lo + (basis.hi() - basis.lo) * k / 240.0;
    EXPECT_NEAR(basis.eval(one.data(), r), 1.0, 1e-14) << r;
    EXPECT_NEAR(basis.eval(line.data(), r), r, 1e-14) << r;
  }
  EXPECT_EQ(basis.eval(one.data(), basis.lo - 1e-6), 0.0);  // outside: no force
  EXPECT_EQ(basis.eval(one.data(), basis.hi() + 1e-6), 0.0);
}

TEST(ForceMatching, LogKnotBasisIsAPartitionOfUnityAndReproducesLogR) {
  SplineBasis basis{std::log(0.5), 0.15, 14};
  basis.log = true;
  std::vector<double> one(basis.size(), 1.0), line(basis.size());
  for (int k = 0; k < basis.size(); ++k) line[k] = basis.lo + (k - 1) * basis.h;  // the coefficients of g = log r
  const double r_lo = std::exp(basis.lo), r_hi = std::exp(basis.hi());
  for (int k = 0; k <= 240; ++k) {
    const double r = r_lo * std::pow(r_hi / r_lo, k / 240.0);
    EXPECT_NEAR(basis.eval(one.data(), r), 1.0, 1e-14) << r;
    EXPECT_NEAR(basis.eval(line.data(), r), std::log(r), 1e-13) << r;
  }
  EXPECT_EQ(basis.eval(one.data(), r_lo * (1 - 1e-6)), 0.0);
  EXPECT_EQ(basis.eval(one.data(), r_hi * (1 + 1e-6)), 0.0);
  EXPECT_EQ(basis.eval(one.data(), 0.0), 0.0);  // log 0: outside
}

TEST(ForceMatching, StencilsAreExactForPolynomialsOfTheirOrder) {
  // q(t) = t⁵ − 2t³ + t (a = 20t³ − 12t) at frames t = −2…2 of spacing 0.3 around t0 = 0.7: the 5-point stencil
  // is exact for quintics; the 3-point one for cubics (q = t³ − t, a = 6t).
  const double h = 0.3, t0 = 0.7;
  double q5[5], q3[3], a;
  for (int k = 0; k < 5; ++k) {
    const double t = t0 + (k - 2) * h;
    q5[k] = std::pow(t, 5) - 2 * t * t * t + t;
  }
  stencil_acceleration(q5 + 2, 1, 1, 5, h, &a);
  EXPECT_NEAR(a, 20 * std::pow(t0, 3) - 12 * t0, 1e-11);
  for (int k = 0; k < 3; ++k) {
    const double t = t0 + (k - 1) * h;
    q3[k] = t * t * t - t;
  }
  stencil_acceleration(q3 + 1, 1, 1, 3, h, &a);
  EXPECT_NEAR(a, 6 * t0, 1e-12);
}

TEST(ForceMatching, RecoversTheLinearSpringIn2D) {
  // Saved every Verlet step (stride 1): q_{n+1} − 2q_n + q_{n−1} = a_n dt² holds exactly for velocity Verlet, so the
  // 3-point stencil is exact and the linear law lies in the basis: only the penalties and round-off remain.
  const TrajectoryData d = simulate(LinearSpring<double>{1.0, 1.0}, 10, 30, 3, 2, 0.01, 1, 1.6, 0.3, 0.4, 21u);
  const auto tr = all_trajectories(d);
  const DistanceRange range = pair_distance_range(d, tr);
  ForceMatchOptions o;
  o.stencil = 3;
  const ForceMatchSolution s = force_match(d, tr, range.min, range.upper, o);
  const double err = slope_error(s, range, [](double r) { return r - 1.0; });
  std::printf("  linear spring 2-D: %ld equations, relative force residual %.2e, dV/dr error %.2e\n", s.rows,
              s.rms_residual / s.rms_force, err);
  EXPECT_EQ(s.stencil, 3);
  EXPECT_LT(err, 1e-4);
}

TEST(ForceMatching, RecoversLennardJonesIn3DFromFiveFrameWindows) {
  // Lennard-Jones ε = σ = 1 (not in the basis: the spline's own error counts), saved every 2 steps of 0.002.
  const TrajectoryData d = simulate(LennardJones<double>{1.0, 1.0}, 24, 40, 3, 3, 0.002, 2, 1.6, 1.0, 0.3, 22u);
  const auto tr = all_trajectories(d);
  const DistanceRange range = pair_distance_range(d, tr);
  const ForceMatchSolution s = force_match(d, tr, range.min, range.upper);
  const double err = slope_error(s, range, lj_slope);
  std::printf("  Lennard-Jones 3-D over [%.3f, %.3f]: %ld equations, stencil %d, relative force residual %.2e, "
              "dV/dr error %.2e\n", range.p05, range.p95, s.rows, s.stencil, s.rms_residual / s.rms_force, err);
  EXPECT_EQ(s.stencil, 5);
  EXPECT_LT(err, 1e-3);
}

TEST(ForceMatching, LogKnotsRecoverLennardJonesAndResolveItsWallBetter) {
  // The data of the test above; knots evenly spaced in log r put more of them on the steep wall at short r.
  const TrajectoryData d = simulate(LennardJones<double>{1.0, 1.0}, 24, 40, 3, 3, 0.002, 2, 1.6, 1.0, 0.3, 22u);
  const auto tr = all_trajectories(d);
  const DistanceRange range = pair_distance_range(d, tr);
  ForceMatchOptions o;
  o.intervals = 12;  // coarse, so the spacing shows
  const ForceMatchSolution lin = force_match(d, tr, range.min, range.upper, o);
  o.log_knots = true;
  const ForceMatchSolution lg = force_match(d, tr, range.min, range.upper, o);
  EXPECT_TRUE(lg.basis.log);
  EXPECT_NEAR(std::exp(lg.basis.lo), range.min, 0.25 * range.min);  // knots in log r around the training range
  DistanceRange wall = range;  // [min, p05]: the wall
  wall.p05 = range.min, wall.p95 = range.p05;
  const double central_lin = slope_error(lin, range, lj_slope), central_log = slope_error(lg, range, lj_slope);
  const double wall_lin = slope_error(lin, wall, lj_slope), wall_log = slope_error(lg, wall, lj_slope);
  std::printf("  Lennard-Jones 3-D, 12 intervals: dV/dr error over [p05, p95] %.3f%% (knots in r) / %.3f%% (log r); "
              "over the wall [min, p05] %.3f%% / %.3f%%\n", 100 * central_lin, 100 * central_log, 100 * wall_lin,
              100 * wall_log);
  EXPECT_LT(central_log, 1e-2);
  EXPECT_LT(wall_log, wall_lin);
}

TEST(ForceMatching, ThePathFormBeatsTheFivePointStencilOnCoarseFrames) {
  // Frames 0.1 apart (stride 20 of 0.005), as the zoo's: the stencil's Δ⁴ bias shows, the path form's much less.
  const TrajectoryData d = simulate(LennardJones<double>{1.0, 1.0}, 24, 20, 3, 3, 0.005, 20, 1.6, 1.0, 0.5, 23u);
  const auto tr = all_trajectories(d);
  const DistanceRange range = pair_distance_range(d, tr);
  ForceMatchOptions o;
  const double path = slope_error(force_match(d, tr, range.min, range.upper, o), range, lj_slope);
  o.path = false;
  const double stencil = slope_error(force_match(d, tr, range.min, range.upper, o), range, lj_slope);
  o.stencil = 3;
  const double three = slope_error(force_match(d, tr, range.min, range.upper, o), range, lj_slope);
  std::printf("  Lennard-Jones 3-D, frames 0.1 apart: dV/dr error 3-point %.2f%%, 5-point %.2f%%, path %.2f%%\n",
              100 * three, 100 * stencil, 100 * path);
  EXPECT_LT(stencil, three);
  EXPECT_LT(path, 0.5 * stencil);
}

TEST(ForceMatching, TooFewFramesIsAClearErrorAndFourFramesUseThreePoints) {
  EXPECT_EQ(force_match_stencil(4, 5), 3);
  EXPECT_EQ(force_match_stencil(5, 5), 5);
  EXPECT_EQ(force_match_stencil(5, 3), 3);
  const TrajectoryData d = noether_test::spring_data(4, 2, 3u);
  try {
    force_match(d, {0, 1}, 0.5, 1.5);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least 3 frames"), std::string::npos) << e.what();
  }
  EXPECT_THROW(force_match_stencil(10, 4), Error);
  const TrajectoryData d3 = noether_test::spring_data(4, 3, 3u);
  EXPECT_THROW(force_match(d3, {}, 0.5, 1.5), Error);       // no trajectories
  EXPECT_THROW(force_match(d3, {0, 1}, 1.5, 0.5), Error);   // empty range
  EXPECT_EQ(force_match(d3, {0, 1}, 0.3, 2.0).stencil, 3);
}

TEST(ForceMatching, PrefitGradientMatchesCentralDifferences) {
  const MlpShape shape{{1, 5, 4, 1}, Activation::Squareplus};
  std::vector<double> p(shape.parameter_count());
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-0.8, 0.8);
  for (auto& x : p) x = u(rng);
  const PairScaling sc{1.2, 0.6, 1.7, 0.3};
  std::vector<double> r(23), w(23), g(23);
  for (int k = 0; k < 23; ++k) r[k] = 0.7 + 0.05 * k, w[k] = 0.5 + 0.1 * (k % 5), g[k] = std::sin(3 * r[k]);
  std::vector<double> grad(p.size());
  slope_prefit_loss(shape, p.data(), sc, r.data(), w.data(), g.data(), r.size(), grad.data());
  double worst = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    auto pp = p, pm = p;
    const double h = 1e-6;
    pp[k] += h, pm[k] -= h;
    const double fd = (slope_prefit_loss(shape, pp.data(), sc, r.data(), w.data(), g.data(), r.size(), nullptr) -
                       slope_prefit_loss(shape, pm.data(), sc, r.data(), w.data(), g.data(), r.size(), nullptr)) /
                      (2 * h);
    worst = std::max(worst, std::abs(grad[k] - fd) / (1e-9 + std::abs(fd)));
    EXPECT_NEAR(grad[k], fd, 1e-7 * std::abs(fd) + 1e-10) << "parameter " << k;
  }
  std::printf("  %zu parameters: worst relative error of the pre-fit gradient vs central differences %.2e\n", p.size(),
              worst);
}

TEST(ForceMatching, PrefitFitsASmoothLaw) {
  const MlpShape shape{{1, 10, 10, 1}, Activation::Squareplus};
  std::vector<double> p;
  glorot_uniform_init(shape, 100, p);
  const PairScaling sc{1.5, 0.5, 2.0, 0.0};
  std::vector<double> r(128), w(128, 1.0), g(128);
  for (int k = 0; k < 128; ++k) r[k] = 1.0 + k / 127.0, g[k] = 2 * std::exp(-2 * (r[k] - 1)) * (1 - std::exp(-2 * (r[k] - 1)));
  const SlopePrefitResult a = prefit_pair_mlp_slope(shape, p, sc, r.data(), w.data(), g.data(), r.size());
  std::printf("  Morse dV/dr pre-fit: loss %.2e -> %.2e in %d iterations\n", a.initial_loss, a.loss, a.iterations);
  EXPECT_LT(a.loss, 1e-5);
  EXPECT_NEAR(a.loss, slope_prefit_loss(shape, p.data(), sc, r.data(), w.data(), g.data(), r.size(), nullptr), 1e-15);
}

TEST(ForceMatching, ForceMatchStartIsCloseBeforeAnyEpochAndTrainingIsThreadIndependent) {
  const TrajectoryData d = noether_test::spring_data(16, 8, 11u);
  for (InputTransform input : {InputTransform::None, InputTransform::Log}) {
  SCOPED_TRACE(input_transform_name(input));
  MclnnTrainOptions o;
  o.input_transform = input;
  o.hidden = {8, 8};
  o.epochs = 4;
  o.batch_size = 16;
  o.seed = 7;
  o.init = MclnnInit::ForceMatch;
  o.lr = 1e-12, o.lr_final = 0;  // the start itself
  o.threads = 1;
  const MclnnTrainResult a = train_mclnn(d, o);
  o.threads = 2;
  const MclnnTrainResult b = train_mclnn(d, o);
  EXPECT_EQ(a.model.params, b.model.params);
  const auto meta = nlohmann::json::parse(a.model.metadata).at("training");
  EXPECT_EQ(meta.at("init").at("kind"), "force-match");
  EXPECT_EQ(meta.at("options").at("init"), "force-match");
  EXPECT_EQ(meta.at("init").at("stencil"), 5);
  const double lo = meta["pair_distance_range"]["p05"], hi = meta["pair_distance_range"]["p95"];
  const auto mlp = make_pair_mlp<double, 16>(a.model.shape, a.model.params.data(), pair_scaling(a.model));
  double num = 0, den = 0;
  for (int k = 0; k <= 100; ++k) {
    const double x = lo + (hi - lo) * k / 100.0, e = mlp.jets(x).dV - (x - 1.0);
    num += e * e, den += (x - 1.0) * (x - 1.0);
  }
  std::printf("  force-matching start on the linear spring (frames 0.1 apart, input %s): dV/dr error %.3f%% before "
              "training\n", input_transform_name(input), 100 * std::sqrt(num / den));
  EXPECT_EQ(a.model.input_transform, input);
  EXPECT_LT(std::sqrt(num / den), 0.02);
  // A normal learning rate: still bitwise the same for 1 and 2 threads.
  o.lr = 3e-3, o.lr_final = 1e-4, o.threads = 1;
  const MclnnTrainResult c = train_mclnn(d, o);
  o.threads = 2;
  EXPECT_EQ(c.model.params, train_mclnn(d, o).model.params);
  }
}

TEST(ForceMatching, TwoFrameDataFallBackToTheRandomStartWithANote) {
  const TrajectoryData d = noether_test::spring_data(8, 2, 3u);
  MclnnTrainOptions o;
  o.hidden = {6};
  o.epochs = 2;
  o.init = MclnnInit::ForceMatch;
  const MclnnTrainResult r = train_mclnn(d, o);
  EXPECT_NE(r.init_note.find("at least 3 frames"), std::string::npos) << r.init_note;
  const auto init = nlohmann::json::parse(r.model.metadata).at("training").at("init");
  EXPECT_EQ(init.at("kind"), "random");
  o.init = MclnnInit::Random;
  EXPECT_EQ(train_mclnn(d, o).model.params, r.model.params);  // exactly the random start
}
