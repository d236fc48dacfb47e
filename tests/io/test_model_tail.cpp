// tests/io/test_model_tail.cpp — the support and tail of learned laws in files (io/model_file.hpp, io/table_file.hpp):
// the support read from the training histogram (or range), the "tail" key resolved (power: C, A and n matched exactly
// to a curved model's value, slope and curvature), file round trips of models and tables, a table inheriting the model's support and tail,
// bad values rejected naming the file, the key and the allowed values, and a rollout that counts its pair visits
// outside the support into the trajectory's npz entries.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "noether/io/model_eval.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/table_file.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/physics/simulate.hpp"

using namespace noether;

namespace {

const std::string kHead = R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus", )";
const std::string kLayers = R"("layers": [{"weight": [[1.5], [-0.7], [2.0]], "bias": [-1.0, 0.3, 0.25]},
                                          {"weight": [[0.8, -1.2, 0.5]], "bias": [-0.4]}])";
const std::string kMeta =
    R"("metadata": {"training": {"pair_distance_range": {"min": 0.4, "max": 3.0},
                                 "pair_distance_histogram": {"lo": 0.5, "hi": 2.5}}}, )";

/// V = w r + b (one affine layer): no curvature, so no decaying power tail matches it.
std::string affine(double w, double b, const std::string& tail) {
  return kHead + tail + R"("layers": [{"weight": [[)" + std::to_string(w) + "]], \"bias\": [" + std::to_string(b) + "]}]}";
}

void expect_error(const std::string& text, std::vector<std::string> fragments) {
  try {
    parse_model_json(text, "bad.json");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const Error& e) {
    const std::string msg = e.what();
    for (const auto& f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "missing '" << f << "' in: " << msg;
  }
}

}  // namespace

TEST(ModelTail, SupportComesFromTheTrainingHistogramElseTheRange) {
  const ModelFile m = parse_model_json(kHead + kMeta + kLayers + "}", "m.json");
  EXPECT_EQ(model_support(m).lo, 0.5);
  EXPECT_EQ(model_support(m).hi, 2.5);
  const ModelFile r = parse_model_json(
      kHead + R"("metadata": {"training": {"pair_distance_range": {"min": 0.4, "max": 3.0}}}, )" + kLayers + "}", "m.json");
  EXPECT_EQ(model_support(r).lo, 0.4);
  EXPECT_EQ(model_support(r).hi, 3.0);
  const ModelFile none = parse_model_json(kHead + kLayers + "}", "m.json");
  EXPECT_FALSE(model_support(none).known());
  EXPECT_EQ(model_tail(none).policy, TailPolicy::None);
  const PairLawSpec law = learned_pair_law(m);
  EXPECT_EQ(law.learned->support.hi, 2.5);
  EXPECT_EQ(pair_law_support(law).lo, 0.5);
}

TEST(ModelTail, ZeroDefaultsToTheLastTenthOfTheSupportAndRoundTrips) {
  const ModelFile m = parse_model_json(kHead + kMeta + R"("tail": {"policy": "zero"}, )" + kLayers + "}", "m.json");
  const PairTailSpec t = model_tail(m);
  EXPECT_EQ(t.policy, TailPolicy::Zero);
  EXPECT_EQ(t.r_hi, 2.5);
  EXPECT_DOUBLE_EQ(t.r_on, 2.3);
  // The law evaluated through the file: the network below r_on, 0 beyond r_hi.
  const std::vector<PairJet<double>> j = pair_model_jets(m, {1.0, 2.6}), n = pair_model_network_jets(m, {1.0});
  EXPECT_EQ(j[0].V, n[0].V);
  EXPECT_EQ(j[1].V, 0.0);
  // Explicit distances survive save -> load bit for bit.
  ModelFile e = m;
  e.tail.r_hi = 2.4000000000000004, e.tail.r_on = 0.1 + 0.2;
  const ModelFile back = parse_model_json(model_json(e), "mem");
  EXPECT_EQ(back.tail.policy, TailPolicy::Zero);
  EXPECT_EQ(back.tail.r_hi, e.tail.r_hi);
  EXPECT_EQ(back.tail.r_on, e.tail.r_on);
  // A model without the key writes none.
  EXPECT_EQ(model_json(parse_model_json(kHead + kLayers + "}", "m.json")).find("tail"), std::string::npos);
}

TEST(ModelTail, PowerIsMatchedExactlyOnACurvedModel) {
  // V = squareplus(0.5 − r): V′ < 0 < V″, and at r_hi = 2 the force decays as a power (n = −r V″/V′ − 1 ≈ 0.28).
  const std::string layers = R"("layers": [{"weight": [[-1.0]], "bias": [0.5]}, {"weight": [[1.0]], "bias": [0.0]}]})";
  const ModelFile raw = parse_model_json(kHead + layers, "raw.json");
  const ModelFile m = parse_model_json(kHead + R"("tail": {"policy": "power", "r_hi": 2.0}, )" + layers, "m.json");
  const PairJet<double> h = pair_model_jets(raw, {2.0})[0];
  const double n = -2.0 * h.d2V / h.dV - 1, A = -h.dV * std::pow(2.0, n + 1) / n, C = h.V - A * std::pow(2.0, -n);
  const PairTailSpec t = learned_pair_law(m).learned->tail;
  EXPECT_EQ(t.policy, TailPolicy::Power);
  EXPECT_GT(n, 0.2);
  EXPECT_NEAR(t.n, n, 1e-14);
  EXPECT_NEAR(t.A, A, 1e-14 * std::abs(A));
  EXPECT_NEAR(t.C, C, 1e-14 * (std::abs(A) + std::abs(C)));
  const PairJet<double> j = pair_model_jets(m, {4.0})[0];  // C + A r^-n and its derivatives
  EXPECT_NEAR(j.V, C + A * std::pow(4.0, -n), 1e-14);
  EXPECT_NEAR(j.dV, -n * A * std::pow(4.0, -n - 1), 1e-14);
  EXPECT_NEAR(j.d2V, n * (n + 1) * A * std::pow(4.0, -n - 2), 1e-14);
  const PairJet<double> below = pair_model_jets(m, {2.0 - 1e-7})[0], above = pair_model_jets(m, {2.0 + 1e-7})[0];
  EXPECT_NEAR(below.d2V, above.d2V, 1e-5);  // C² at r_hi
  // The same law through the pair-law path (rollouts) and pair_law_jets (noether potential, tabulation).
  double V, f;
  with_pair_law<double>(learned_pair_law(m), [&](const auto& L) { L.eval(16.0, 1.0, 1.0, V, f); });
  EXPECT_NEAR(V, j.V, 1e-14);
  EXPECT_NEAR(-f * 4.0, j.dV, 1e-14);
  EXPECT_NEAR(pair_law_jets(learned_pair_law(m), 4.0).V, j.V, 1e-14);
}

TEST(ModelTail, PowerWithAGivenExponentIsFittedAndRoundTrips) {
  const ModelFile m = parse_model_json(kHead + kMeta + R"("tail": {"policy": "power", "n": 1}, )" + kLayers + "}", "m.json");
  EXPECT_EQ(m.tail.n, 1.0);
  const PairTailSpec t = model_tail(m);  // the window defaults to the outer half of the support [0.5, 2.5]
  EXPECT_TRUE(t.fitted);
  EXPECT_EQ(t.n, 1.0);
  EXPECT_EQ(t.r_on, 1.5);
  EXPECT_EQ(t.r_hi, 2.5);
  const ModelFile back = parse_model_json(model_json(m), "back.json");
  EXPECT_EQ(back.tail.n, 1.0);
  const PairTailSpec tb = model_tail(back);
  EXPECT_EQ(tb.A, t.A);
  EXPECT_EQ(tb.C, t.C);
  // A table of it carries the fitted tail, and its file gives the same law back.
  PairTableData table = build_pair_table(learned_pair_law(m), 0.4, 3.0, 1e-9);
  EXPECT_TRUE(table.tail.fitted);
  EXPECT_NEAR(table.tail.A, t.A, 1e-6 * std::abs(t.A));
  const PairTableData tback = parse_pair_table_json(pair_table_json(table), "t.json");
  EXPECT_TRUE(tback.tail.fitted);
  EXPECT_EQ(tback.tail.A, table.tail.A);
  EXPECT_EQ(tback.tail.r_on, table.tail.r_on);
  EXPECT_NEAR(pair_law_jets(tabulated_pair_law(tback), 5.0).dV, pair_model_jets(m, {5.0})[0].dV, 1e-6 * std::abs(t.A));
  // Keys that do not belong: n on another policy, n <= 0, r_on on a power tail without n.
  expect_error(kHead + kMeta + R"("tail": {"policy": "zero", "n": 1}, )" + kLayers + "}", {"bad.json", "tail.n", "'power'"});
  expect_error(kHead + kMeta + R"("tail": {"policy": "power", "n": -1}, )" + kLayers + "}", {"bad.json", "tail.n", "> 0"});
  expect_error(kHead + kMeta + R"("tail": {"policy": "power", "n": 1, "r_on": 2.6}, )" + kLayers + "}", {"bad.json: tail", "r_on"});
}

TEST(ModelTail, BadTailsAreRejectedNamingTheKey) {
  expect_error(kHead + kMeta + R"("tail": {"policy": "zeros"}, )" + kLayers + "}",
               {"bad.json", "tail.policy", "unknown tail policy 'zeros'", "did you mean 'zero'", "none, zero, power"});
  expect_error(kHead + kMeta + R"("tail": {"policy": 3}, )" + kLayers + "}", {"bad.json", "tail.policy", "none, zero, power"});
  expect_error(kHead + kMeta + R"("tail": "zero", )" + kLayers + "}", {"bad.json", "tail", "expected an object"});
  expect_error(kHead + kMeta + R"("tail": {"policy": "zero", "r_hi": -1}, )" + kLayers + "}", {"bad.json", "tail.r_hi"});
  expect_error(kHead + kMeta + R"("tail": {"policy": "power", "r_on": 1}, )" + kLayers + "}", {"bad.json", "tail.r_on"});
  expect_error(kHead + kMeta + R"("tail": {"policy": "zero", "r_hi": 2.5, "r_on": 2.6}, )" + kLayers + "}",
               {"bad.json: tail", "r_on < r_hi"});
  expect_error(kHead + kMeta + R"("tail": {"policy": "zero", "rhi": 2}, )" + kLayers + "}", {"bad.json", "tail.rhi"});
  expect_error(kHead + R"("tail": {"policy": "zero"}, )" + kLayers + "}", {"bad.json: tail", "no training support"});
  // Power on a straight line (V = r + 1: V″ = 0, so n = −1, a force that never decays): impossible, named at load.
  expect_error(affine(1.0, 1.0, R"("tail": {"policy": "power", "r_hi": 2.0}, )"), {"bad.json: tail", "'power'", "'zero'"});
  expect_error(R"({"format": "noether-model", "version": 1, "model": "hnn", "activation": "tanh", "tail": {"policy": "zero", "r_hi": 1, "r_on": 0.5},
                  "layers": [{"weight": [[1.0, 1.0]], "bias": [0.0]}]})",
               {"bad.json", "tail", "only a pair potential"});
}

TEST(ModelTail, TableInheritsSupportAndTailAndRoundTrips) {
  const ModelFile m = parse_model_json(kHead + kMeta + R"("tail": {"policy": "zero"}, )" + kLayers + "}", "m.json");
  const PairLawSpec law = learned_pair_law(m);
  PairTableData t = build_pair_table(law, 0.4, 3.0, 1e-8);
  EXPECT_EQ(t.support.lo, 0.5);
  EXPECT_EQ(t.support.hi, 2.5);
  EXPECT_EQ(t.tail.policy, TailPolicy::Zero);
  EXPECT_EQ(t.tail.r_on, law.learned->tail.r_on);
  EXPECT_EQ(t.tail.r_hi, 2.5);
  // The table's law is the model's law (the table samples the raw network and applies the same tail).
  for (double r = 0.5; r < 3.5; r += 0.0913)
    EXPECT_NEAR(pair_law_jets(tabulated_pair_law(t), r).dV, pair_law_jets(law, r).dV, 1e-7) << r;
  const PairTableData back = parse_pair_table_json(pair_table_json(t), "t.json");
  EXPECT_EQ(back.support.lo, t.support.lo);
  EXPECT_EQ(back.support.hi, t.support.hi);
  EXPECT_EQ(back.tail.policy, t.tail.policy);
  EXPECT_EQ(back.tail.r_on, t.tail.r_on);
  EXPECT_EQ(back.tail.r_hi, t.tail.r_hi);
  // Another policy at tabulation: power matched to the table's own values at r_hi (those of the model, to the
  // table's accuracy).
  const std::string curved = R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus",
          "metadata": {"training": {"pair_distance_histogram": {"lo": 0.5, "hi": 2.0}}}, )";
  const std::string layers = R"("layers": [{"weight": [[-1.0]], "bias": [0.5]}, {"weight": [[1.0]], "bias": [0.0]}]})";
  const ModelFile a = parse_model_json(curved + layers, "a.json");
  const ModelFile ap = parse_model_json(curved + R"("tail": {"policy": "power"}, )" + layers, "ap.json");
  PairTableData p = build_pair_table(learned_pair_law(a), 0.4, 3.0, 1e-9);
  EXPECT_EQ(p.tail.policy, TailPolicy::None);
  set_pair_table_tail(p, TailPolicy::Power, 0, p.support.hi, "--tail power");
  EXPECT_NEAR(p.tail.n, model_tail(ap).n, 1e-5);
  EXPECT_NEAR(pair_law_jets(tabulated_pair_law(p), 4.0).dV, pair_model_jets(ap, {4.0})[0].dV, 1e-7);
  const PairTableData pb = parse_pair_table_json(pair_table_json(p), "t.json");
  EXPECT_EQ(pb.tail.A, p.tail.A);
  EXPECT_EQ(pb.tail.n, p.tail.n);
  EXPECT_EQ(pb.tail.C, p.tail.C);
}

TEST(ModelTail, BadTableKeysAreRejected) {
  PairTableData t = build_pair_table(learned_pair_law(parse_model_json(kHead + kLayers + "}", "m.json")), 0.4, 3.0);
  const std::string text = pair_table_json(t);
  const auto with = [&](const std::string& extra) {
    std::string s = text;
    s.insert(s.find('{') + 1, extra);
    return s;
  };
  const auto rejected = [&](const std::string& s, std::vector<std::string> fragments) {
    try {
      parse_pair_table_json(s, "t.json");
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      for (const auto& f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
    }
  };
  rejected(with(R"("tail": {"policy": "powr", "r_hi": 2},)"), {"t.json", "tail.policy", "did you mean 'power'", "none, zero, power"});
  rejected(with(R"("tail": {"policy": "zero", "r_hi": 2},)"), {"t.json", "tail.r_on", "missing"});
  rejected(with(R"("support": {"lo": 2, "hi": 1},)"), {"t.json", "support", "lo < hi"});
}

TEST(ModelTail, RolloutCountsVisitsOutsideTheSupportIntoTheNpz) {
  // Three particles of the [1,3,1] model: the pair 0–1 at 0.3 (< lo = 0.5) stays near, 0–2 and 1–2 near 1.
  SimulationConfig cfg;
  cfg.law = learned_pair_law(parse_model_json(kHead + kMeta + kLayers + "}", "m.json"));
  cfg.init.B = 1, cfg.init.N = 3, cfg.init.D = 2;
  cfg.init.pos = {0, 0, 0.3, 0, 0.15, 1.0};
  cfg.init.vel.assign(6, 0.0);
  cfg.init.mass = {1e6, 1e6, 1e6};  // heavy: the distances barely move
  cfg.integrator.dt = 1e-3, cfg.integrator.stride = 1, cfg.integrator.frames = 4;
  const Trajectory t = simulate(cfg, DeviceChoice::Cpu);
  ASSERT_TRUE(t.support_visits.counted());
  EXPECT_EQ(t.support_visits.visits(), 3 * 4);
  EXPECT_EQ(t.support_visits.below[0], 4);
  EXPECT_EQ(t.support_visits.above[0], 0);
  bool range = false, visits = false;
  for (const NpzEntry& e : trajectory_npz_entries(t)) {
    if (e.name == "support_range") {
      range = true;
      EXPECT_EQ(e.shape, (std::vector<std::size_t>{1, 1, 2}));
      EXPECT_EQ(e.data, (std::vector<double>{0.5, 2.5}));
    }
    if (e.name == "support_visits") {
      visits = true;
      EXPECT_EQ(e.data, (std::vector<double>{12, 4, 0}));
    }
  }
  EXPECT_TRUE(range && visits);
  // An analytic law (ground truth) has no support: nothing counted, no keys.
  cfg.law = PairLawSpec{};
  EXPECT_FALSE(simulate(cfg, DeviceChoice::Cpu).support_visits.counted());
}
