// mclnn/test_bulk_force_match.cpp — the bulk force-matching start (mclnn/bulk_force_match.hpp): recovery of a known
// periodic 2-species Lennard-Jones mixture simulated here with the engine's bulk forces, wrapped vs unwrapped input,
// the smoothed-slope pre-fit's gradient, thread independence and too few frames.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/mclnn/bulk_adjoint.hpp"
#include "noether/mclnn/bulk_force_match.hpp"
#include "noether/mclnn/bulk_train.hpp"
#include "noether/physics/bulk.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

using namespace noether;

namespace {

constexpr double kEps[2][2] = {{1.0, 1.2}, {1.2, 0.8}};
constexpr double kRc = 2.2, kRon = 1.8;

CutoffSpec switch_cutoff() {
  CutoffSpec c;
  c.cutoff = kRc, c.r_on = kRon, c.smoothing = Smoothing::Switch;
  return c;
}

/// The truth's smoothed slope V_c′ = S′V + S V′ of species pair (a, b) (LJ, σ = 1).
double true_smoothed_slope(int a, int b, double r) {
  const CutoffLaw<double, LennardJones<double>> law(LennardJones<double>{kEps[a][b], 1.0}, switch_cutoff());
  double V, f_over_r;
  law.eval(r * r, 1.0, 1.0, V, f_over_r);
  return -r * f_over_r;
}

/// B trajectories of N = 36 LJ particles (2 species, checkerboard) in a periodic 2-D square of edge 6.6 (ρ ≈ 0.83),
/// r_c = 2.2 switched from 1.8, from a jittered lattice at T ≈ 0.5; Verlet dt = 0.005, a frame every `every` steps,
/// T frames. wrapped: positions in [0, L) with `images`, as `noether simulate` writes; else unwrapped positions.
NpzArchive mixture_archive(int B, int T, int every, bool wrapped) {
  const int n = 6, N = n * n, D = 2;
  const double L = 6.6, dt = 0.005;
  Box box;
  box.present = true;
  box.L[0] = box.L[1] = L, box.periodic[0] = box.periodic[1] = true;
  SpeciesLaws<double, LennardJones<double>> laws;
  laws.S = 2;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) laws.laws.emplace_back(LennardJones<double>{kEps[a][b], 1.0}, switch_cutoff());
  std::vector<int> species(N);
  for (int i = 0; i < N; ++i) species[i] = (i % n + i / n) % 2;
  const PeriodicAxes<double> ax(box);
  std::vector<double> pos, vel, img;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g(0, 1);
  std::uniform_real_distribution<double> u(-0.1, 0.1);
  for (int b = 0; b < B; ++b) {
    std::vector<double> q(N * D), v(N * D), acc(N * D), m(N, 1.0);
    std::vector<int> im(N * D, 0);
    for (int i = 0; i < N; ++i)
      for (int c = 0; c < D; ++c)
        q[i * D + c] = (c == 0 ? i % n : i / n) * L / n + 0.4 + u(rng), v[i * D + c] = std::sqrt(0.5) * g(rng);
    bulk_accelerations(laws, ax, q.data(), m.data(), species.data(), static_cast<const NeighborList<double>*>(nullptr),
                       acc.data(), N, D);
    for (int f = 0; f < T; ++f) {
      if (f > 0)
        for (int s = 0; s < every; ++s) {
          for (int k = 0; k < N * D; ++k) {
            v[k] += 0.5 * dt * acc[k];
            q[k] += dt * v[k];
            wrap_coordinate(q[k], im[k], L, 1 / L);
          }
          bulk_accelerations(laws, ax, q.data(), m.data(), species.data(),
                             static_cast<const NeighborList<double>*>(nullptr), acc.data(), N, D);
          for (int k = 0; k < N * D; ++k) v[k] += 0.5 * dt * acc[k];
        }
      for (int k = 0; k < N * D; ++k) pos.push_back(wrapped ? q[k] : q[k] + im[k] * L), img.push_back(im[k]);
      vel.insert(vel.end(), v.begin(), v.end());
    }
  }
  using S = std::vector<std::size_t>;
  const S shape{std::size_t(B), std::size_t(T), std::size_t(N), std::size_t(D)};
  NpzArchive a;
  a["positions"] = NpyArray{shape, pos, "<f8"};
  a["velocities"] = NpyArray{shape, vel, "<f8"};
  if (wrapped) a["images"] = NpyArray{shape, img, "<f8"};
  a["masses"] = NpyArray{S{std::size_t(N)}, std::vector<double>(N, 1.0), "<f8"};
  std::vector<double> times(T);
  for (int f = 0; f < T; ++f) times[f] = f * every * dt;
  a["times"] = NpyArray{S{std::size_t(T)}, times, "<f8"};
  a["box"] = NpyArray{S{2}, {L, L}, "<f8"};
  a["periodic"] = NpyArray{S{2}, {1, 1}, "<f8"};
  a["species"] = NpyArray{S{std::size_t(N)}, std::vector<double>(species.begin(), species.end()), "<f8"};
  a["cutoff"] = NpyArray{S{2, 2}, {kRc, kRc, kRc, kRc}, "<f8"};
  a["r_on"] = NpyArray{S{2, 2}, {kRon, kRon, kRon, kRon}, "<f8"};
  return a;
}

std::vector<int> all_trajectories(const BulkTrajectoryData& d) {
  std::vector<int> t(d.traj.B);
  for (int b = 0; b < d.traj.B; ++b) t[b] = b;
  return t;
}

std::vector<CutoffSpec> pair_cutoffs(int S) { return std::vector<CutoffSpec>(species_pair_count(S), switch_cutoff()); }

/// Relative L2 error over [p05, r_c) of the pair's distances of `slope` against the truth's smoothed slope.
template <typename Fn>
double relative_slope_error(int a, int b, const DistanceRange& range, Fn&& slope) {
  double e = 0, n = 0;
  for (int k = 0; k < 200; ++k) {
    const double r = range.p05 + (kRc - range.p05) * k / 200.0;
    const double t = true_smoothed_slope(a, b, r);
    e += (slope(r) - t) * (slope(r) - t), n += t * t;
  }
  return std::sqrt(e / n);
}

}  // namespace

// Frames every 5 Verlet steps (Δ = 0.025), 2 × 41 frames, the default path form: the smoothed law of every species
// pair to < 1% relative L2 over [p05, r_c]. The floor is the data's own: the path identity holds for the exact flow,
// and Verlet at dt = 0.005 leaves the relative force residual at ~1.6e-3 (measured; frames every step with the
// 3-point stencil, the relation Verlet satisfies exactly, reach 1e-6).
TEST(BulkForceMatch, RecoversATwoSpeciesLjMixtureFromPeriodicFrames) {
  const auto t0 = std::chrono::steady_clock::now();
  const BulkTrajectoryData d = bulk_trajectory_data_from_archive(mixture_archive(2, 41, 5, true), "mix.npz");
  const std::vector<int> traj = all_trajectories(d);
  const auto ranges = species_pair_distance_ranges(d, traj, kRc);
  const BulkForceMatch fm = bulk_force_match(d, traj, pair_cutoffs(2), ranges);
  ASSERT_EQ(fm.fit.kinds, 3);
  const double fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The least-squares law g_p = V_c′ per species pair, then the pre-fitted networks' smoothed slope.
  BulkTrainOptions o;
  o.hidden = {8, 8};
  o.cutoff = switch_cutoff();
  o.epochs = 1, o.stride = 5, o.batch_size = 0, o.lr = 1e-12, o.lr_final = 1e-12, o.val_fraction = 0;
  o.init = MclnnInit::ForceMatch;
  const BulkTrainResult r = train_bulk_mclnn(d, o);
  ASSERT_EQ(r.init, MclnnInit::ForceMatch);
  const int n = r.model.shape.parameter_count();
  for (int a = 0; a < 2; ++a)
    for (int b = a; b < 2; ++b) {
      const int p = species_pair_index(a, b, 2);
      const double e_fit = relative_slope_error(a, b, ranges[p], [&](double x) { return fm.fit.dV(p, x); });
      const double e_net = with_pair_mlp<double>(
          r.model.shape, r.model.params.data() + std::ptrdiff_t(p) * n, r.model.scalings[p], [&](const auto& mlp) {
            const CutoffJet<double, std::decay_t<decltype(mlp)>> jet(mlp, r.model.pair_cutoffs[p]);
            return relative_slope_error(a, b, ranges[p], [&](double x) { return jet.jets(x).dV; });
          });
      std::printf("  pair (%d, %d): r in [%.3f (p05), %.1f]: least-squares V_c' error %.2e, pre-fitted network %.2e\n",
                  a, b, ranges[p].p05, kRc, e_fit, e_net);
      EXPECT_LT(e_fit, 1e-2) << "pair " << p;  // measured 2.9e-3, 1.5e-3, 6.0e-3; networks 1.7e-3, 1.4e-3, 5.3e-3
      EXPECT_LT(e_net, 1e-2) << "pair " << p;
    }
  std::printf("  %ld equations, relative force residual %.2e; fit %.2f s, start with pre-fit %.2f s\n", fm.fit.rows,
              fm.fit.rms_residual / fm.fit.rms_force, fit_seconds, r.start.seconds);
}

TEST(BulkForceMatch, WrappedAndUnwrappedPositionsGiveTheSameFit) {
  const BulkTrajectoryData w = bulk_trajectory_data_from_archive(mixture_archive(1, 21, 10, true), "wrapped.npz");
  const BulkTrajectoryData u = bulk_trajectory_data_from_archive(mixture_archive(1, 21, 10, false), "unwrapped.npz");
  // The data do cross the faces: some image counter is non-zero.
  bool crossed = false;
  const auto wrapped = mixture_archive(1, 21, 10, true);  // a named archive: a range-for over a member of a
  for (double x : wrapped.at("images").data) crossed = crossed || x != 0;  // temporary would read freed memory
  ASSERT_TRUE(crossed);
  std::vector<double> uw, uu;
  unwrap_bulk_trajectory(w, 0, uw);
  unwrap_bulk_trajectory(u, 0, uu);
  const double L = w.box.L[0];
  double worst = 0;
  for (std::size_t k = 0; k < uw.size(); ++k) {  // the same trajectory up to a whole-box shift per coordinate
    const double d = uu[k] - uw[k];
    worst = std::max(worst, std::abs(d - L * std::rint(d / L)));
  }
  EXPECT_LT(worst, 1e-12);
  const auto ranges = species_pair_distance_ranges(w, {0}, kRc);
  const BulkForceMatch a = bulk_force_match(w, {0}, pair_cutoffs(2), ranges);
  const BulkForceMatch b = bulk_force_match(u, {0}, pair_cutoffs(2), ranges);
  ASSERT_EQ(a.fit.coef.size(), b.fit.coef.size());
  double cmax = 0, dmax = 0;
  for (std::size_t k = 0; k < a.fit.coef.size(); ++k)
    cmax = std::max(cmax, std::abs(a.fit.coef[k])), dmax = std::max(dmax, std::abs(a.fit.coef[k] - b.fit.coef[k]));
  std::printf("  wrapped vs unwrapped: max coefficient difference %.2e of max %.2e\n", dmax, cmax);
  EXPECT_LT(dmax, 1e-9 * cmax);
}

TEST(BulkForceMatch, SmoothedPrefitGradientMatchesCentralDifferences) {
  const MlpShape shape{{1, 5, 4, 1}, Activation::Squareplus};
  std::vector<double> p(shape.parameter_count());
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-0.8, 0.8);
  for (auto& x : p) x = u(rng);
  const PairScaling sc{1.5, 0.7, 1.7, 0.3};
  std::vector<double> r(30), w(30), g(30);  // below r_on, in the switching region and past r_c
  for (int k = 0; k < 30; ++k) r[k] = 0.9 + 0.05 * k, w[k] = 0.5 + 0.1 * (k % 5), g[k] = std::sin(3 * r[k]);
  for (const Smoothing s : {Smoothing::Switch, Smoothing::ShiftedForce}) {
    CutoffSpec c = switch_cutoff();
    c.smoothing = s;
    std::vector<double> grad(p.size());
    slope_prefit_loss(shape, p.data(), sc, r.data(), w.data(), g.data(), r.size(), grad.data(), c);
    double worst = 0;
    for (std::size_t k = 0; k < p.size(); ++k) {
      // 4th-order central differences, h = 1e-3: truncation ~h⁴ and rounding ~1e-16 L/h both ~1e-12 (the 2nd-order
      // stencil at h = 1e-6 left ~1e-10 of rounding, at the bound for small components in a clang build).
      const double h = 1e-3;
      const auto at = [&](double dp) {
        auto q = p;
        q[k] += dp;
        return slope_prefit_loss(shape, q.data(), sc, r.data(), w.data(), g.data(), r.size(), nullptr, c);
      };
      const double fd = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
      worst = std::max(worst, std::abs(grad[k] - fd) / (1e-9 + std::abs(fd)));
      EXPECT_NEAR(grad[k], fd, 1e-7 * std::abs(fd) + 1e-10) << "parameter " << k;
    }
    std::printf("  %s: worst relative error of the smoothed pre-fit gradient %.2e\n",
                s == Smoothing::Switch ? "switch" : "shifted force", worst);
  }
}

TEST(BulkForceMatch, TrainingFromTheStartIsBitwiseTheSameForOneAndTwoThreads) {
#ifdef _OPENMP
  const BulkTrajectoryData d = bulk_trajectory_data_from_archive(mixture_archive(2, 11, 5, true), "mix.npz");
  BulkTrainOptions o;
  o.hidden = {6, 6};
  o.stride = 5, o.epochs = 2, o.batch_size = 8, o.val_fraction = 0.5;
  o.init = MclnnInit::ForceMatch;
  o.prefit.iterations = 100;
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const BulkTrainResult one = train_bulk_mclnn(d, o);
  omp_set_num_threads(2);
  const BulkTrainResult two = train_bulk_mclnn(d, o);
  omp_set_num_threads(before);
  EXPECT_EQ(one.init, MclnnInit::ForceMatch);
  EXPECT_EQ(one.model.params, two.model.params);
  EXPECT_EQ(one.train_loss, two.train_loss);
  EXPECT_EQ(one.start.prefit_loss, two.start.prefit_loss);
#else
  GTEST_SKIP() << "built without OpenMP";
#endif
}

TEST(BulkForceMatch, TooFewFramesIsAClearErrorAndTheTrainerFallsBackToRandom) {
  const BulkTrajectoryData d = bulk_trajectory_data_from_archive(mixture_archive(1, 2, 5, true), "two.npz");
  const auto ranges = species_pair_distance_ranges(d, {0}, kRc);
  try {
    bulk_force_match(d, {0}, pair_cutoffs(2), ranges);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least 3 frames"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--init random"), std::string::npos) << e.what();
  }
  BulkTrainOptions o;
  o.hidden = {4, 4};
  o.stride = 5, o.epochs = 1, o.val_fraction = 0;
  o.init = MclnnInit::ForceMatch;
  const BulkTrainResult r = train_bulk_mclnn(d, o);
  EXPECT_EQ(r.init, MclnnInit::Random);
  EXPECT_NE(r.init_note.find("at least 3 frames"), std::string::npos) << r.init_note;
  // A box shorter than twice the cutoff is refused, naming the problem.
  std::vector<CutoffSpec> wide = pair_cutoffs(2);
  for (CutoffSpec& c : wide) c.cutoff = 3.5, c.r_on = 3.0;
  const BulkTrajectoryData t = bulk_trajectory_data_from_archive(mixture_archive(1, 5, 5, true), "five.npz");
  EXPECT_THROW(bulk_force_match(t, {0}, wide, species_pair_distance_ranges(t, {0}, 3.5)), Error);
}
