// mclnn/test_rows.cpp — the GPU MCLNN adjoint's row bodies (mclnn/rows.hpp) run on the CPU by the kernels'
// CPU twin mclnn_loss_and_grad_rows_cpu, against the independent CPU adjoint segment_loss_and_grad_cpu
// (mclnn/verlet_adjoint.hpp, itself checked against central differences): same loss and θ-gradient to 1e-11 in
// float64 for N = 1 … 7, D = 2 and 3, several stride·horizon and widths, and float32 to 1e-5. This checks
// the kernels' indexing, frame schedule, λ double-buffering and pair bookkeeping (q̄ over all j, θ̄ over
// j > i) without a GPU; mclnn/test_cuda_parity.cpp runs the same bodies inside the kernels.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/mclnn_batch_util.hpp"
#include "noether/core/error.hpp"
#include "../../kernels/mclnn/rows.hpp"
#include "support/pair_mlp_test_util.hpp"

using namespace noether;
using namespace noether_test;

namespace {

double twin(const MlpShape& shape, const std::vector<double>& p, const Batch& b, std::vector<double>* grad) {
  if (grad) grad->assign(p.size(), -999.0);
  return with_pair_mlp<double>(shape, p.data(), test_scaling(), [&](const auto& mlp) {
    return mclnn_loss_and_grad_rows_cpu<double>(mlp, b.q0.data(), b.v0.data(), b.mass.data(), b.target.data(), b.B,
                                                b.N, b.D, b.dt, b.stride, b.horizon, grad ? grad->data() : nullptr);
  });
}

}  // namespace

TEST(MclnnRows, CpuTwinOfTheKernelsMatchesTheCpuAdjoint) {
  struct Case {
    std::vector<int> widths;
    int N, D, stride, horizon;
  };
  const std::vector<Case> cases = {
      {{1, 10, 10, 1}, 3, 2, 3, 2}, {{1, 10, 10, 1}, 4, 3, 1, 4}, {{1, 16, 16, 1}, 7, 2, 5, 1},
      {{1, 16, 16, 1}, 7, 3, 2, 3}, {{1, 16, 16, 1}, 4, 2, 4, 2}, {{1, 10, 10, 1}, 3, 3, 1, 1},
      {{1, 40, 8, 1}, 4, 3, 2, 2},  {{1, 10, 10, 1}, 2, 2, 2, 2}, {{1, 10, 10, 1}, 1, 3, 2, 2},
  };
  for (const Case& k : cases) {
    const MlpShape shape = shape_of(k.widths, Activation::Squareplus);
    const std::vector<double> p = random_params(shape, 31u + unsigned(k.N * 7 + k.D));
    const Batch b = random_batch(5, k.N, k.D, k.stride, k.horizon, 1000u + unsigned(k.N * 10 + k.D));
    std::vector<double> g_ref, g;
    const double loss_ref = cpu_reference(shape, p, test_scaling(), b, g_ref);
    const double loss = twin(shape, p, b, &g);
    std::ostringstream tag;
    tag << "twin " << shape_name(shape) << " N=" << k.N << " D=" << k.D << " stride=" << k.stride
        << " horizon=" << k.horizon;
    ASSERT_GT(loss_ref, 0.0);
    expect_close(tag.str() + " loss", {loss}, {loss_ref}, 0.0, 1e-11);
    if (k.N == 1) {  // no pairs: no gradient at all
      EXPECT_EQ(max_abs(g), 0.0);
      EXPECT_EQ(max_abs(g_ref), 0.0);
      continue;
    }
    ASSERT_GT(max_abs(g_ref), 0.0);
    expect_close(tag.str() + " grad", g, g_ref, 1e-11 * max_abs(g_ref), 1e-11);
    EXPECT_EQ(twin(shape, p, b, nullptr), loss) << "the loss does not depend on whether a gradient is wanted";
  }
}

TEST(MclnnRows, NonFiniteRolloutNamesTheSegment) {
  const MlpShape shape = shape_of({1, 10, 10, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 3u);
  Batch b = random_batch(3, 3, 2, 2, 1, 4u);
  b.v0[std::size_t(2) * 6 + 3] = std::nan("");  // segment 2
  std::vector<double> g;
  try {
    twin(shape, p, b, &g);
    FAIL() << "expected noether::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("segment 2 is not finite"), std::string::npos) << e.what();
  }
}

TEST(MclnnRows, Float32TwinIsCloseToFloat64) {
  // The float32 kernels' arithmetic (θ̄ accumulated in float64) on float-rounded inputs, against float64
  // arithmetic on the same rounded inputs: the bound mclnn/test_cuda_parity.cpp's float32 test relies on.
  const MlpShape shape = shape_of({1, 16, 16, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 5u);
  const Batch b = random_batch(4, 4, 3, 2, 2, 77u);
  const std::vector<float> pf(p.begin(), p.end()), q0(b.q0.begin(), b.q0.end()), v0(b.v0.begin(), b.v0.end()),
      m(b.mass.begin(), b.mass.end()), tg(b.target.begin(), b.target.end());
  Batch b64 = b;
  b64.q0.assign(q0.begin(), q0.end()), b64.v0.assign(v0.begin(), v0.end()), b64.mass.assign(m.begin(), m.end());
  b64.target.assign(tg.begin(), tg.end());
  b64.dt = double(float(b.dt));
  std::vector<double> g_ref, g(p.size(), -999.0);
  const double loss_ref = cpu_reference(shape, std::vector<double>(pf.begin(), pf.end()), test_scaling(), b64, g_ref);
  const double loss = with_pair_mlp<float>(shape, pf.data(), test_scaling(), [&](const auto& mlp) {
    return mclnn_loss_and_grad_rows_cpu<float>(mlp, q0.data(), v0.data(), m.data(), tg.data(), b.B, b.N, b.D,
                                               float(b.dt), b.stride, b.horizon, g.data());
  });
  expect_close("f32 twin loss", {loss}, {loss_ref}, 0.0, 1e-5);
  expect_close("f32 twin grad", g, g_ref, 1e-5 * max_abs(g_ref), 1e-5);
}
