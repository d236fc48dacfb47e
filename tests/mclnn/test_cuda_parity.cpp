// mclnn/test_cuda_parity.cpp — the GPU MCLNN segment loss and exact gradient (mclnn/cuda.hpp,
// kernels/mclnn/adjoint.cu) against their CPU twin (segment_loss_and_grad_cpu of mclnn/verlet_adjoint.hpp summed
// over the batch): N = 3, 4, 7; D = 2, 3; several stride·horizon; widths 10 and 16 (MaxWidth 16), 40
// (MaxWidth 64) and a model too large to stage in shared memory; float64 to 1e-11 relative, float32
// to 1e-4; bitwise determinism; a few epochs of `train_mclnn` on both devices; and argument errors, which
// run without a device. Tests that need a device skip without one, unless NOETHER_REQUIRE_GPU=1.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/gpu_gate.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/mclnn/cuda.hpp"
#include "noether/core/error.hpp"
#include "noether/mclnn/train.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/mclnn/verlet_adjoint.hpp"
#include "support/mclnn_batch_util.hpp"
#include "support/pair_mlp_test_util.hpp"
#include "support/spring_data.hpp"

using namespace noether;
using namespace noether_test;

namespace {

struct Case {
  std::vector<int> widths;
  int N, D, stride, horizon;
};

void check_case(const Case& k, double rel, const PairScaling& sc = test_scaling()) {
  const MlpShape shape = shape_of(k.widths, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 31u + unsigned(k.N * 7 + k.D));
  const Batch b = random_batch(5, k.N, k.D, k.stride, k.horizon, 1000u + unsigned(k.N * 10 + k.D));
  std::vector<double> g_ref, g(p.size(), -999.0);
  const double loss_ref = cpu_reference(shape, p, sc, b, g_ref);
  const double loss = cuda_mclnn_loss_and_grad<double>(shape, sc, p.data(), b.view(), g.data());
  std::ostringstream tag;
  tag << shape_name(shape) << scaling_name(sc) << " N=" << k.N << " D=" << k.D << " stride=" << k.stride << " horizon=" << k.horizon;
  ASSERT_GT(loss_ref, 0.0);
  ASSERT_GT(max_abs(g_ref), 0.0);
  expect_close(tag.str() + " loss", {loss}, {loss_ref}, 0.0, rel);
  expect_close(tag.str() + " grad", g, g_ref, rel * max_abs(g_ref), rel);
}

}  // namespace

TEST(CudaMclnn, LossAndGradientMatchCpuFloat64) {
  NOETHER_NEED_GPU();
  const std::vector<Case> cases = {
      {{1, 10, 10, 1}, 3, 2, 3, 2},  // the paper's shape, 6 steps, a loss term inside the rollout
      {{1, 10, 10, 1}, 4, 3, 1, 4},  // a loss term at every step
      {{1, 16, 16, 1}, 7, 2, 5, 1},  // one saved frame, 5 steps
      {{1, 16, 16, 1}, 7, 3, 2, 3},
      {{1, 16, 16, 1}, 4, 2, 4, 2},
      {{1, 10, 10, 1}, 3, 3, 1, 1},  // a single step
  };
  for (const Case& k : cases) check_case(k, 1e-11);
  check_case(cases[0], 1e-11, test_scalings()[1]);  // the log input (physics/pair_mlp.hpp)
  check_case(cases[3], 1e-11, test_scalings()[1]);
}

TEST(CudaMclnn, WideAndUnstagedModelsMatchCpuFloat64) {
  NOETHER_NEED_GPU();
  check_case({{1, 40, 8, 1}, 4, 3, 2, 2}, 1e-11);      // MaxWidth 64, weights staged in shared memory
  check_case({{1, 64, 64, 64, 1}, 3, 2, 2, 1}, 1e-11);  // 8,513 float64 weights = 68 KB: read from global memory
}

TEST(CudaMclnn, LossAndGradientMatchCpuFloat32) {
  NOETHER_NEED_GPU();
  const MlpShape shape = shape_of({1, 16, 16, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 5u);
  const Batch b = random_batch(4, 4, 3, 2, 2, 77u);
  // Reference: float64 arithmetic on exactly the float-rounded inputs.
  auto rounded = [](const std::vector<double>& x) {
    std::vector<float> f(x.begin(), x.end());
    return f;
  };
  const std::vector<float> pf = rounded(p), q0 = rounded(b.q0), v0 = rounded(b.v0), m = rounded(b.mass),
                           tg = rounded(b.target);
  Batch b64 = b;
  b64.q0.assign(q0.begin(), q0.end()), b64.v0.assign(v0.begin(), v0.end()), b64.mass.assign(m.begin(), m.end());
  b64.target.assign(tg.begin(), tg.end());
  b64.dt = double(float(b.dt));
  const std::vector<double> p64(pf.begin(), pf.end());
  std::vector<double> g_ref;
  const double loss_ref = cpu_reference(shape, p64, test_scaling(), b64, g_ref);
  MclnnSegmentBatch<float> v;
  v.q0 = q0.data(), v.v0 = v0.data(), v.mass = m.data(), v.target = tg.data();
  v.B = b.B, v.N = b.N, v.D = b.D, v.dt = float(b.dt), v.stride = b.stride, v.horizon = b.horizon;
  std::vector<float> g(p.size(), -999.f);
  const double loss = cuda_mclnn_loss_and_grad<float>(shape, test_scaling(), pf.data(), v, g.data());
  // The CPU twin in float32 is within 2e-7 (loss) and 1.4e-6 (gradient, relative to its largest entry) of
  // this reference (MclnnRows.Float32TwinIsCloseToFloat64); the GPU's FMAs change round-off, not its size.
  expect_close("f32 loss", {loss}, {loss_ref}, 0.0, 1e-5);
  expect_close("f32 grad", std::vector<double>(g.begin(), g.end()), g_ref, 1e-4 * max_abs(g_ref), 1e-4);
}

TEST(CudaMclnn, LossOnlyCallMatchesCpu) {
  NOETHER_NEED_GPU();
  const MlpShape shape = shape_of({1, 10, 10, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 8u);
  const Batch b = random_batch(3, 3, 2, 2, 2, 9u);
  std::vector<double> g_ref;
  const double loss_ref = cpu_reference(shape, p, test_scaling(), b, g_ref);
  const double loss = cuda_mclnn_loss_and_grad<double>(shape, test_scaling(), p.data(), b.view(), nullptr);
  expect_close("loss only", {loss}, {loss_ref}, 0.0, 1e-11);
}

TEST(CudaMclnn, BitwiseDeterministicAcrossRunsAndWorkspaces) {
  NOETHER_NEED_GPU();
  const MlpShape shape = shape_of({1, 16, 16, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 12u);
  const Batch big = random_batch(300, 7, 3, 3, 2, 13u);  // 2,100 rows: several blocks and reduction chunks
  const Batch small = random_batch(2, 3, 2, 1, 1, 14u);
  CudaMclnnWorkspace ws;
  std::vector<double> g1(p.size()), g2(p.size()), g3(p.size()), gs(p.size());
  const double l1 = cuda_mclnn_loss_and_grad<double>(shape, test_scaling(), p.data(), big.view(), g1.data(), &ws);
  // A smaller call in between leaves the (grown) workspace dirty; the next big call must not see it.
  cuda_mclnn_loss_and_grad<double>(shape, test_scaling(), p.data(), small.view(), gs.data(), &ws);
  const double l2 = cuda_mclnn_loss_and_grad<double>(shape, test_scaling(), p.data(), big.view(), g2.data(), &ws);
  const double l3 = cuda_mclnn_loss_and_grad<double>(shape, test_scaling(), p.data(), big.view(), g3.data());
  EXPECT_EQ(0, std::memcmp(&l1, &l2, sizeof l1));
  EXPECT_EQ(0, std::memcmp(&l1, &l3, sizeof l1));
  EXPECT_EQ(0, std::memcmp(g1.data(), g2.data(), g1.size() * sizeof(double)));
  EXPECT_EQ(0, std::memcmp(g1.data(), g3.data(), g1.size() * sizeof(double)));
  // And it is the right answer, not just a reproducible one.
  std::vector<double> g_ref;
  const double loss_ref = cpu_reference(shape, p, test_scaling(), big, g_ref);
  expect_close("300 segments loss", {l1}, {loss_ref}, 0.0, 1e-11);
  expect_close("300 segments grad", g1, g_ref, 1e-11 * max_abs(g_ref), 1e-11);
}

TEST(CudaMclnn, DivergedRolloutIsAnErrorNamingTheSegment) {
  NOETHER_NEED_GPU();
  const MlpShape shape = shape_of({1, 10, 10, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 3u);
  Batch b = random_batch(3, 3, 2, 2, 1, 4u);
  b.q0[std::size_t(1) * 6 + 2] = std::nan("");  // segment 1
  std::vector<double> g(p.size());
  try {
    cuda_mclnn_loss_and_grad<double>(shape, test_scaling(), p.data(), b.view(), g.data());
    FAIL() << "expected noether::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("segment 1 is not finite"), std::string::npos) << e.what();
  }
}

TEST(CudaMclnn, BadArgumentsAreRejectedWithoutTouchingTheDevice) {
  const MlpShape shape = shape_of({1, 10, 10, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 1u);
  const Batch good = random_batch(2, 3, 2, 2, 1, 2u);
  std::vector<double> g(p.size());
  auto expect_error = [&](MclnnSegmentBatch<double> v, const MlpShape& s, const double* params, const char* what) {
    try {
      cuda_mclnn_loss_and_grad<double>(s, test_scaling(), params, v, g.data());
      ADD_FAILURE() << "expected noether::Error mentioning '" << what << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  MclnnSegmentBatch<double> v = good.view();
  v.D = 4;
  expect_error(v, shape, p.data(), "dimension D must be 2 or 3, got 4");
  v = good.view(), v.B = 0;
  expect_error(v, shape, p.data(), "segment count B must be >= 1, got 0");
  v = good.view(), v.N = 0;
  expect_error(v, shape, p.data(), "particle count N must be >= 1");
  v = good.view(), v.stride = 0;
  expect_error(v, shape, p.data(), "stride must be >= 1, got 0");
  v = good.view(), v.horizon = -1;
  expect_error(v, shape, p.data(), "horizon must be >= 1, got -1");
  v = good.view(), v.dt = 0;
  expect_error(v, shape, p.data(), "dt must be finite and > 0");
  v = good.view(), v.dt = std::nan("");
  expect_error(v, shape, p.data(), "dt must be finite and > 0");
  v = good.view(), v.target = nullptr;
  expect_error(v, shape, p.data(), "target (B, horizon, N, D) must be non-null");
  expect_error(good.view(), shape, nullptr, "params must be non-null");
  const MlpShape wide = shape_of({1, 65, 1}, Activation::Squareplus);
  const std::vector<double> pw(wide.parameter_count(), 0.1);
  expect_error(good.view(), wide, pw.data(), "widths up to 64");
  const MlpShape vector_in = shape_of({2, 10, 1}, Activation::Squareplus);
  const std::vector<double> pv(vector_in.parameter_count(), 0.1);
  expect_error(good.view(), vector_in, pv.data(), "input and output widths must be 1");
}

TEST(CudaMclnn, ValidCallWithoutADeviceSaysWhy) {
  if (cuda_device_available()) GTEST_SKIP() << "a CUDA device is present: covered by the parity tests";
  const MlpShape shape = shape_of({1, 10, 10, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 1u);
  const Batch good = random_batch(2, 3, 2, 2, 1, 2u);
  std::vector<double> g(p.size());
  try {
    cuda_mclnn_loss_and_grad<double>(shape, test_scaling(), p.data(), good.view(), g.data());
    FAIL() << "expected noether::Error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_TRUE(m.find("no CUDA device is usable") != std::string::npos ||
                m.find("CUDA backend not built") != std::string::npos)
        << m;
  }
}

TEST(CudaMclnnTrain, TrainingOnTheGpuMatchesTheCpuToRoundOff) {
  NOETHER_NEED_GPU();
  const TrajectoryData d = spring_data(12, 6, 21u);
  MclnnTrainOptions o;
  o.hidden = {10, 10};
  o.epochs = 4;
  o.batch_size = 8;
  o.horizon = 2;
  o.stride = 5;
  o.lr = 3e-3;
  o.lr_final = 1e-4;
  o.seed = 5;
  o.time_budget_s = 0;
  const MclnnTrainResult cpu = train_mclnn(d, o);
  o.cuda = true;
  const MclnnTrainResult gpu = train_mclnn(d, o);
  EXPECT_EQ(cpu.epochs, gpu.epochs);
  expect_close("train loss", {gpu.train_loss}, {cpu.train_loss}, 0.0, 1e-9);
  expect_close("val loss", {gpu.val_loss}, {cpu.val_loss}, 0.0, 1e-9);
  expect_close("params", gpu.model.params, cpu.model.params, 1e-9 * max_abs(cpu.model.params), 1e-9);
  EXPECT_NE(gpu.model.metadata.find("\"device\":\"cuda\""), std::string::npos) << gpu.model.metadata;
  EXPECT_NE(cpu.model.metadata.find("\"device\":\"cpu\""), std::string::npos) << cpu.model.metadata;
}

TEST(CudaMclnnTrain, MetadataNamesTheDeviceAndCudaWithoutADeviceIsAnError) {
  const TrajectoryData d = spring_data(4, 4, 22u);
  MclnnTrainOptions o;
  o.hidden = {6};
  o.epochs = 1;
  o.batch_size = 4;
  o.time_budget_s = 0;
  const MclnnTrainResult cpu = train_mclnn(d, o);
  EXPECT_NE(cpu.model.metadata.find("\"device\":\"cpu\""), std::string::npos) << cpu.model.metadata;
  if (cuda_device_available()) return;  // the GPU run is TrainingOnTheGpuMatchesTheCpuToRoundOff
  o.cuda = true;
  try {
    train_mclnn(d, o);
    FAIL() << "expected noether::Error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_TRUE(m.find("no CUDA device is usable") != std::string::npos ||
                m.find("CUDA backend not built") != std::string::npos)
        << m;
  }
}
