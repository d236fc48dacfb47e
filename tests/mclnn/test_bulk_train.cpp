// mclnn/test_bulk_train.cpp — bulk MCLNN training (mclnn/bulk_train.hpp, mclnn/bulk_dataset.hpp) end to end on a tiny
// periodic 2-D Lennard-Jones mixture (2 species, 3 pair networks) simulated here with the engine's bulk forces: the
// data loads from an .npz archive with `box`, `periodic` and `species`, and a few epochs reduce the loss.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <vector>

#include "noether/mclnn/bulk_adjoint.hpp"
#include "noether/mclnn/bulk_train.hpp"
#include "noether/physics/bulk.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

using namespace noether;

namespace {

/// B trajectories of 16 LJ particles (species alternating 0/1; ε_00 = 1, ε_01 = 1.2, ε_11 = 0.8, σ = 1) in a periodic
/// square of edge 4.8 (ρ ≈ 0.69), r_c = 2.2 switched from 1.8, from a jittered square lattice at T ≈ 0.5; Verlet
/// dt = 0.005, a frame every 10 steps, 21 frames. Returned as the keys `noether simulate` writes (positions wrapped).
NpzArchive lj_archive(int B) {
  const int N = 16, D = 2, T = 21, every = 10;
  const double L = 4.8, dt = 0.005;
  Box box;
  box.present = true;
  box.L[0] = box.L[1] = L, box.periodic[0] = box.periodic[1] = true;
  CutoffSpec cut;
  cut.cutoff = 2.2, cut.r_on = 1.8, cut.smoothing = Smoothing::Switch;
  SpeciesLaws<double, LennardJones<double>> laws;
  laws.S = 2;
  const double eps[2][2] = {{1.0, 1.2}, {1.2, 0.8}};
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) laws.laws.emplace_back(LennardJones<double>{eps[a][b], 1.0}, cut);
  std::vector<int> species(N);
  for (int i = 0; i < N; ++i) species[i] = (i + i / 4) % 2;  // a checkerboard
  const PeriodicAxes<double> ax(box);
  NpzArchive a;
  std::vector<double> pos, vel;
  std::mt19937_64 rng(42);
  std::normal_distribution<double> g(0, 1);
  std::uniform_real_distribution<double> u(-0.1, 0.1);
  for (int b = 0; b < B; ++b) {
    std::vector<double> q(N * D), v(N * D), acc(N * D), m(N, 1.0);
    for (int i = 0; i < N; ++i)
      for (int c = 0; c < D; ++c) q[i * D + c] = (c == 0 ? i % 4 : i / 4) * L / 4 + 0.3 + u(rng), v[i * D + c] = std::sqrt(0.5) * g(rng);
    bulk_accelerations(laws, ax, q.data(), m.data(), species.data(), static_cast<const NeighborList<double>*>(nullptr),
                       acc.data(), N, D);
    for (int f = 0; f < T; ++f) {
      if (f > 0)
        for (int s = 0; s < every; ++s) {
          for (int k = 0; k < N * D; ++k) {
            v[k] += 0.5 * dt * acc[k];
            q[k] += dt * v[k];
            int n = 0;
            wrap_coordinate(q[k], n, L, 1 / L);
          }
          bulk_accelerations(laws, ax, q.data(), m.data(), species.data(),
                             static_cast<const NeighborList<double>*>(nullptr), acc.data(), N, D);
          for (int k = 0; k < N * D; ++k) v[k] += 0.5 * dt * acc[k];
        }
      pos.insert(pos.end(), q.begin(), q.end());
      vel.insert(vel.end(), v.begin(), v.end());
    }
  }
  using S = std::vector<std::size_t>;
  const S shape{std::size_t(B), std::size_t(T), std::size_t(N), std::size_t(D)};
  a["positions"] = NpyArray{shape, pos, "<f8"};
  a["velocities"] = NpyArray{shape, vel, "<f8"};
  a["masses"] = NpyArray{S{std::size_t(N)}, std::vector<double>(N, 1.0), "<f8"};
  std::vector<double> times(T);
  for (int f = 0; f < T; ++f) times[f] = f * every * dt;
  a["times"] = NpyArray{S{std::size_t(T)}, times, "<f8"};
  a["box"] = NpyArray{S{2}, {L, L}, "<f8"};
  a["periodic"] = NpyArray{S{2}, {1, 1}, "<f8"};
  a["species"] = NpyArray{S{std::size_t(N)}, std::vector<double>(species.begin(), species.end()), "<f8"};
  return a;
}

}  // namespace

TEST(BulkTrain, LoadsBoxPeriodicAndSpeciesAndRefusesBadKeys) {
  NpzArchive a = lj_archive(1);
  const BulkTrajectoryData d = bulk_trajectory_data_from_archive(a, "lj.npz");
  EXPECT_TRUE(d.box.present && d.box.periodic[0] && d.box.periodic[1]);
  EXPECT_EQ(d.box.L[0], 4.8);
  EXPECT_EQ(d.S, 2);
  const auto ranges = species_pair_distance_ranges(d, {0}, 2.2);
  ASSERT_EQ(ranges.size(), 3u);
  for (const auto& r : ranges) EXPECT_TRUE(r.min > 0.7 && r.max < 2.2) << r.min << " " << r.max;
  a["species"].data[3] = 1.5;
  try {
    bulk_trajectory_data_from_archive(a, "lj.npz");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'species'"), std::string::npos) << e.what();
  }
  a = lj_archive(1);
  a["box"] = NpyArray{{3}, {1, 1, 1}, "<f8"};
  EXPECT_THROW(bulk_trajectory_data_from_archive(a, "lj.npz"), Error);
  // per-species-pair cutoffs (S, S), as `noether simulate` writes them
  a = lj_archive(1);
  a["cutoff"] = NpyArray{{2, 2}, {2.2, 2.0, 2.0, 2.1}, "<f8"};
  a["r_on"] = NpyArray{{2, 2}, {1.8, 1.6, 1.6, 1.7}, "<f8"};
  a["smoothing"] = NpyArray{{2, 2}, {0, 0, 0, 1}, "<f8"};
  const BulkTrajectoryData c = bulk_trajectory_data_from_archive(a, "lj.npz");
  ASSERT_EQ(c.pair_cutoffs.size(), 4u);
  EXPECT_EQ(c.pair_cutoffs[1].cutoff, 2.0);
  EXPECT_EQ(c.pair_cutoffs[1].r_on, 1.6);
  EXPECT_EQ(c.pair_cutoffs[3].smoothing, Smoothing::ShiftedForce);
  a["cutoff"] = NpyArray{{2}, {2.2, 2.0}, "<f8"};
  try {
    bulk_trajectory_data_from_archive(a, "lj.npz");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'cutoff'"), std::string::npos) << e.what();
  }
}

TEST(BulkTrain, AFewEpochsReduceTheLossOnAPeriodicLjMixture) {
  const auto t0 = std::chrono::steady_clock::now();
  const BulkTrajectoryData d = bulk_trajectory_data_from_archive(lj_archive(3), "lj.npz");
  BulkTrainOptions o;
  o.hidden = {8, 8};
  o.cutoff.cutoff = 2.2, o.cutoff.r_on = 1.8, o.cutoff.smoothing = Smoothing::Switch;
  o.skin = 0.4;
  o.stride = 5, o.horizon = 1, o.epochs = 8, o.batch_size = 8, o.lr = 3e-3, o.lr_final = 1e-3;
  o.val_fraction = 0.34;
  const BulkTrainResult r = train_bulk_mclnn(d, o);
  ASSERT_EQ(r.train_loss.size(), 8u);
  EXPECT_EQ(r.model.params.size(), 3 * r.model.shape.parameter_count());
  std::printf("bulk train: loss %.3e -> %.3e (validation %.3e -> %.3e), %.2f s\n", r.train_loss.front(),
              r.train_loss.back(), r.val_loss.front(), r.val_loss.back(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  EXPECT_LT(r.train_loss.back(), 0.5 * r.train_loss.front());
  EXPECT_LT(r.val_loss.back(), 0.5 * r.val_loss.front());
  // without a cutoff a periodic box is refused, naming the option
  BulkTrainOptions bad = o;
  bad.cutoff = CutoffSpec{};
  EXPECT_THROW(train_bulk_mclnn(d, bad), Error);
}

TEST(BulkTrain, BitwiseTheSameForOneAndTwoThreads) {
#ifdef _OPENMP
  const BulkTrajectoryData d = bulk_trajectory_data_from_archive(lj_archive(2), "lj.npz");
  BulkTrainOptions o;
  o.hidden = {6, 6};
  o.cutoff.cutoff = 2.2, o.cutoff.r_on = 1.8, o.cutoff.smoothing = Smoothing::Switch;
  o.stride = 5, o.epochs = 2, o.batch_size = 8, o.val_fraction = 0.5;
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const BulkTrainResult one = train_bulk_mclnn(d, o);
  omp_set_num_threads(2);
  const BulkTrainResult two = train_bulk_mclnn(d, o);
  omp_set_num_threads(before);
  EXPECT_EQ(one.model.params, two.model.params);
  EXPECT_EQ(one.train_loss, two.train_loss);
#else
  GTEST_SKIP() << "built without OpenMP";
#endif
}
