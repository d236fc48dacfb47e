// io/test_model_eval.cpp — pair_model_jets over every PairMlp width bucket and the generic
// fallback (too wide, too deep) agree with the std::vector reference, and V′, V″ match central
// finite differences of V in float64.
#include <gtest/gtest.h>

#include <cmath>

#include "noether/core/error.hpp"
#include "noether/io/model_eval.hpp"

using namespace noether;

namespace {

ModelFile model(std::vector<int> widths, Activation act) {
  ModelFile m;
  m.shape.widths = std::move(widths);
  m.shape.activation = act;
  m.params.resize(m.shape.parameter_count());
  for (std::size_t k = 0; k < m.params.size(); ++k) {
    const double fan_in = double(m.shape.max_width());
    m.params[k] = std::sin(0.37 * double(k) + 1.1) * 1.5 / std::sqrt(fan_in);
  }
  m.input_scaling = {{0.4}, {1.3}};
  m.output_scaling = {{-0.2}, {0.7}};
  return m;
}

}  // namespace

TEST(PairModelEval, EveryDispatchPathMatchesTheReferenceAndFiniteDifferences) {
  const std::vector<std::vector<int>> shapes{
      {1, 1},                          // one affine layer
      {1, 6, 1},                       // MaxWidth 8
      {1, 20, 9, 1},                   // 32
      {1, 100, 1},                     // 128
      {1, 300, 1},                     // 512
      {1, 600, 1},                     // wider than 512: generic
      {1, 3, 3, 3, 3, 3, 3, 3, 3, 1}};  // 9 layers > kPairMlpMaxLayers: generic
  const std::vector<double> r{0.3, 0.9, 1.7, 2.6};
  for (Activation act : {Activation::Squareplus, Activation::Softplus, Activation::Tanh}) {
    for (const auto& w : shapes) {
      const ModelFile m = model(w, act);
      const auto fast = pair_model_jets(m, r), ref = pair_model_jets_generic(m, r);
      for (std::size_t k = 0; k < r.size(); ++k) {
        const double tol = 1e-12 * (1 + std::abs(ref[k].V));
        EXPECT_NEAR(fast[k].V, ref[k].V, tol) << w.size() << " " << w[1];
        EXPECT_NEAR(fast[k].dV, ref[k].dV, 1e-12 * (1 + std::abs(ref[k].dV)));
        EXPECT_NEAR(fast[k].d2V, ref[k].d2V, 1e-12 * (1 + std::abs(ref[k].d2V)));
        const double h = 1e-4;
        const auto fd = pair_model_jets_generic(m, {r[k] - h, r[k], r[k] + h});
        EXPECT_NEAR(ref[k].dV, (fd[2].V - fd[0].V) / (2 * h), 1e-6 * (1 + std::abs(ref[k].dV)));
        EXPECT_NEAR(ref[k].d2V, (fd[2].V - 2 * fd[1].V + fd[0].V) / (h * h), 1e-4 * (1 + std::abs(ref[k].d2V)));
      }
    }
  }
}

TEST(PairModelEval, NonScalarModelIsRejected) {
  ModelFile m = model({2, 4, 1}, Activation::Tanh);
  m.input_scaling = {};
  EXPECT_THROW(pair_model_jets(m, {1.0}), Error);
  EXPECT_THROW(pair_model_jets_generic(m, {1.0}), Error);
}
