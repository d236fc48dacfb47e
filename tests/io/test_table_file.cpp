// io/test_table_file.cpp — tabulated pair potentials (physics/pair_table.hpp, io/table_file.hpp, `noether tabulate`):
// a quintic is reproduced exactly; a random [1,16,16,1] squareplus MLP's table meets the 1e-5 dV/dr
// criterion on a denser, independent grid than the builder's; V, V′, V″ continuous across knots and at
// both extrapolation ends; r = 0 gives no force; momentum conservation; a 100-step rollout with the table
// tracks the MLP's; file round trip and malformed files; CLI tabulate → potential → rollout; GPU parity
// of table forces in the all-pairs kernel (skips without a device unless NOETHER_REQUIRE_GPU=1).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/gpu_gate.hpp"
#include "support/cli_fixture.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/core/error.hpp"
#include "noether/physics/forces.hpp"
#include "noether/io/npz.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/io/table_file.hpp"
#include "noether/physics/verlet.hpp"

using namespace noether;

namespace {

/// A random [1, 16, 16, 1] squareplus pair MLP with non-trivial scaling (as test_cuda_parity); a smaller
/// in_scale and larger weights (`amp`) make it wigglier over the same range.
PairLawSpec random_mlp_law(unsigned seed, double amp = 0.5, double in_scale = 0.8) {
  auto L = std::make_shared<LearnedPotential>();
  L->shape = MlpShape{{1, 16, 16, 1}, Activation::Squareplus};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-amp, amp);
  L->params.resize(L->shape.parameter_count());
  for (auto& p : L->params) p = u(rng);
  L->scaling = PairScaling{1.2, in_scale, 0.3, 0.0};
  PairLawSpec spec;
  spec.kind = PotentialKind::Learned;
  spec.learned = L;
  return spec;
}

/// p(r) = Σ a_k r^k, k ≤ 5, and its jets.
PairJet<double> quintic(double r) {
  const double a[6] = {0.3, -1.1, 0.7, 0.25, -0.4, 0.06};
  double V = 0, dV = 0, d2V = 0;
  for (int k = 5; k >= 0; --k) V = V * r + a[k];
  for (int k = 5; k >= 1; --k) dV = dV * r + k * a[k];
  for (int k = 5; k >= 2; --k) d2V = d2V * r + k * (k - 1) * a[k];
  return {V, dV, d2V};
}

double rel(double a, double b) { return std::abs(a - b) / std::max(1.0, std::abs(b)); }

}  // namespace

TEST(PairTable, QuinticIsReproducedExactly) {
  PairTableBuildReport rep;
  const PairTableData t = build_pair_table(quintic, 0.5, 2.5, 1e-5, 3, &rep);
  EXPECT_EQ(rep.intervals, 3);  // exact already: no doubling
  const PairTable<double> tab = make_pair_table<double>(t, t.coef.data());
  for (int k = 0; k <= 1000; ++k) {
    const double r = 0.5 + 2.0 * k / 1000.0;
    const PairJet<double> a = tab.jets(r), b = quintic(r);
    EXPECT_LT(rel(a.V, b.V), 1e-12) << r;
    EXPECT_LT(rel(a.dV, b.dV), 1e-12) << r;
    EXPECT_LT(rel(a.d2V, b.d2V), 1e-11) << r;
  }
}

TEST(PairTable, MlpTableMeetsDerivativeToleranceOnIndependentDenseGrid) {
  for (const double amp : {0.5, 2.0}) {  // the parity-test MLP, and a much wigglier one
    const PairLawSpec mlp = random_mlp_law(17u, amp, amp > 1 ? 0.15 : 0.8);
    const double a = 0.4, b = 3.5, tol = 1e-5;
    PairTableBuildReport rep;
    const PairTableData t = build_pair_table(mlp, a, b, tol, 8, &rep);
    const PairTable<double> tab = make_pair_table<double>(t, t.coef.data());
    // Independent check: 400,000 random distances (the builder used 15 fixed points per interval).
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(a, b);
    std::vector<double> r(400000);
    for (auto& x : r) x = u(rng);
    r.push_back(a), r.push_back(b);
    double max_ref = 0, max_err = 0, max_err_V = 0;
    for (double x : r) {
      const PairJet<double> p = tab.jets(x), q = pair_law_jets(mlp, x);
      max_ref = std::max(max_ref, std::abs(q.dV));
      max_err = std::max(max_err, std::abs(p.dV - q.dV));
      max_err_V = std::max(max_err_V, std::abs(p.V - q.V));
    }
    std::printf("  [1,16,16,1] (weights U(-%g, %g)) table on [%g, %g]: %d knots; builder max rel dV/dr error %.3e; independent grid %.3e; "
                "max |V error| %.3e; max |V'| %.3g\n",
                amp, amp, a, b, rep.intervals + 1, rep.max_rel_error_dVdr, max_err / max_ref, max_err_V, max_ref);
    EXPECT_LE(max_err, tol * max_ref);
    EXPECT_LE(rep.max_rel_error_dVdr, tol);
    // A tighter tolerance gives more knots, and still holds.
    PairTableBuildReport rep2;
    const PairTableData t2 = build_pair_table(mlp, a, b, 1e-10, 8, &rep2);
    EXPECT_GT(rep2.intervals, rep.intervals);
    EXPECT_LE(rep2.max_rel_error_dVdr, 1e-10);
    std::printf("  tolerance 1e-10: %d knots, measured %.3e\n", rep2.intervals + 1, rep2.max_rel_error_dVdr);
  }
}

TEST(PairTable, KnotsAreC2AndEndsExtrapolateContinuously) {
  const PairLawSpec mlp = random_mlp_law(3u);
  const PairTableData t = build_pair_table(mlp, 0.5, 3.0, 1e-5);
  const double h = t.h();
  const int n = t.intervals();
  for (int k = 1; k < n; ++k) {  // left interval at t = 1 vs right interval at t = 0, and the knot values
    const double* L = t.coef.data() + 6 * (k - 1);
    const double* R = t.coef.data() + 6 * k;
    const double VL = L[0] + L[1] + L[2] + L[3] + L[4] + L[5];
    const double dL = (L[1] + 2 * L[2] + 3 * L[3] + 4 * L[4] + 5 * L[5]) / h;
    const double sL = (2 * L[2] + 6 * L[3] + 12 * L[4] + 20 * L[5]) / (h * h);
    const double sR = 2 * R[2] / (h * h);
    EXPECT_LT(rel(VL, R[0]), 1e-12) << k;
    EXPECT_LT(rel(dL, R[1] / h), 1e-10) << k;
    EXPECT_LT(rel(sL, sR), 1e-8) << k;
    EXPECT_LT(rel(sR, t.d2V[k]), 1e-10) << k;
  }
  const PairTable<double> tab = make_pair_table<double>(t, t.coef.data());
  for (double e : {t.r_min, t.r_max}) {
    const PairJet<double> in = tab.jets(e), below = tab.jets(e - 1e-9), above = tab.jets(e + 1e-9);
    EXPECT_LT(rel(below.V, in.V), 1e-8);
    EXPECT_LT(rel(above.V, in.V), 1e-8);
    EXPECT_LT(rel(below.dV, in.dV), 1e-7);
    EXPECT_LT(rel(above.dV, in.dV), 1e-7);
    EXPECT_LT(rel(below.d2V, in.d2V), 1e-6);
    EXPECT_LT(rel(above.d2V, in.d2V), 1e-6);
  }
  // Extrapolation is the quadratic Taylor polynomial at the nearest end.
  const double x = 0.2 - t.r_min;
  const PairJet<double> lo = tab.jets(0.2);
  EXPECT_NEAR(lo.V, t.V[0] + t.dV[0] * x + 0.5 * t.d2V[0] * x * x, 1e-12);
  EXPECT_NEAR(lo.dV, t.dV[0] + t.d2V[0] * x, 1e-12);
  const double y = 5.0 - t.r_max;
  const PairJet<double> hi = tab.jets(5.0);
  EXPECT_NEAR(hi.dV, t.dV[n] + t.d2V[n] * y, 1e-12);
  // r = 0: no direction, no force.
  double V = 0, f = 1;
  tab.eval(0.0, 1.0, 1.0, V, f);
  EXPECT_EQ(f, 0.0);
  EXPECT_TRUE(std::isfinite(V));
  // A NaN distance (a blown-up state) gives NaN, never an out-of-range coefficient read.
  const PairJet<double> bad = tab.jets(std::nan(""));
  EXPECT_TRUE(std::isnan(bad.V) && std::isnan(bad.dV));
}

TEST(PairTable, ForcesConserveMomentumAndMatchMlp) {
  const PairLawSpec mlp = random_mlp_law(9u);
  const PairLawSpec tab = tabulated_pair_law(build_pair_table(mlp, 0.05, 6.0, 1e-6));
  const int B = 2, N = 40, D = 3;
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(-1.5, 1.5), um(0.5, 2.0);
  std::vector<double> pos(std::size_t(B) * N * D), mass(std::size_t(B) * N), a(pos.size()), ref(pos.size());
  for (auto& x : pos) x = u(rng);
  for (auto& m : mass) m = um(rng);
  with_pair_law<double>(tab, [&](auto law) { accelerations_cpu(law, pos.data(), mass.data(), a.data(), B, N, D); });
  with_pair_law<double>(mlp, [&](auto law) { accelerations_cpu(law, pos.data(), mass.data(), ref.data(), B, N, D); });
  double scale = 0, err = 0;
  for (std::size_t k = 0; k < a.size(); ++k) scale = std::max(scale, std::abs(ref[k])), err = std::max(err, std::abs(a[k] - ref[k]));
  EXPECT_LT(err, 1e-4 * scale);
  for (int b = 0; b < B; ++b)
    for (int c = 0; c < D; ++c) {
      double p = 0, s = 0;
      for (int i = 0; i < N; ++i) {
        const double mi = mass[std::size_t(b) * N + i], fi = mi * a[(std::size_t(b) * N + i) * D + c];
        p += fi, s += std::abs(fi);
      }
      EXPECT_LT(std::abs(p), 1e-12 * s) << "trajectory " << b << " component " << c;
    }
  // float32 tables work too (coefficients converted once).
  std::vector<float> pf(pos.begin(), pos.end()), mf(mass.begin(), mass.end()), af(pos.size());
  with_pair_law<float>(tab, [&](auto law) { accelerations_cpu(law, pf.data(), mf.data(), af.data(), B, N, D); });
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(af[k], a[k], 2e-4 * scale);
}

TEST(PairTable, RolloutTracksMlpRollout) {
  const PairLawSpec mlp = random_mlp_law(21u);
  const PairLawSpec tab = tabulated_pair_law(build_pair_table(mlp, 0.05, 5.0, 1e-5));
  const int B = 1, N = 16, D = 2;
  const long steps = 100;
  const double dt = 0.01;
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(-1.2, 1.2), uv(-0.2, 0.2);
  std::vector<double> q0(std::size_t(N) * D), v0(q0.size()), m(N, 1.0);
  for (auto& x : q0) x = u(rng);
  for (auto& x : v0) x = uv(rng);
  auto run = [&](const PairLawSpec& spec) {
    std::vector<double> q = q0, v = v0, a(q.size());
    with_pair_law<double>(spec, [&](auto law) {
      accelerations_cpu(law, q.data(), m.data(), a.data(), B, N, D);
      verlet_steps_cpu(law, q.data(), v.data(), a.data(), m.data(), B, N, D, dt, steps);
    });
    return q;
  };
  const std::vector<double> qa = run(tab), qb = run(mlp);
  double err = 0, moved = 0;
  for (std::size_t k = 0; k < qa.size(); ++k) err = std::max(err, std::abs(qa[k] - qb[k])), moved = std::max(moved, std::abs(qb[k] - q0[k]));
  std::printf("  100 steps: max |q_table - q_mlp| = %.3e (max displacement %.3g)\n", err, moved);
  EXPECT_LT(err, 1e-6);
  EXPECT_GT(moved, 1e-3);
}

TEST(PairTable, FileRoundTripIsBitExact) {
  PairTableData t = build_pair_table(random_mlp_law(2u), 0.5, 2.5, 1e-5);
  t.source_json = R"({"model":"x.json"})";
  const std::string path = (std::filesystem::temp_directory_path() / ("noether_table_" + std::to_string(::getpid()) + ".json")).string();
  save_pair_table_file(path, t);
  EXPECT_TRUE(is_pair_table_file(path));
  const PairTableData u = load_pair_table_file(path);
  std::remove(path.c_str());
  EXPECT_EQ(u.r_min, t.r_min);
  EXPECT_EQ(u.r_max, t.r_max);
  EXPECT_EQ(u.V, t.V);
  EXPECT_EQ(u.dV, t.dV);
  EXPECT_EQ(u.d2V, t.d2V);
  EXPECT_EQ(u.coef, t.coef);
  EXPECT_EQ(u.tolerance, t.tolerance);
  EXPECT_EQ(u.max_rel_error_dVdr, t.max_rel_error_dVdr);
  EXPECT_NE(u.source_json.find("x.json"), std::string::npos);
}

TEST(PairTable, MalformedFilesAreRejectedNamingTheKey) {
  const std::string ok_head = R"({"format": "noether-pair-table", "version": 1, "r_min": 0.5, "r_max": 1.5, "knots": 2, )";
  const std::string ok_tail = R"("V": [1, 2], "dVdr": [0, 1], "d2Vdr2": [0, 0]})";
  EXPECT_NO_THROW(parse_pair_table_json(ok_head + ok_tail, "t.json"));
  auto expect_error = [](const std::string& text, std::vector<std::string> fragments) {
    try {
      parse_pair_table_json(text, "t.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      const std::string msg = e.what();
      for (const auto& f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "missing '" << f << "' in: " << msg;
    }
  };
  expect_error(R"({"format": "noether-model", "version": 1})", {"t.json", "format", "noether-pair-table"});
  expect_error(R"({"format": "noether-pair-table", "version": 2})", {"t.json", "version"});
  expect_error(R"({"format": "noether-pair-table", "version": 1, "r_min": 1.5, "r_max": 0.5, "knots": 2, )" + ok_tail,
               {"t.json", "r_max", "r_min"});
  expect_error(ok_head + R"("V": [1, 2, 3], "dVdr": [0, 1], "d2Vdr2": [0, 0]})", {"t.json", "V", "expected 2"});
  expect_error(ok_head + R"("V": [1, 2], "dVdr": [0], "d2Vdr2": [0, 0]})", {"t.json", "dVdr"});
  expect_error(ok_head + R"("V": [1, 2], "dVdr": [0, 1], "d2Vdr2": [0, "x"]})", {"t.json", "d2Vdr2[1]"});
  expect_error(ok_head + R"("V": [1, 2], "dVdr": [0, 1]})", {"t.json", "d2Vdr2", "missing"});
  expect_error(ok_head + R"("V": [1, 1e999], "dVdr": [0, 1], "d2Vdr2": [0, 0]})", {"t.json"});
  expect_error(R"({"format": "noether-pair-table", "version": 1, "r_min": 0.5, "r_max": 1.5, "knots": 1, )" + ok_tail,
               {"t.json", "knots"});
  expect_error(ok_head + R"("extrapolation": "linear", )" + ok_tail, {"t.json", "extrapolation"});
  expect_error(ok_head + R"("colour": 1, )" + ok_tail, {"t.json", "colour", "unknown"});
  expect_error("{not json", {"t.json", "JSON"});
  EXPECT_THROW(build_pair_table(quintic, 1.0, 0.5), Error);
  EXPECT_THROW(build_pair_table(quintic, 0.5, 1.0, 0.0), Error);
  // A kink cannot meet the tolerance: the knot cap gives a clear error.
  try {
    build_pair_table([](double r) { return PairJet<double>{std::abs(r - 1.0 / 3.0), r > 1.0 / 3.0 ? 1.0 : -1.0, 0.0}; },
                     0.0, 1.0, 1e-5);
    ADD_FAILURE() << "a kink was tabulated";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("intervals"), std::string::npos) << e.what();
  }
}

namespace {

const char* kSpringModel =
    R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus",
  "metadata": {"training": {"pair_distance_range": {"min": 0.5, "max": 2.5, "p05": 0.7, "p95": 2.2}}},
  "layers": [{"weight": [[2.0], [-2.0]], "bias": [-2.0, 2.0]}, {"weight": [[1.0, 1.0]], "bias": [0.0]}]})";

std::vector<std::vector<double>> csv_rows(const std::string& text) {
  std::vector<std::vector<double>> rows;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

class TabulateCli : public noether_test::CliTest {};

TEST_F(TabulateCli, TabulatePotentialRollout) {
  // V(r) = σ(2r − 2) + σ(2 − 2r) = 2 √((r − 1)² + 1): a smooth spring with rest length 1.
  write("spring.json", kSpringModel);
  auto r = noether("tabulate --model spring.json -o table.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("knots"), std::string::npos) << r.out;
  const PairTableData t = load_pair_table_file((dir_ / "table.json").string());
  EXPECT_EQ(t.r_min, 0.5);
  EXPECT_EQ(t.r_max, 2.5);
  EXPECT_LE(t.max_rel_error_dVdr, 1e-5);
  EXPECT_EQ(t.tolerance, 1e-5);

  ASSERT_EQ(noether("potential --model table.json --r-min 0.5 --r-max 2.5 --points 301 -o tab.csv").code, 0);
  ASSERT_EQ(noether("potential --model spring.json --r-min 0.5 --r-max 2.5 --points 301 -o mlp.csv").code, 0);
  const auto a = csv_rows(slurp("tab.csv")), b = csv_rows(slurp("mlp.csv"));
  ASSERT_EQ(a.size(), 301u);
  ASSERT_EQ(b.size(), 301u);
  double max_dV = 0, err = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const double x = a[k][0] - 1.0, dV = 2 * x / std::sqrt(x * x + 1);
    EXPECT_NEAR(b[k][2], dV, 1e-12);
    max_dV = std::max(max_dV, std::abs(b[k][2]));
    err = std::max(err, std::abs(a[k][2] - b[k][2]));
  }
  EXPECT_LE(err, 1e-5 * max_dV);

  write_init("init.npz", {0.0, 0.0, 1.2, 0.0, 0.3, 0.9}, 3, 2, {1.0, 1.0, 1.0});
  r = noether("rollout --model table.json --init init.npz --dt 0.01 --steps 100 --stride 10 --device cpu -o tab.npz");
  ASSERT_EQ(r.code, 0) << r.err;
  r = noether("rollout --model spring.json --init init.npz --dt 0.01 --steps 100 --stride 10 --device cpu -o mlp.npz");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto ta = noether::read_npz((dir_ / "tab.npz").string()), tb = noether::read_npz((dir_ / "mlp.npz").string());
  const auto& pa = ta.at("positions").data;
  const auto& pb = tb.at("positions").data;
  ASSERT_EQ(pa.size(), pb.size());
  double d = 0;
  for (std::size_t k = 0; k < pa.size(); ++k) d = std::max(d, std::abs(pa[k] - pb[k]));
  EXPECT_LT(d, 1e-6);

  // Range from flags; no metadata and no flags is an error naming the key.
  write("bare.json", R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus",
    "layers": [{"weight": [[2.0], [-2.0]], "bias": [-2.0, 2.0]}, {"weight": [[1.0, 1.0]], "bias": [0.0]}]})");
  r = noether("tabulate --model bare.json -o bare_table.json");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("pair_distance_range"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "bare_table.json"));
  r = noether("tabulate --model bare.json --r-min 0.2 --r-max 4 --tolerance 1e-7 -q -o bare_table.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const PairTableData t2 = load_pair_table_file((dir_ / "bare_table.json").string());
  EXPECT_EQ(t2.r_min, 0.2);
  EXPECT_LE(t2.max_rel_error_dVdr, 1e-7);
  // A malformed table given to rollout fails naming the file and key.
  write("bad.json", R"({"format": "noether-pair-table", "version": 1, "r_min": 1, "r_max": 0.5, "knots": 2,
    "V": [1, 2], "dVdr": [0, 1], "d2Vdr2": [0, 0]})");
  expect_rejected("rollout --model bad.json --init init.npz --dt 0.01 --steps 10 -o out.npz", {"bad.json", "r_max"});
}

TEST(PairTableCuda, TableForcesMatchCpu) {
  NOETHER_NEED_GPU();
  ASSERT_TRUE(cuda_learned_rollout_available());
  const PairLawSpec tab = tabulated_pair_law(build_pair_table(random_mlp_law(17u), 0.05, 5.0, 1e-5));
  for (int D : {2, 3}) {
    const int B = 3, N = 77;
    std::mt19937_64 rng(40 + D);
    std::uniform_real_distribution<double> u(-1.5, 1.5), um(0.5, 2.0);
    std::vector<double> pos(std::size_t(B) * N * D), mass(std::size_t(B) * N), acc(pos.size()), ref(pos.size());
    for (auto& x : pos) x = u(rng);
    for (auto& m : mass) m = um(rng);
    cuda_accelerations<double>(tab, pos.data(), mass.data(), acc.data(), B, N, D);
    with_pair_law<double>(tab, [&](auto law) { accelerations_cpu(law, pos.data(), mass.data(), ref.data(), B, N, D); });
    double scale = 0;
    for (double x : ref) scale = std::max(scale, std::abs(x));
    for (std::size_t k = 0; k < acc.size(); ++k) EXPECT_NEAR(acc[k], ref[k], 1e-12 * scale + 1e-12) << k;
    std::vector<double> U(B), Uref(B);
    cuda_potential_energy<double>(tab, pos.data(), mass.data(), U.data(), B, N, D);
    with_pair_law<double>(tab, [&](auto law) { potential_energy_cpu(law, pos.data(), mass.data(), Uref.data(), B, N, D); });
    for (int b = 0; b < B; ++b) EXPECT_NEAR(U[b], Uref[b], 1e-10 * (1 + std::abs(Uref[b])));
    // float32 on the device against float32 on the CPU.
    std::vector<float> pf(pos.begin(), pos.end()), mf(mass.begin(), mass.end()), af(pos.size()), rf(pos.size());
    cuda_accelerations<float>(tab, pf.data(), mf.data(), af.data(), B, N, D);
    with_pair_law<float>(tab, [&](auto law) { accelerations_cpu(law, pf.data(), mf.data(), rf.data(), B, N, D); });
    for (std::size_t k = 0; k < af.size(); ++k) EXPECT_NEAR(af[k], rf[k], 1e-4 * scale) << k;
    // A short device rollout runs with the table.
    std::vector<double> vel(pos.size(), 0.0), po(pos.size() * 3), vo(po.size()), ao(po.size());
    std::vector<FrameObservables> obs;
    cuda_verlet_rollout<double>(tab, pos.data(), vel.data(), mass.data(), B, N, D, 0.005, 10, 3, po.data(), vo.data(),
                                ao.data(), obs);
    EXPECT_EQ(obs.size(), 3u);
  }
}
