// mclnn/test_verlet_adjoint_lanes.cpp — MCLNN training's SIMD lanes (physics/pair_mlp_lanes.hpp,
// mclnn/verlet_adjoint_lanes.hpp; AVX-512 builds) against the one-pair and one-segment functions they stand for:
// each lane's jets, parameter gradient, segment loss and segment gradient agree with PairMlp::network_jets /
// param_grad / network_slope and segment_loss_and_grad_cpu to 1e-12 relative (issue 14's bound; not bitwise: GCC
// vectorises the one-pair functions' longer sums as a multiply then in-order adds, the lanes fuse each term into an
// FMA), for every activation, shape, input transform, N, D and horizon under test; a segment's results do not depend
// on its lane (bitwise); padding lanes (weight 0) add exact zeros; coincident particles (r = 0) add nothing (the
// acceleration VJP against the one-pair loop); a diverged lane raises the one-segment error; train.cpp's batch sums
// every segment in its lane (mclnn_loss).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "noether/io/model_file.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/mclnn/train.hpp"
#include "noether/mclnn/verlet_adjoint.hpp"
#include "noether/mclnn/verlet_adjoint_lanes.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/pair_mlp_lanes.hpp"
#include "support/pair_mlp_test_util.hpp"
#include "support/spring_data.hpp"

using namespace noether;
using namespace noether_test;

namespace {

/// Bitwise equality of two doubles (NaNs of the same payload included), with a readable failure.
void expect_same_bits(double got, double want, const std::string& what) {
  EXPECT_EQ(0, std::memcmp(&got, &want, sizeof got)) << what << ": " << got << " and " << want << " (diff "
                                                     << got - want << ")";
}

/// |got − want| ≤ 1e-12 · scale (scale: the magnitude of the quantity, e.g. max |g| of a gradient vector).
void expect_round_off(double got, double want, double scale, const std::string& what) {
  EXPECT_LE(std::abs(got - want), 1e-12 * scale) << what << ": lanes " << got << ", one at a time " << want;
}


/// Widths under test: the shared shapes and the training default [1, 10, 10, 1].
std::vector<std::vector<int>> lane_widths() {
  auto w = test_widths();
  w.push_back({1, 10, 10, 1});
  return w;
}

}  // namespace

TEST(PairMlpLanes, JetsSlopeAndParamGradMatchTheOnePairFunctions) {
#if !defined(__AVX512F__)
  GTEST_SKIP() << "the pair MLP's lanes exist in AVX-512 builds only (pair_mlp_lanes.hpp)";
#else
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> ur(0.3, 3.5), uc(-2, 2);
  for (const PairScaling& sc : test_scalings())
    for (Activation act : all_activations())
      for (const auto& widths : lane_widths()) {
        const MlpShape shape = shape_of(widths, act);
        const std::vector<double> p = random_params(shape, 5u + unsigned(widths.size()));
        const std::string name = shape_name(shape) + scaling_name(sc);
        with_pair_mlp<double>(shape, p.data(), sc, [&](const auto& mlp) {
          using Mlp = std::decay_t<decltype(mlp)>;
          using Lanes = typename Mlp::Lanes;
          constexpr int K = Mlp::kBlock;
          const int P = mlp.parameter_count();
          Lanes r, w, c;
          for (int k = 0; k < K; ++k) r[k] = ur(rng), w[k] = uc(rng), c[k] = uc(rng);
          PairMlpLanesTape<double, Mlp::kMaxWidth> tape;
          Lanes V, dV, d2V, Vs, dVs;
          pair_mlp_jets_lanes(mlp, r, tape, V, dV, d2V);
          mlp.slope_lanes(r, Vs, dVs);
          std::vector<Lanes> g(P);
          std::vector<double> g0(P * K);
          std::mt19937_64 rg(11);
          for (int k = 0; k < P; ++k)
            for (int l = 0; l < K; ++l) g[k][l] = g0[k * K + l] = uc(rg);  // accumulate onto non-zero values
          pair_mlp_param_grad_lanes(mlp, tape, w, c, g.data());
          for (int l = 0; l < K; ++l) {
            const PairJet<double> j = mlp.network_jets(r[l]);
            const PairSlope<double> s = mlp.network_slope(r[l]);
            expect_round_off(V[l], j.V, std::abs(j.V), name + " V");
            expect_round_off(dV[l], j.dV, std::abs(j.dV), name + " V'");
            expect_round_off(d2V[l], j.d2V, std::abs(j.d2V), name + " V''");
            expect_same_bits(Vs[l], V[l], name + " slope_lanes V and the jets' V");
            expect_same_bits(dVs[l], dV[l], name + " slope_lanes V' and the jets' V'");
            expect_round_off(Vs[l], s.V, std::abs(s.V), name + " slope V");
            expect_round_off(dVs[l], s.dV, std::abs(s.dV), name + " slope V'");
            std::vector<double> gl(P), added(P);
            for (int k = 0; k < P; ++k) gl[k] = g0[k * K + l];
            mlp.param_grad(r[l], w[l], c[l], gl.data());
            for (int k = 0; k < P; ++k) added[k] = gl[k] - g0[k * K + l];
            const double scale = max_abs(added) + max_abs(gl) * 1e-4;  // the added terms, and the sum's last bits
            for (int k = 0; k < P; ++k)
              expect_round_off(g[k][l], gl[k], scale, name + " dθ[" + std::to_string(k) + "]");
          }
        });
      }
#endif
}

namespace {

/// K random segments of N particles in D dimensions (a jittered ring, targets near a straight-line flight).
struct LaneCase {
  int N, D, stride, horizon;
  double dt;
  std::vector<std::vector<double>> q0, v0, m, target;
};

/// Lane 2 (when N >= 2) starts with particles 0 and 1 at the same place: r = 0, no force, nothing added by that pair
/// in the reverse sweep's last step (the one-segment function's `continue`).
LaneCase make_case(int K, int N, int D, int stride, int horizon, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1), um(0.7, 1.6);
  LaneCase c{N, D, stride, horizon, 0.01, {}, {}, {}, {}};
  for (int l = 0; l < K; ++l) {
    std::vector<double> q, v, m, t;
    for (int i = 0; i < N; ++i) {
      const double ang = 2 * M_PI * i / N;
      for (int d = 0; d < D; ++d) {
        const double base = d == 0 ? 1.3 * std::cos(ang) : d == 1 ? 1.3 * std::sin(ang) : 0.2 * i;
        q.push_back(base + 0.1 * u(rng));
        v.push_back(0.3 * u(rng));
      }
      m.push_back(um(rng));
    }
    if (l == 2 && N >= 2)
      for (int d = 0; d < D; ++d) q[D + d] = q[d];
    for (int h = 0; h < horizon; ++h)
      for (int k = 0; k < N * D; ++k) t.push_back(q[k] + 0.02 * u(rng) + 0.1 * (h + 1) * v[k]);
    c.q0.push_back(q), c.v0.push_back(v), c.m.push_back(m), c.target.push_back(t);
  }
  return c;
}

}  // namespace

TEST(MclnnLanes, SegmentLossAndGradientMatchTheOneSegmentFunction) {
#if !defined(__AVX512F__)
  GTEST_SKIP() << "the segment lanes exist in AVX-512 builds only (verlet_adjoint_lanes.hpp)";
#else
  struct Geometry { int N, D, stride, horizon; };
  const Geometry geometries[] = {{3, 2, 10, 1}, {4, 3, 3, 3}, {8, 2, 2, 2}, {2, 1, 5, 1}};
  for (const PairScaling& sc : test_scalings())
    for (Activation act : all_activations())
      for (const auto& widths :  // MaxWidth 16, 16, 32, 64
           std::vector<std::vector<int>>{{1, 10, 10, 1}, {1, 3, 7, 2, 1}, {1, 20, 20, 1}, {1, 40, 1}})
        for (const Geometry& geo : geometries) {
          const MlpShape shape = shape_of(widths, act);
          const std::vector<double> p = random_params(shape, 9u, 0.5);
          const std::string name = shape_name(shape) + scaling_name(sc) + " N=" + std::to_string(geo.N) +
                                   " D=" + std::to_string(geo.D) + " horizon=" + std::to_string(geo.horizon);
          with_pair_mlp<double>(shape, p.data(), sc, [&](const auto& mlp) {
            using Mlp = std::decay_t<decltype(mlp)>;
            using Lanes = typename Mlp::Lanes;
            constexpr int K = Mlp::kBlock;
            const LaneCase c = make_case(K, geo.N, geo.D, geo.stride, geo.horizon, 17u + unsigned(geo.N));
            SegmentLanes<double, Mlp::kMaxWidth> seg;
            for (int l = 0; l < K; ++l) {
              seg.q0[l] = c.q0[l].data(), seg.v0[l] = c.v0[l].data(), seg.mass[l] = c.m[l].data();
              seg.target[l] = c.target[l].data();
              seg.weight[l] = l == K - 1 ? 0.0 : 1.0;  // the last lane pads: weight 0, nothing added
            }
            const int P = mlp.parameter_count();
            std::vector<Lanes> g(P, Lanes{});
            const Lanes loss = segment_lanes_loss_and_grad(mlp, seg, c.N, c.D, c.dt, c.stride, c.horizon, g.data());
            const Lanes loss_only = segment_lanes_loss_and_grad(mlp, seg, c.N, c.D, c.dt, c.stride, c.horizon,
                                                                static_cast<Lanes*>(nullptr));
            // The same segments in the opposite lanes: each segment's results bitwise the same.
            SegmentLanes<double, Mlp::kMaxWidth> rev = seg;
            for (int l = 0; l < K; ++l) {
              const int o = K - 1 - l;
              rev.q0[l] = seg.q0[o], rev.v0[l] = seg.v0[o], rev.mass[l] = seg.mass[o], rev.target[l] = seg.target[o];
              rev.weight[l] = 1.0;
            }
            std::vector<Lanes> g_rev(P, Lanes{});
            const Lanes loss_rev = segment_lanes_loss_and_grad(mlp, rev, c.N, c.D, c.dt, c.stride, c.horizon,
                                                               g_rev.data());
            for (int l = 0; l < K; ++l) {
              const std::string lane = ", lane " + std::to_string(l);
              std::vector<double> gl(P, 0.0);
              const double want = segment_loss_and_grad_cpu<double>(mlp, c.q0[l].data(), c.v0[l].data(),
                                                                    c.m[l].data(), c.N, c.D, c.dt, c.stride,
                                                                    c.horizon, c.target[l].data(), 1.0, gl.data());
              expect_round_off(loss[l], want, std::abs(want), name + " loss" + lane);
              expect_same_bits(loss_only[l], loss[l], name + " loss without the gradient" + lane);
              expect_same_bits(loss_rev[K - 1 - l], loss[l], name + " loss in the mirrored lane" + lane);
              const double scale = max_abs(gl);
              for (int k = 0; k < P; ++k) {
                const std::string what = name + " dθ[" + std::to_string(k) + "]" + lane;
                if (seg.weight[l] == 0.0) expect_same_bits(g[k][l], 0.0, what + " (padding)");
                else expect_round_off(g[k][l], gl[k], scale, what);
                if (seg.weight[l] != 0.0)
                  expect_same_bits(g_rev[k][K - 1 - l], g[k][l], what + " in the mirrored lane");
              }
            }
          });
        }
#endif
}

TEST(MclnnLanes, AccelerationVjpMatchesTheOnePairLoopWithCoincidentParticles) {
#if !defined(__AVX512F__)
  GTEST_SKIP() << "the segment lanes exist in AVX-512 builds only (verlet_adjoint_lanes.hpp)";
#else
  // Lane 2 has particles 0 and 1 at the same place (make_case): the one-pair loop skips that pair, so must the lanes.
  const MlpShape shape = shape_of({1, 10, 10, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 9u, 0.5);
  with_pair_mlp<double>(shape, p.data(), test_scaling(), [&](const auto& mlp) {
    using Mlp = std::decay_t<decltype(mlp)>;
    using Lanes = typename Mlp::Lanes;
    constexpr int K = Mlp::kBlock;
    const int N = 4, D = 3, f = N * D, P = mlp.parameter_count();
    const LaneCase c = make_case(K, N, D, 1, 1, 13u);
    std::mt19937_64 rng(4);
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<Lanes> q(f), m(N), lambda(f), g_pos(f, Lanes{}), g_theta(P, Lanes{});
    for (int l = 0; l < K; ++l) {
      for (int k = 0; k < f; ++k) q[k][l] = c.q0[l][k], lambda[k][l] = u(rng);
      for (int i = 0; i < N; ++i) m[i][l] = c.m[l][i];
    }
    PairMlpLanesTape<double, Mlp::kMaxWidth> tape;
    detail::accelerations_vjp_lanes(mlp, q.data(), m.data(), lambda.data(), N, D, g_pos.data(), g_theta.data(), tape);
    for (int l = 0; l < K; ++l) {
      std::vector<double> ql(f), ll(f), gp(f, 0.0), gt(P, 0.0);
      for (int k = 0; k < f; ++k) ql[k] = q[k][l], ll[k] = lambda[k][l];
      accelerations_vjp_cpu(mlp, ql.data(), c.m[l].data(), ll.data(), N, D, gp.data(), gt.data());
      const std::string lane = "lane " + std::to_string(l);
      for (int k = 0; k < f; ++k)
        expect_round_off(g_pos[k][l], gp[k], max_abs(gp), lane + " q̄[" + std::to_string(k) + "]");
      for (int k = 0; k < P; ++k)
        expect_round_off(g_theta[k][l], gt[k], max_abs(gt), lane + " θ̄[" + std::to_string(k) + "]");
    }
  });
#endif
}

TEST(MclnnLanes, ADivergedLaneRaisesTheOneSegmentError) {
#if !defined(__AVX512F__)
  GTEST_SKIP() << "the segment lanes exist in AVX-512 builds only (verlet_adjoint_lanes.hpp)";
#else
  const MlpShape shape = shape_of({1, 10, 10, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 9u, 0.5);
  with_pair_mlp<double>(shape, p.data(), PairScaling{}, [&](const auto& mlp) {
    using Mlp = std::decay_t<decltype(mlp)>;
    constexpr int K = Mlp::kBlock;
    LaneCase c = make_case(K, 3, 2, 2, 1, 5u);
    c.v0[3][0] = std::nan("");  // lane 3 starts from a NaN velocity: its loss is not finite
    SegmentLanes<double, Mlp::kMaxWidth> seg;
    for (int l = 0; l < K; ++l) {
      seg.q0[l] = c.q0[l].data(), seg.v0[l] = c.v0[l].data(), seg.mass[l] = c.m[l].data();
      seg.target[l] = c.target[l].data(), seg.weight[l] = 1.0;
    }
    std::vector<typename Mlp::Lanes> g(mlp.parameter_count());
    try {
      segment_lanes_loss_and_grad(mlp, seg, c.N, c.D, c.dt, c.stride, c.horizon, g.data());
      ADD_FAILURE() << "a NaN lane should raise";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("trajectory loss is not finite"), std::string::npos) << e.what();
    }
    seg.weight[3] = 0.0;  // as a padding lane its loss is not checked
    EXPECT_NO_THROW(segment_lanes_loss_and_grad(mlp, seg, c.N, c.D, c.dt, c.stride, c.horizon, g.data()));
  });
#endif
}

TEST(MclnnLanes, BatchLossSumsEverySegmentInItsLane) {
  // mclnn_loss runs train.cpp's batch: segment k in lane k mod 16, each lane summing its segments in order, the lanes
  // summed in order; 37 segments leave padding lanes in the last group of 8. The same sums of the one-segment function.
  const TrajectoryData d = spring_data(4, 20, 3u);
  ModelFile m;
  m.shape = shape_of({1, 8, 8, 1}, Activation::Squareplus);
  m.params = random_params(m.shape, 21u, 0.5);
  m.input_scaling = {{1.0}, {0.5}};
  m.output_scaling = {{0.1}, {0.7}};
  std::vector<Segment> segs = make_segments(d, {0, 1, 2, 3}, 1);
  ASSERT_GE(segs.size(), 37u);
  segs.resize(37);
  const int stride = 10;
  const double got = mclnn_loss(m, d, segs, stride, 1);
  double lane_sum[16] = {};
  with_pair_mlp<double>(m.shape, m.params.data(), pair_scaling(m), [&](const auto& mlp) {
    for (std::size_t k = 0; k < segs.size(); ++k) {
      const Segment& s = segs[k];
      lane_sum[k % 16] += segment_loss_and_grad_cpu<double>(mlp, d.q(s.b, s.t), d.v(s.b, s.t), d.m(s.b), d.N, d.D,
                                                            d.frame_dt / stride, stride, 1, d.q(s.b, s.t + 1), 1.0,
                                                            static_cast<double*>(nullptr));
    }
  });
  double want = 0;
  for (double x : lane_sum) want += x;
  want /= double(segs.size());
  EXPECT_GT(want, 0.0);
  expect_round_off(got, want, want, "mean loss of 37 segments");
}
