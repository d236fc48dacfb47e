// io/test_model_file.cpp — model files: save → load is bit-exact (random bit patterns, tiny, huge,
// negative zero, subnormals); the loaded struct has the right shape, flat layout and scaling; every
// malformed file is rejected with an Error naming the file and the key/layer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "noether/core/error.hpp"
#include "noether/io/model_file.hpp"

namespace fs = std::filesystem;
using namespace noether;

namespace {

/// A random finite double from random bits (all exponents, subnormals included).
double random_double(std::mt19937_64& rng) {
  for (;;) {
    const std::uint64_t bits = rng();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (std::isfinite(x)) return x;
  }
}

std::uint64_t bits_of(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

ModelFile random_model(std::mt19937_64& rng, std::vector<int> widths) {
  ModelFile m;
  m.model = widths.front() == 1 && widths.back() == 1 ? "mclnn" : "lnn";
  m.shape.widths = std::move(widths);
  m.shape.activation = Activation::Tanh;
  m.params.resize(m.shape.parameter_count());
  for (double& p : m.params) p = random_double(rng);
  return m;
}

/// Expect parse_model_json(text) to throw with every fragment in the message.
void expect_error(const std::string& text, std::vector<std::string> fragments) {
  try {
    parse_model_json(text, "bad.json");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const Error& e) {
    const std::string msg = e.what();
    for (const auto& f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "missing '" << f << "' in: " << msg;
    EXPECT_NE(msg.find("bad.json"), std::string::npos) << msg;
  }
}

const std::string kHead = R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus", )";

}  // namespace

TEST(ModelFile, SaveLoadIsBitExact) {
  std::mt19937_64 rng(12345);
  ModelFile m = random_model(rng, {1, 7, 5, 1});
  const double specials[] = {0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                             -1.7976931348623157e308, 0.1, 1.0 / 3.0, 1e-300, -123456789012345680.0, 1.0, 3.0};
  for (std::size_t k = 0; k < sizeof specials / sizeof specials[0]; ++k) m.params[k] = specials[k];
  m.input_scaling = {{-0.0}, {random_double(rng)}};
  m.output_scaling = {{random_double(rng)}, {-1e-310}};
  m.metadata = R"({"training": {"steps": 1000, "loss": 0.001, "data": "linear_spring_train.npz"}})";

  const fs::path path = fs::temp_directory_path() / ("noether_model_" + std::to_string(::getpid()) + ".json");
  save_model_file(path.string(), m);
  const ModelFile back = load_model_file(path.string());
  fs::remove(path);

  EXPECT_EQ(back.model, "mclnn");
  EXPECT_EQ(back.shape.widths, m.shape.widths);
  EXPECT_EQ(back.shape.activation, Activation::Tanh);
  ASSERT_EQ(back.params.size(), m.params.size());
  for (std::size_t k = 0; k < m.params.size(); ++k) EXPECT_EQ(bits_of(back.params[k]), bits_of(m.params[k])) << k;
  EXPECT_EQ(bits_of(back.input_scaling.shift[0]), bits_of(-0.0));
  EXPECT_EQ(bits_of(back.input_scaling.scale[0]), bits_of(m.input_scaling.scale[0]));
  EXPECT_EQ(bits_of(back.output_scaling.shift[0]), bits_of(m.output_scaling.shift[0]));
  EXPECT_EQ(bits_of(back.output_scaling.scale[0]), bits_of(-1e-310));
  EXPECT_NE(back.metadata.find("linear_spring_train.npz"), std::string::npos);
  // Saving again gives the same text.
  EXPECT_EQ(model_json(back), model_json(m));
}

TEST(ModelFile, ManyRandomModelsRoundTrip) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<int> widths{int(rng() % 4) + 1};
    const int layers = int(rng() % 4) + 1;
    for (int l = 0; l < layers; ++l) widths.push_back(int(rng() % 6) + 1);
    widths.back() = 1;
    const ModelFile m = random_model(rng, widths);
    const ModelFile back = parse_model_json(model_json(m), "mem");
    ASSERT_EQ(back.params.size(), m.params.size());
    for (std::size_t k = 0; k < m.params.size(); ++k) ASSERT_EQ(bits_of(back.params[k]), bits_of(m.params[k]));
  }
}

TEST(ModelFile, HandWrittenFileLoadsIntoFlatLayout) {
  const ModelFile m = parse_model_json(kHead + R"(
    "input_scaling": {"shift": [1.5], "scale": [2]},
    "layers": [{"weight": [[1], [2], [3]], "bias": [4, 5, 6]},
               {"weight": [[7, 8, 9], [10, 11, 12]], "bias": [13, 14]},
               {"weight": [[15, 16]], "bias": [17]}]})",
                                       "hand.json");
  EXPECT_EQ(m.shape.widths, (std::vector<int>{1, 3, 2, 1}));
  EXPECT_EQ(m.shape.activation, Activation::Squareplus);
  std::vector<double> expect(17);
  for (int k = 0; k < 17; ++k) expect[k] = k + 1;
  EXPECT_EQ(m.params, expect);  // W1, b1, W2 (row-major), b2, W3, b3
  const PairScaling s = pair_scaling(m);
  EXPECT_EQ(s.in_shift, 1.5);
  EXPECT_EQ(s.in_scale, 2.0);
  EXPECT_EQ(s.out_shift, 0.0);
  EXPECT_EQ(s.out_scale, 1.0);
  EXPECT_TRUE(m.output_scaling.identity());
}

TEST(ModelFile, LogInputTransformRoundTripsAndReachesThePairScaling) {
  const ModelFile m = parse_model_json(kHead + R"(
    "input_transform": "log", "input_scaling": {"shift": [0.25], "scale": [0.5]},
    "layers": [{"weight": [[1], [2]], "bias": [3, 4]}, {"weight": [[5, 6]], "bias": [7]}]})",
                                       "log.json");
  EXPECT_EQ(m.input_transform, InputTransform::Log);
  EXPECT_EQ(pair_scaling(m).input, InputTransform::Log);
  const std::string text = model_json(m);
  EXPECT_NE(text.find("\"input_transform\": \"log\""), std::string::npos) << text;
  EXPECT_EQ(parse_model_json(text, "mem").input_transform, InputTransform::Log);
  // absent (and "none") = the affine input, and "none" is not written back
  const ModelFile plain = parse_model_json(kHead + R"("input_transform": "none", "layers": [{"weight": [[1]], "bias": [0]}]})", "p.json");
  EXPECT_EQ(pair_scaling(plain).input, InputTransform::None);
  EXPECT_EQ(model_json(plain).find("input_transform"), std::string::npos);
}

TEST(ModelFile, NonScalarModelHasNoPairScaling) {
  const ModelFile m = parse_model_json(R"({"format": "noether-model", "version": 1, "model": "hnn", "activation": "tanh",
     "layers": [{"weight": [[1, 2], [3, 4]], "bias": [0, 0]}, {"weight": [[1, 1]], "bias": [0]}]})",
                                       "hnn.json");
  EXPECT_EQ(m.shape.widths, (std::vector<int>{2, 2, 1}));
  EXPECT_THROW(pair_scaling(m), Error);
}

TEST(ModelFile, MalformedFilesNameTheKey) {
  const std::string L1 = R"("layers": [{"weight": [[1]], "bias": [0]}]})";
  expect_error("{\"format\": ", {"malformed JSON"});
  expect_error("[1, 2]", {"JSON object"});
  expect_error(R"({"version": 1, "model": "mclnn", "activation": "tanh", )" + L1, {"missing key 'format'"});
  expect_error(R"({"format": "noether-modle", "version": 1, "model": "mclnn", "activation": "tanh", )" + L1,
               {"format", "noether-model", "noether-modle"});
  expect_error(R"({"format": "noether-model", "version": 2, "model": "mclnn", "activation": "tanh", )" + L1,
               {"version", "unsupported version 2", "reads version 1"});
  expect_error(R"({"format": "noether-model", "model": "mclnn", "activation": "tanh", )" + L1, {"missing key 'version'"});
  expect_error(R"({"format": "noether-model", "version": 1, "activation": "tanh", )" + L1, {"missing key 'model'"});
  expect_error(R"({"format": "noether-model", "version": 1, "model": "mcl", "activation": "tanh", )" + L1,
               {"model", "unknown model kind 'mcl'"});
  expect_error(R"({"format": "noether-model", "version": 1, "model": "mclnn", )" + L1, {"missing key 'activation'"});
  expect_error(R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "sqareplus", )" + L1,
               {"activation", "unknown activation 'sqareplus'", "did you mean 'squareplus'"});
  expect_error(R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "relu", )" + L1,
               {"activation", "relu", "squareplus, softplus, tanh"});
  expect_error(kHead + R"("layers": []})", {"layers", "at least one layer"});
  expect_error(kHead + R"("layer": []})", {"layer", "did you mean 'layers'"});
  expect_error(R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "tanh"})",
               {"missing key 'layers'"});
  expect_error(kHead + R"("layers": [{"weight": [[1]]}]})", {"layers[0]", "missing key 'bias'"});
  expect_error(kHead + R"("layers": [{"bias": [1]}]})", {"layers[0]", "missing key 'weight'"});
  expect_error(kHead + R"("layers": [{"weight": [[1]], "bias": [0], "biass": 1}]})", {"layers[0].biass", "unknown key"});
  // ragged rows
  expect_error(kHead + R"("layers": [{"weight": [[1], [2, 3]], "bias": [0, 0]}, {"weight": [[1, 1]], "bias": [0]}]})",
               {"layers[0].weight[1]", "ragged", "row 0 has 1"});
  // layers that do not chain
  expect_error(kHead + R"("layers": [{"weight": [[1], [2]], "bias": [0, 0]}, {"weight": [[1, 1, 1]], "bias": [0]}]})",
               {"layers[1].weight", "do not chain", "3 columns", "layers[0] has 2 outputs"});
  // bias length
  expect_error(kHead + R"("layers": [{"weight": [[1], [2]], "bias": [0]}, {"weight": [[1, 1]], "bias": [0]}]})",
               {"layers[0].bias", "expected 2 entries", "got 1"});
  // non-number and non-finite weights
  expect_error(kHead + R"("layers": [{"weight": [["1"]], "bias": [0]}]})", {"layers[0].weight[0][0]", "expected a number"});
  expect_error(kHead + R"("layers": [{"weight": [[1e999]], "bias": [0]}]})", {"layers[0].weight[0][0]", "finite"});
  expect_error(kHead + R"("layers": [{"weight": [[1]], "bias": [null]}]})", {"layers[0].bias[0]", "expected a number"});
  expect_error(kHead + R"("layers": [{"weight": [[NaN]], "bias": [0]}]})", {"malformed JSON", "NaN"});
  expect_error(kHead + R"("layers": [{"weight": [1], "bias": [0]}]})", {"layers[0].weight[0]", "expected a row"});
  expect_error(kHead + R"("layers": [{"weight": [], "bias": []}]})", {"layers[0].weight", "non-empty"});
  // scaling
  expect_error(kHead + R"("input_scaling": {"shift": [0], "scale": [0]}, )" + L1, {"input_scaling.scale[0]", "non-zero"});
  expect_error(kHead + R"("output_scaling": {"shift": [0, 1]}, )" + L1, {"output_scaling.shift", "expected 1 entries"});
  expect_error(kHead + R"("output_scaling": {"shfit": [0]}, )" + L1, {"output_scaling.shfit", "did you mean 'shift'"});
  expect_error(kHead + R"("input_scaling": [1, 2], )" + L1, {"input_scaling", "expected an object"});
  expect_error(kHead + R"("metadata": "trained", )" + L1, {"metadata", "expected an object"});
  expect_error(kHead + R"("input_transform": "sqrt", )" + L1, {"input_transform", "expected one of none, log", "sqrt"});
  expect_error(kHead + R"("input_transform": 1, )" + L1, {"input_transform", "expected one of none, log"});
  expect_error(R"({"format": "noether-model", "version": 1, "model": "hnn", "activation": "tanh", "input_transform": "log",
     "layers": [{"weight": [[1, 2]], "bias": [0]}]})",
               {"input_transform", "only a pair potential", "'hnn'"});
  // kind-specific widths
  expect_error(kHead + R"("layers": [{"weight": [[1, 2]], "bias": [0]}]})", {"mclnn", "input and output widths must be 1"});
}

TEST(ModelFile, LoadNamesMissingFileAndSaveRejectsBadModels) {
  try {
    load_model_file("/nonexistent/dir/m.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/m.json"), std::string::npos);
  }
  ModelFile m;
  m.shape.widths = {1, 1};
  m.params = {1.0, std::numeric_limits<double>::quiet_NaN()};
  const fs::path path = fs::temp_directory_path() / ("noether_bad_model_" + std::to_string(::getpid()) + ".json");
  EXPECT_THROW(save_model_file(path.string(), m), Error);
  EXPECT_FALSE(fs::exists(path));
  m.params = {1.0};
  EXPECT_THROW(save_model_file(path.string(), m), Error);  // parameter count
  m.params = {1.0, 2.0};
  m.input_scaling = {{0.0}, {0.0}};
  EXPECT_THROW(save_model_file(path.string(), m), Error);  // zero scale
  EXPECT_FALSE(fs::exists(path));
}
