// physics/test_cuda_pair_mlp_parity.cpp — the learned pair potential inside the CUDA all-pairs kernel against
// its CPU twin (accelerations_cpu / potential_energy_cpu with PairMlp): every MaxWidth dispatch (16, 32,
// 64), every activation, D = 2 and 3, N not a multiple of the tile, B > 1, float32 and float64; a model
// whose parameters need the >48 KB shared-memory opt-in; bitwise determinism; and clear errors. Tests
// that need a device skip without one, unless NOETHER_REQUIRE_GPU=1, in which case they fail. Only CPU
// headers and physics/cuda.hpp are included, so this file builds (and skips) without CUDA too.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/gpu_gate.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/core/error.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "support/pair_mlp_test_util.hpp"

using namespace noether;
using namespace noether_test;

namespace {

struct Case {
  std::vector<int> widths;
  Activation act;
};

std::vector<Case> cases() {
  return {{{1, 10, 10, 1}, Activation::Squareplus},     // MaxWidth 16
          {{1, 16, 16, 1}, Activation::Softplus},       // MaxWidth 16, the paper's shape
          {{1, 24, 1}, Activation::Tanh},               // MaxWidth 32
          {{1, 40, 8, 1}, Activation::Squareplus},      // MaxWidth 64
          {{1, 4, 4, 4, 4, 4, 4, 1}, Activation::Tanh}};  // deep and narrow
}

template <typename T>
void check_mlp_parity(double rel) {
  for (const Case& k : cases())
    for (int D : {2, 3})
      for (int N : {1, 2, 127, 300}) {
        const int B = 3;
        const MlpShape shape = shape_of(k.widths, k.act);
        const std::vector<double> p = random_params(shape, 17u + unsigned(N));
        std::mt19937_64 rng(100u + unsigned(N * D));
        std::uniform_real_distribution<double> u(-2, 2), um(0.5, 2);
        std::vector<T> pos(std::size_t(B) * N * D), mass(std::size_t(B) * N), params(p.begin(), p.end());
        for (auto& x : pos) x = T(u(rng));
        for (auto& x : mass) x = T(um(rng));
        // Reference: float64 arithmetic on exactly the T-rounded inputs and parameters.
        const std::vector<double> pos64(pos.begin(), pos.end()), mass64(mass.begin(), mass.end()),
            p64(params.begin(), params.end());
        std::vector<double> ref(pos.size()), U_ref(B);
        with_pair_mlp<double>(shape, p64.data(), test_scaling(), [&](const auto& mlp) {
          accelerations_cpu(mlp, pos64.data(), mass64.data(), ref.data(), B, N, D);
          potential_energy_cpu(mlp, pos64.data(), mass64.data(), U_ref.data(), B, N, D);
        });
        std::vector<T> acc(pos.size(), T(-999)), U(B, T(-999));
        cuda_mlp_accelerations<T>(shape, params.data(), test_scaling(), pos.data(), mass.data(), acc.data(), B, N, D);
        cuda_mlp_potential_energy<T>(shape, params.data(), test_scaling(), pos.data(), mass.data(), U.data(), B, N, D);
        std::ostringstream tag;
        tag << (sizeof(T) == 4 ? "f32 " : "f64 ") << shape_name(shape) << " D=" << D << " N=" << N;
        double rms = 0;
        for (double x : ref) rms += x * x;
        rms = std::sqrt(rms / double(ref.size()));
        expect_close(tag.str() + " acc", std::vector<double>(acc.begin(), acc.end()), ref, rel * std::max(rms, 1e-30),
                     rel);
        expect_close(tag.str() + " U", std::vector<double>(U.begin(), U.end()), U_ref,
                     rel * std::max(max_abs(U_ref), 1e-30), rel);
      }
}

}  // namespace

TEST(CudaPairMlp, AccelerationsAndPotentialMatchCpuFloat64) {
  NOETHER_NEED_GPU();
  check_mlp_parity<double>(1e-10);
}

TEST(CudaPairMlp, AccelerationsAndPotentialMatchCpuFloat32) {
  NOETHER_NEED_GPU();
  check_mlp_parity<float>(1e-3);
}

TEST(CudaPairMlp, ParametersBeyond48KBOfSharedMemoryUseTheOptIn) {
  NOETHER_NEED_GPU();
  // [1,64,64,64,1] in float64: 8,513 parameters = 68 KB of shared memory per block.
  const MlpShape shape = shape_of({1, 64, 64, 64, 1}, Activation::Squareplus);
  const std::vector<double> p = random_params(shape, 9u, 1.0);
  const int B = 2, N = 45, D = 3;
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(-2, 2);
  std::vector<double> pos(std::size_t(B) * N * D), mass(std::size_t(B) * N, 1.0), acc(pos.size()), ref(pos.size());
  for (auto& x : pos) x = u(rng);
  cuda_mlp_accelerations<double>(shape, p.data(), test_scaling(), pos.data(), mass.data(), acc.data(), B, N, D);
  accelerations_cpu(make_pair_mlp<double, 64>(shape, p.data(), test_scaling()), pos.data(), mass.data(), ref.data(),
                    B, N, D);
  expect_close("f64 [1,64,64,64,1] (68 KB staged) acc", acc, ref, 1e-10 * std::max(max_abs(ref), 1e-30), 1e-10);
}

TEST(CudaPairMlp, TwoIdenticalRunsAreBitwiseEqual) {
  NOETHER_NEED_GPU();
  const MlpShape shape = shape_of({1, 16, 16, 1}, Activation::Squareplus);
  const std::vector<double> p64 = random_params(shape, 2u);
  const std::vector<float> p(p64.begin(), p64.end());
  const int B = 2, N = 333, D = 3;
  std::mt19937_64 rng(6);
  std::uniform_real_distribution<double> u(-3, 3);
  std::vector<float> pos(std::size_t(B) * N * D), mass(std::size_t(B) * N, 1.f), a1(pos.size()), a2(pos.size());
  for (auto& x : pos) x = float(u(rng));
  cuda_mlp_accelerations<float>(shape, p.data(), {}, pos.data(), mass.data(), a1.data(), B, N, D);
  cuda_mlp_accelerations<float>(shape, p.data(), {}, pos.data(), mass.data(), a2.data(), B, N, D);
  EXPECT_EQ(0, std::memcmp(a1.data(), a2.data(), a1.size() * sizeof(float)));
}

TEST(CudaPairMlp, DriverFunctionsThrowNoetherErrorOnBadShapesOrWithoutDevice) {
  const std::vector<float> pos(6, 0.f), mass(2, 1.f), params(10000, 0.1f);
  std::vector<float> acc(6);
  // Too wide, or a bad D: refused whether or not there is a device (or a CUDA backend at all).
  EXPECT_THROW(cuda_mlp_accelerations<float>(shape_of({1, 65, 1}, Activation::Tanh), params.data(), {}, pos.data(),
                                             mass.data(), acc.data(), 1, 2, 3),
               Error);
  EXPECT_THROW(cuda_mlp_accelerations<float>(shape_of({1, 8, 1}, Activation::Tanh), params.data(), {}, pos.data(),
                                             mass.data(), acc.data(), 1, 2, 4),
               Error);
  if (!cuda_device_available()) {
    EXPECT_THROW(cuda_mlp_potential_energy<float>(shape_of({1, 8, 1}, Activation::Tanh), params.data(), {},
                                                  pos.data(), mass.data(), acc.data(), 1, 2, 3),
                 Error);
    EXPECT_THROW(cuda_time_mlp_accelerations<float>(shape_of({1, 8, 1}, Activation::Tanh), params.data(), {},
                                                    pos.data(), mass.data(), 1, 2, 3, 1),
                 Error);
  }
}
