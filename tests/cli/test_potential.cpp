// cli/test_potential.cpp — `noether potential` on hand-written model files: a single affine layer is
// exact; a [1,3,1] squareplus model matches its closed form; a 4-layer [1,5,7,3,1] model matches an
// independent evaluator and finite differences; input/output scaling; header and row count; bad
// input exits non-zero with a message and leaves no output file; the CSV loads in NumPy.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "support/cli_fixture.hpp"

using namespace noether_test;

namespace {

struct Csv {
  std::string header;
  std::vector<std::vector<double>> rows;  // r, V, dVdr, d2Vdr2
};

Csv parse_csv(const std::string& text) {
  Csv c;
  std::istringstream in(text);
  std::getline(in, c.header);
  for (std::string line; std::getline(in, line);) {
    std::vector<double> row;
    std::istringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) row.push_back(std::stod(cell));
    c.rows.push_back(row);
  }
  return c;
}

/// CliTest (a fresh folder per test, runs the binary) plus the checks of `potential`'s CSV output.
class PotentialCliTest : public CliTest {
 protected:
  /// Run `potential` writing out.csv and return it parsed (with checks on exit code and header).
  Csv run(const std::string& args, std::size_t rows) {
    const CmdResult r = noether("potential " + args + " -o out.csv");
    EXPECT_EQ(r.code, 0) << r.err;
    const Csv c = parse_csv(slurp("out.csv"));
    EXPECT_EQ(c.header, "r,V,dVdr,d2Vdr2");
    EXPECT_EQ(c.rows.size(), rows);
    for (const auto& row : c.rows) EXPECT_EQ(row.size(), 4u);
    return c;
  }
  void expect_rejected(const std::string& args, std::vector<std::string> fragments) {
    const CmdResult r = noether("potential " + args);
    EXPECT_NE(r.code, 0) << args;
    for (const auto& f : fragments) EXPECT_NE(r.err.find(f), std::string::npos) << "missing '" << f << "' in: " << r.err;
    EXPECT_TRUE(r.out.empty()) << args << " printed: " << r.out.substr(0, 200);
    for (const auto& e : fs::directory_iterator(dir_))
      EXPECT_EQ(e.path().filename().string().find("out.csv"), std::string::npos) << "left behind: " << e.path();
  }
};

const char* kHead = R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus", )";

// [1,3,1] squareplus: V = Σ_j w2_j σ(w1_j r + b1_j) + b2, σ = (x + √(x²+4))/2, σ′ = (1 + x/√(x²+4))/2, σ″ = 2/(x²+4)^{3/2}.
const double w1[3] = {1.5, -0.7, 2.0}, b1[3] = {-1.0, 0.3, 0.25}, w2[3] = {0.8, -1.2, 0.5}, b2 = -0.4;
const char* kModel131 = R"("layers": [{"weight": [[1.5], [-0.7], [2.0]], "bias": [-1.0, 0.3, 0.25]},
                                       {"weight": [[0.8, -1.2, 0.5]], "bias": [-0.4]}]})";

void closed_form_131(double x, double& V, double& dV, double& d2V) {
  V = b2, dV = 0, d2V = 0;
  for (int j = 0; j < 3; ++j) {
    const double z = w1[j] * x + b1[j], s = std::sqrt(z * z + 4);
    V += w2[j] * 0.5 * (z + s);
    dV += w2[j] * 0.5 * (1 + z / s) * w1[j];
    d2V += w2[j] * 2 / (s * s * s) * w1[j] * w1[j];
  }
}

}  // namespace

TEST_F(PotentialCliTest, SingleAffineLayerIsExact) {
  write("lin.json", std::string(kHead) + R"("layers": [{"weight": [[2.5]], "bias": [-0.75]}]})");
  const Csv c = run("--model lin.json --r-min 0 --r-max 4 --points 9", 9);
  for (std::size_t k = 0; k < 9; ++k) {
    const double r = 0.5 * double(k);
    EXPECT_EQ(c.rows[k][0], r);
    EXPECT_EQ(c.rows[k][1], 2.5 * r - 0.75);
    EXPECT_EQ(c.rows[k][2], 2.5);
    EXPECT_EQ(c.rows[k][3], 0.0);
  }
  // stdout without -o: same text as the file
  const CmdResult r = noether("potential --model lin.json --r-min 0 --r-max 4 --points 9");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, slurp("out.csv"));
  // N = 1 → r = r-min
  const Csv one = run("--model lin.json --r-min 1.25 --r-max 4 --points 1", 1);
  EXPECT_EQ(one.rows[0][0], 1.25);
}

TEST_F(PotentialCliTest, SquareplusModelMatchesClosedForm) {
  write("m.json", std::string(kHead) + kModel131);
  const Csv c = run("--model m.json --r-min 0.1 --r-max 3.1 --points 31", 31);
  EXPECT_EQ(c.rows.front()[0], 0.1);
  EXPECT_EQ(c.rows.back()[0], 3.1);
  for (const auto& row : c.rows) {
    double V, dV, d2V;
    closed_form_131(row[0], V, dV, d2V);
    EXPECT_NEAR(row[1], V, 1e-14 * (1 + std::abs(V))) << row[0];
    EXPECT_NEAR(row[2], dV, 1e-14 * (1 + std::abs(dV))) << row[0];
    EXPECT_NEAR(row[3], d2V, 1e-14 * (1 + std::abs(d2V))) << row[0];
  }
}

TEST_F(PotentialCliTest, FourLayerModelMatchesIndependentEvaluatorAndFiniteDifferences) {
  // widths [1,5,7,3,1], tanh, deterministic weights w = sin(1.7 k + 0.3)·0.9.
  const std::vector<int> widths{1, 5, 7, 3, 1};
  std::vector<std::vector<std::vector<double>>> W;
  std::vector<std::vector<double>> B;
  std::string layers = "\"layers\": [";
  int k = 0;
  auto next = [&k] { return 0.9 * std::sin(1.7 * double(k++) + 0.3); };
  for (std::size_t l = 1; l < widths.size(); ++l) {
    W.emplace_back(widths[l], std::vector<double>(widths[l - 1]));
    B.emplace_back(widths[l]);
    std::ostringstream os;
    os.precision(17);
    os << (l > 1 ? ", " : "") << "{\"weight\": [";
    for (int o = 0; o < widths[l]; ++o) {
      os << (o ? ", " : "") << "[";
      for (int i = 0; i < widths[l - 1]; ++i) os << (i ? ", " : "") << (W.back()[o][i] = next());
      os << "]";
    }
    os << "], \"bias\": [";
    for (int o = 0; o < widths[l]; ++o) os << (o ? ", " : "") << (B.back()[o] = next());
    os << "]}";
    layers += os.str();
  }
  write("deep.json", R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "tanh", )" + layers + "]}");
  auto V = [&](long double r) {
    std::vector<long double> h{r};
    for (std::size_t l = 0; l < W.size(); ++l) {
      std::vector<long double> z(B[l].begin(), B[l].end());
      for (std::size_t o = 0; o < z.size(); ++o)
        for (std::size_t i = 0; i < h.size(); ++i) z[o] += W[l][o][i] * h[i];
      if (l + 1 < W.size())
        for (auto& x : z) x = std::tanh(x);
      h = z;
    }
    return h[0];
  };
  const Csv c = run("--model deep.json --r-min -1 --r-max 2 --points 13", 13);
  for (const auto& row : c.rows) {
    const long double r = row[0], e = 1e-4L;
    EXPECT_NEAR(row[1], double(V(r)), 1e-14) << r;
    EXPECT_NEAR(row[2], double((V(r + e) - V(r - e)) / (2 * e)), 1e-7) << r;
    EXPECT_NEAR(row[3], double((V(r + e) - 2 * V(r) + V(r - e)) / (e * e)), 1e-5) << r;
  }
}

TEST_F(PotentialCliTest, InputAndOutputScalingAreApplied) {
  // x = (r − 0.5)/2,  V = 3·f(x) + 1  ⇒  V′ = (3/2) f′(x),  V″ = (3/4) f″(x).
  write("s.json", std::string(kHead) +
                      R"("input_scaling": {"shift": [0.5], "scale": [2]}, "output_scaling": {"shift": [1], "scale": [3]}, )" +
                      kModel131);
  const Csv c = run("--model s.json --r-min 0.5 --r-max 4 --points 8", 8);
  for (const auto& row : c.rows) {
    double f, df, d2f;
    closed_form_131((row[0] - 0.5) / 2, f, df, d2f);
    EXPECT_NEAR(row[1], 3 * f + 1, 1e-13) << row[0];
    EXPECT_NEAR(row[2], 1.5 * df, 1e-13) << row[0];
    EXPECT_NEAR(row[3], 0.75 * d2f, 1e-13) << row[0];
  }
}

TEST_F(PotentialCliTest, BadInputIsRejectedWithoutOutput) {
  write("m.json", std::string(kHead) + kModel131);
  const std::string ok = " --r-min 0.1 --r-max 3 --points 5 -o out.csv";
  expect_rejected("--r-min 0.1 --r-max 3 --points 5 -o out.csv", {"--model"});
  expect_rejected("--model m.json --r-max 3 --points 5 -o out.csv", {"--r-min"});
  expect_rejected("--model m.json --r-min 0.1 --r-max 3 -o out.csv", {"--points"});
  expect_rejected("--model m.json --r-min 3 --r-max 3 --points 5 -o out.csv", {"--r-min", "< --r-max"});
  expect_rejected("--model m.json --r-min 4 --r-max 3 --points 5 -o out.csv", {"--r-min", "< --r-max"});
  expect_rejected("--model m.json --r-min 0.1 --r-max 3 --points 0 -o out.csv", {"--points", ">= 1"});
  expect_rejected("--model m.json --r-min abc --r-max 3 --points 5 -o out.csv", {"--r-min"});
  expect_rejected("--model absent.json" + ok, {"absent.json", "cannot open"});
  write("broken.json", "{\"format\": \"noether-model\", ");
  expect_rejected("--model broken.json" + ok, {"broken.json", "malformed JSON"});
  write("typo.json", R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "softpluss", )" +
                         std::string(kModel131));
  expect_rejected("--model typo.json" + ok, {"typo.json", "activation", "did you mean 'softplus'"});
  write("hnn.json", R"({"format": "noether-model", "version": 1, "model": "hnn", "activation": "tanh",
      "layers": [{"weight": [[1, 2], [3, 4]], "bias": [0, 0]}, {"weight": [[1, 1]], "bias": [0]}]})");
  expect_rejected("--model hnn.json" + ok, {"hnn.json", "scalar pair-potential", "input width 2"});
  expect_rejected("--model m.json --r-min 0.1 --r-max 3 --points 5 -o no_such_dir/out.csv", {"no_such_dir/out.csv"});
}

TEST_F(PotentialCliTest, HelpExplainsTheCommand) {
  const CmdResult r = noether("potential --help");
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"--model", "--r-min", "--r-max", "--points", "--output", "r,V,dVdr,d2Vdr2", "MODEL_FORMAT.md"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << " missing from:\n" << r.out;
  EXPECT_NE(noether("--help").out.find("potential"), std::string::npos);
}

TEST_F(PotentialCliTest, CsvLoadsInNumPy) {
  if (std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") != 0) GTEST_SKIP() << "no /usr/bin/python3 with numpy";
  write("m.json", std::string(kHead) + kModel131);
  ASSERT_EQ(noether("potential --model m.json --r-min 0.5 --r-max 2.5 --points 201 -o out.csv").code, 0);
  write("check.py",
        "import json, numpy as np\n"
        "d = np.genfromtxt('out.csv', delimiter=',', names=True)\n"
        "assert d.dtype.names == ('r', 'V', 'dVdr', 'd2Vdr2'), d.dtype.names\n"
        "assert d.shape == (201,) and d['r'][0] == 0.5 and d['r'][-1] == 2.5\n"
        "m = json.load(open('m.json'))\n"
        "h = d['r'][:, None]\n"
        "for k, L in enumerate(m['layers']):\n"
        "    h = h @ np.array(L['weight']).T + np.array(L['bias'])\n"
        "    if k < len(m['layers']) - 1: h = (h + np.sqrt(h * h + 4)) / 2\n"
        "assert np.allclose(h[:, 0], d['V'], rtol=1e-13, atol=1e-13)\n"
        "assert np.allclose(np.gradient(d['V'], d['r'])[1:-1], d['dVdr'][1:-1], atol=1e-3)\n"
        "print('ok')\n");
  const std::string cmd = "cd '" + dir_.string() + "' && /usr/bin/python3 check.py";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}
