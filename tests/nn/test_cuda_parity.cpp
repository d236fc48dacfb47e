// nn/test_cuda_parity.cpp — the cuBLAS MLP (nn/cuda.hpp) against the CPU MLP (nn/mlp.hpp): forward, ∇_x f,
// double-backprop gradients and vector backward, float32 and float64, batch sizes that are not multiples of
// anything; the device-pointer API is exercised through the host functions. Every test that needs a device
// skips without one, unless NOETHER_REQUIRE_GPU=1, in which case it fails. Builds (and skips) without CUDA.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "support/mlp_test_util.hpp"
#include "support/gpu_gate.hpp"
#include "support/precision.hpp"
#include "noether/core/device.hpp"
#include "noether/nn/cuda.hpp"
#include "noether/core/error.hpp"
#include "noether/nn/mlp.hpp"

using namespace noether;
using namespace noether_test;

namespace {

/// max |gpu − cpu| / max(1, max |cpu|), printing the first mismatch over `tol`.
template <typename T>
double compare(const char* what, const std::string& who, const std::vector<T>& gpu, const std::vector<double>& cpu,
               double tol) {
  double e = 0.0, s = 1.0;
  for (double v : cpu) s = std::max(s, std::abs(v));
  for (std::size_t k = 0; k < cpu.size(); ++k) e = std::max(e, std::abs(double(gpu[k]) - cpu[k]));
  e /= s;
  if (e >= tol)
    for (std::size_t k = 0; k < cpu.size(); ++k)
      if (std::abs(double(gpu[k]) - cpu[k]) / s >= tol) {
        ADD_FAILURE() << who << " " << what << "[" << k << "]: gpu " << double(gpu[k]) << " cpu " << cpu[k]
                      << " (max scaled error " << e << ", tol " << tol << ")";
        break;
      }
  return e;
}

const std::vector<std::vector<int>> kScalarShapes = {{4, 32, 32, 1}, {2, 200, 1}, {6, 8, 8, 8, 1}, {3, 1}};

/// Tolerances of GPU-vs-float64-CPU comparisons: float32 GPU vs float64 CPU, float64 vs float64.
template <typename T>
double tol() {
  return sizeof(T) == 4 ? 2e-4 : 1e-11;
}

template <typename T>
void scalar_parity(const char* tname) {
  double worst[4] = {0, 0, 0, 0};
  for (Activation act : kActs)
    for (const auto& w : kScalarShapes) {
      const MlpShape s = make_shape(w, act);
      const int n = 37, d = s.in();
      const std::string who = std::string(tname) + " " + describe(s);
      const auto p = random_params(s, 101);
      const auto X = random_vec(std::size_t(n) * d, 102);
      const auto dG = random_vec(std::size_t(n) * d, 103);
      const auto df = random_vec(std::size_t(n), 104);
      const auto dp0 = random_vec(p.size(), 105);  // dparams accumulate onto this
      // CPU float64 reference.
      std::vector<double> f(n), G(std::size_t(n) * d), dp = dp0, dX(X.size());
      MlpTape<double> tape;
      mlp_input_gradient(s, p.data(), p.size(), X.data(), n, f.data(), G.data(), tape);
      mlp_input_gradient_backward(s, p.data(), p.size(), tape, dG.data(), df.data(), dp.data(), dX.data());
      // GPU.
      const auto pT = cast<T>(p), XT = cast<T>(X), dGT = cast<T>(dG), dfT = cast<T>(df);
      std::vector<T> fg(n), Gg(G.size()), Yg(n), dpg = cast<T>(dp0), dXg(X.size());
      cuda_mlp_forward<T>(s, pT.data(), pT.size(), XT.data(), n, Yg.data());
      cuda_mlp_input_gradient<T>(s, pT.data(), pT.size(), XT.data(), n, fg.data(), Gg.data());
      cuda_mlp_input_gradient_backward<T>(s, pT.data(), pT.size(), XT.data(), n, dGT.data(), dfT.data(), dpg.data(),
                                          dXg.data());
      worst[0] = std::max({worst[0], compare("forward", who, Yg, f, tol<T>()), compare("f", who, fg, f, tol<T>())});
      worst[1] = std::max(worst[1], compare("G", who, Gg, G, tol<T>()));
      worst[2] = std::max(worst[2], compare("dparams", who, dpg, dp, tol<T>()));
      worst[3] = std::max(worst[3], compare("dX", who, dXg, dX, tol<T>()));
    }
  std::printf("[cuda mlp %s] scalar MLP vs CPU float64: max scaled error f %.2e, G %.2e, dθ %.2e, dX %.2e\n", tname,
              worst[0], worst[1], worst[2], worst[3]);
}

template <typename T>
void vector_parity(const char* tname) {
  double worst[3] = {0, 0, 0};
  for (Activation act : kActs)
    for (const auto& w : std::vector<std::vector<int>>{{3, 16, 16, 4}, {784, 64, 2}, {2, 64, 784}}) {
      const MlpShape s = make_shape(w, act);
      const int n = 19;
      const std::string who = std::string(tname) + " " + describe(s);
      const auto p = random_params(s, 201);
      const auto X = random_vec(std::size_t(n) * s.in(), 202);
      const auto dY = random_vec(std::size_t(n) * s.out(), 203);
      std::vector<double> Y(std::size_t(n) * s.out()), dp(p.size(), 0.0), dX(X.size());
      MlpTape<double> tape;
      mlp_forward(s, p.data(), p.size(), X.data(), n, Y.data(), tape);
      mlp_backward(s, p.data(), p.size(), tape, dY.data(), dp.data(), dX.data());
      const auto pT = cast<T>(p), XT = cast<T>(X), dYT = cast<T>(dY);
      std::vector<T> Yg(Y.size()), dpg(p.size(), T(0)), dXg(X.size());
      cuda_mlp_forward<T>(s, pT.data(), pT.size(), XT.data(), n, Yg.data());
      cuda_mlp_backward<T>(s, pT.data(), pT.size(), XT.data(), n, dYT.data(), dpg.data(), dXg.data());
      worst[0] = std::max(worst[0], compare("Y", who, Yg, Y, tol<T>()));
      worst[1] = std::max(worst[1], compare("dparams", who, dpg, dp, tol<T>()));
      worst[2] = std::max(worst[2], compare("dX", who, dXg, dX, tol<T>()));
    }
  std::printf("[cuda mlp %s] vector MLP vs CPU float64: max scaled error Y %.2e, dθ %.2e, dX %.2e\n", tname, worst[0],
              worst[1], worst[2]);
}

}  // namespace

TEST(CudaMlpParity, ScalarFloat32) {
  NOETHER_NEED_GPU();
  scalar_parity<float>("float32");
}

TEST(CudaMlpParity, ScalarFloat64) {
  NOETHER_NEED_GPU();
  scalar_parity<double>("float64");
}

TEST(CudaMlpParity, VectorFloat32) {
  NOETHER_NEED_GPU();
  vector_parity<float>("float32");
}

TEST(CudaMlpParity, VectorFloat64) {
  NOETHER_NEED_GPU();
  vector_parity<double>("float64");
}

TEST(CudaMlpParity, MisuseThrows) {
  NOETHER_NEED_GPU();
  const MlpShape s = make_shape({3, 8, 2}, Activation::Tanh);
  const auto p = cast<float>(random_params(s, 301));
  const auto X = cast<float>(random_vec(6, 302));
  std::vector<float> Y(4), G(6);
  EXPECT_THROW(cuda_mlp_forward<float>(s, p.data(), p.size() + 1, X.data(), 2, Y.data()), Error);
  EXPECT_THROW(cuda_mlp_input_gradient<float>(s, p.data(), p.size(), X.data(), 2, nullptr, G.data()), Error);
  CudaMlp<float> mlp(s, 4);
  EXPECT_THROW(mlp.backward(nullptr, nullptr, nullptr, nullptr), Error);  // empty tape, before any device access
  EXPECT_THROW(mlp.forward(nullptr, nullptr, 5, nullptr), Error);          // above max_batch
}

TEST(CudaMlpParity, WithoutCudaEverythingThrows) {
  if (cuda_device_available()) GTEST_SKIP() << "a device is present";
  const MlpShape s = make_shape({2, 4, 1}, Activation::Tanh);
  const auto p = cast<float>(random_params(s, 401));
  const std::vector<float> X(2, 0.5f);
  std::vector<float> f(1), G(2);
  EXPECT_THROW(cuda_mlp_input_gradient<float>(s, p.data(), p.size(), X.data(), 1, f.data(), G.data()), Error);
}
