// physics/test_cuda_parity.cpp — the CUDA backend against its CPU twins: all-pairs accelerations and potential
// energy for every law, D = 2 and 3, N not a multiple of the tile, B > 1, float32 and float64; one Verlet
// step; a 1,000-step rollout with its device-reduced observables; bitwise determinism of two runs; and
// non-finite detection. Every test that needs a device skips without one, unless NOETHER_REQUIRE_GPU=1,
// in which case it fails. Only CPU headers and physics/cuda.hpp are included, so this file builds (and
// skips) in a build without CUDA too.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/gpu_gate.hpp"
#include "support/precision.hpp"
#include "support/pair_mlp_test_util.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/core/error.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/observables.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/verlet.hpp"

using namespace noether;
using noether_test::cast;
using noether_test::widen;
using noether_test::expect_close;
using noether_test::gpu_required;

namespace {

/// A batch of B trajectories of N particles in D dimensions (float64 master copy).
struct Batch {
  int B, N, D;
  std::vector<double> pos, vel, mass;
};

Batch random_batch(int B, int N, int D, unsigned seed, double box = 2.0, double vmax = 0.3) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-box, box), uv(-vmax, vmax), um(0.5, 2.0);
  const std::size_t n = std::size_t(B) * N * D;
  Batch s{B, N, D, std::vector<double>(n), std::vector<double>(n), std::vector<double>(std::size_t(B) * N)};
  for (auto& x : s.pos) x = u(rng);
  for (auto& x : s.vel) x = uv(rng);
  for (auto& m : s.mass) m = um(rng);
  return s;
}

std::string law_name(const PairLawSpec& s) {
  std::ostringstream os;
  switch (s.kind) {
    case PotentialKind::LinearSpring: os << "linear_spring"; break;
    case PotentialKind::NonlinearSpring: os << "nonlinear_spring"; break;
    case PotentialKind::Gravity: os << "gravity(eps=" << s.softening << ")"; break;
  }
  return os.str();
}

std::vector<PairLawSpec> all_laws() {
  return {{PotentialKind::LinearSpring, 0.7, 1.3, 1, 0},
          {PotentialKind::NonlinearSpring, 0.7, 1.3, 1, 0},
          {PotentialKind::Gravity, 1, 1, 1.5, 0},
          {PotentialKind::Gravity, 1, 1, 1.5, 0.1}};
}

double rms(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v * v;
  return x.empty() ? 0.0 : std::sqrt(s / double(x.size()));
}


/// Tolerances of the force parity check in precision T: relative to the element and to the RMS force.
template <typename T>
struct ForceTol;
template <>
struct ForceTol<double> {
  static constexpr double rel = 1e-10;
};
template <>
struct ForceTol<float> {
  static constexpr double rel = 2e-4;
};

template <typename T>
void check_force_parity() {
  const int Ns[] = {1, 2, 3, 127, 300, 1031};
  for (const PairLawSpec& spec : all_laws())
    for (int D : {2, 3})
      for (int N : Ns) {
        const int B = N >= 1000 ? 2 : 3;
        const Batch s = random_batch(B, N, D, 1234u + unsigned(N) * 7 + unsigned(D));
        // Inputs rounded to T once; the reference is float64 arithmetic on exactly those inputs.
        const std::vector<T> pos = cast<T>(s.pos), mass = cast<T>(s.mass);
        const std::vector<double> pos64 = widen(pos), mass64 = widen(mass);
        std::vector<double> ref(pos.size()), U_ref(static_cast<std::size_t>(B));
        with_pair_law<double>(spec, [&](auto law) {
          accelerations_cpu(law, pos64.data(), mass64.data(), ref.data(), B, N, D);
          potential_energy_cpu(law, pos64.data(), mass64.data(), U_ref.data(), B, N, D);
        });
        std::vector<T> acc(pos.size(), T(-999)), U(std::size_t(B), T(-999));
        cuda_accelerations<T>(spec, pos.data(), mass.data(), acc.data(), B, N, D);
        cuda_potential_energy<T>(spec, pos.data(), mass.data(), U.data(), B, N, D);

        std::ostringstream tag;
        tag << (sizeof(T) == 4 ? "f32 " : "f64 ") << law_name(spec) << " D=" << D << " N=" << N << " B=" << B;
        const double tol = ForceTol<T>::rel;
        expect_close(tag.str() + " acc", widen(acc), ref, tol * std::max(rms(ref), 1e-30), tol);
        // U: the GPU sums ½ Σ_i Σ_{j≠i} V, the CPU Σ_{i<j} V — the same terms in another order.
        double Uscale = 0;
        for (double u : U_ref) Uscale = std::max(Uscale, std::abs(u));
        expect_close(tag.str() + " U", widen(U), U_ref, tol * std::max(Uscale, 1e-30), tol);
      }
}

/// CPU float64 reference rollout in precision T on the same (rounded) inputs, saved like the device's.
template <typename T>
struct CpuRollout {
  std::vector<T> pos, vel, acc;        // (B, frames, N, D)
  std::vector<FrameObservables> obs;   // per frame
};

template <typename T, typename Law>
CpuRollout<T> cpu_rollout(const Law& law, std::vector<T> q, std::vector<T> v, const std::vector<T>& m, int B, int N,
                          int D, T dt, long stride, int frames) {
  const std::size_t per = std::size_t(N) * D;
  CpuRollout<T> r;
  r.pos.resize(std::size_t(B) * frames * per);
  r.vel.resize(r.pos.size());
  r.acc.resize(r.pos.size());
  r.obs.resize(std::size_t(frames));
  std::vector<T> a(q.size());
  accelerations_cpu(law, q.data(), m.data(), a.data(), B, N, D);
  for (int f = 0; f < frames; ++f) {
    if (f > 0) verlet_steps_cpu(law, q.data(), v.data(), a.data(), m.data(), B, N, D, dt, stride);
    for (int b = 0; b < B; ++b) {
      const std::size_t dst = (std::size_t(b) * frames + f) * per, src = std::size_t(b) * per;
      std::copy(q.begin() + src, q.begin() + src + per, r.pos.begin() + dst);
      std::copy(v.begin() + src, v.begin() + src + per, r.vel.begin() + dst);
      std::copy(a.begin() + src, a.begin() + src + per, r.acc.begin() + dst);
    }
    kinematic_observables_cpu(q.data(), v.data(), m.data(), B, N, D, r.obs[f]);
    std::vector<T> U(static_cast<std::size_t>(B));
    potential_energy_cpu(law, q.data(), m.data(), U.data(), B, N, D);
    r.obs[f].potential = widen(U);
  }
  return r;
}

/// Frame f of trajectory b of a (B, frames, N, D) array.
template <typename T>
std::vector<T> frame_of(const std::vector<T>& x, int b, int f, int frames, int N, int D) {
  const std::size_t per = std::size_t(N) * D, o = (std::size_t(b) * frames + f) * per;
  return std::vector<T>(x.begin() + o, x.begin() + o + per);
}

/// Check the device's per-frame observables against the CPU ones computed on the DEVICE's saved frames
/// (this isolates the reduction: same inputs, sums in float64 both sides).
template <typename T>
void check_observables_of_frames(const PairLawSpec& spec, const std::vector<T>& pos_out, const std::vector<T>& vel_out,
                                 const std::vector<T>& mass, const std::vector<FrameObservables>& obs, int B, int N,
                                 int D, int frames, double tol_U) {
  ASSERT_EQ(obs.size(), std::size_t(frames));
  const std::size_t per = std::size_t(N) * D;
  for (int f = 0; f < frames; ++f) {
    std::vector<T> q(std::size_t(B) * per), v(q.size());
    for (int b = 0; b < B; ++b) {
      const auto qf = frame_of(pos_out, b, f, frames, N, D), vf = frame_of(vel_out, b, f, frames, N, D);
      std::copy(qf.begin(), qf.end(), q.begin() + std::size_t(b) * per);
      std::copy(vf.begin(), vf.end(), v.begin() + std::size_t(b) * per);
    }
    FrameObservables ref;
    kinematic_observables_cpu(q.data(), v.data(), mass.data(), B, N, D, ref);
    std::vector<T> U(static_cast<std::size_t>(B));
    with_pair_law<T>(spec, [&](auto law) { potential_energy_cpu(law, q.data(), mass.data(), U.data(), B, N, D); });
    ref.potential = widen(U);
    double Ks = 0, Us = 0, Ps = 0, Js = 0;
    for (double x : ref.kinetic) Ks = std::max(Ks, std::abs(x));
    for (double x : ref.potential) Us = std::max(Us, std::abs(x));
    for (double x : ref.momentum) Ps = std::max(Ps, std::abs(x));
    for (double x : ref.angular) Js = std::max(Js, std::abs(x));
    const std::string tag = "frame " + std::to_string(f) + " ";
    // K, P, J: float64 sums of the same float64-widened products in another order.
    expect_close(tag + "kinetic", obs[f].kinetic, ref.kinetic, 1e-12 * (Ks + 1e-300), 1e-12);
    expect_close(tag + "momentum", obs[f].momentum, ref.momentum, 1e-12 * (Ks + Ps + 1e-300), 1e-12);
    expect_close(tag + "angular", obs[f].angular, ref.angular, 1e-12 * (Ks + Js + 1e-300), 1e-12);
    // U: pair energies evaluated in T on both sides (FMA contraction may differ), summed in float64.
    expect_close(tag + "potential", obs[f].potential, ref.potential, tol_U * (Us + 1e-300), tol_U);
    ASSERT_EQ(obs[f].momentum.size(), std::size_t(B) * D);
    ASSERT_EQ(obs[f].angular.size(), std::size_t(B) * angular_components(D));
  }
}

}  // namespace

TEST(CudaDevice, DescribesItself) {
  const bool available = cuda_device_available();
  const std::string desc = cuda_device_description();
  const double peak = cuda_fp32_peak_flops();
  std::printf("  CUDA device available: %s; %s; FP32 peak %.3g FLOP/s\n", available ? "yes" : "no", desc.c_str(),
              peak);
  EXPECT_FALSE(desc.empty());
  if (!available) {
    EXPECT_EQ(peak, 0.0);
    if (gpu_required()) FAIL() << "NOETHER_REQUIRE_GPU=1 but no CUDA device: " << desc;
  } else {
    EXPECT_GT(peak, 1e9) << desc;
  }
}

TEST(CudaDevice, DriverFunctionsThrowNoetherErrorWithoutDeviceOrOnBadArguments) {
  const std::vector<float> pos(6, 0.f), mass(2, 1.f);
  std::vector<float> acc(6);
  const PairLawSpec spec{};
  // D = 4 is invalid whether or not there is a device (or a CUDA backend at all).
  EXPECT_THROW(cuda_accelerations<float>(spec, pos.data(), mass.data(), acc.data(), 1, 2, 4), Error);
  if (!cuda_device_available()) {
    EXPECT_THROW(cuda_accelerations<float>(spec, pos.data(), mass.data(), acc.data(), 1, 2, 3), Error);
    std::vector<FrameObservables> obs;
    EXPECT_THROW(cuda_verlet_rollout<float>(spec, pos.data(), pos.data(), mass.data(), 1, 2, 3, 0.01f, 1, 1,
                                            nullptr, nullptr, nullptr, obs),
                 Error);
  }
}

TEST(CudaParity, AccelerationsAndPotentialFloat64) {
  NOETHER_NEED_GPU();
  check_force_parity<double>();
}

TEST(CudaParity, AccelerationsAndPotentialFloat32) {
  NOETHER_NEED_GPU();
  check_force_parity<float>();
}

TEST(CudaParity, OneVerletStepMatchesCpu) {
  NOETHER_NEED_GPU();
  for (int D : {2, 3}) {
    const int B = 2, N = 37;
    const Batch s = random_batch(B, N, D, 99u + unsigned(D));
    const PairLawSpec spec{PotentialKind::Gravity, 1, 1, 1.0, 0.1};
    const double dt = 1.0 / 256;
    std::vector<double> pos_out(std::size_t(B) * 2 * N * D), vel_out(pos_out.size()), acc_out(pos_out.size());
    std::vector<FrameObservables> obs;
    cuda_verlet_rollout<double>(spec, s.pos.data(), s.vel.data(), s.mass.data(), B, N, D, dt, 1, 2, pos_out.data(),
                                vel_out.data(), acc_out.data(), obs);
    const auto ref = with_pair_law<double>(spec, [&](auto law) {
      return cpu_rollout<double>(law, s.pos, s.vel, s.mass, B, N, D, dt, 1, 2);
    });
    // Frame 0 is the initial state, copied verbatim.
    for (int b = 0; b < B; ++b) {
      EXPECT_EQ(frame_of(pos_out, b, 0, 2, N, D), frame_of(ref.pos, b, 0, 2, N, D));
      EXPECT_EQ(frame_of(vel_out, b, 0, 2, N, D), frame_of(ref.vel, b, 0, 2, N, D));
    }
    const std::string tag = "f64 one step D=" + std::to_string(D);
    expect_close(tag + " pos", pos_out, ref.pos, 1e-13, 1e-13);
    expect_close(tag + " vel", vel_out, ref.vel, 1e-13 * std::max(rms(ref.acc), 1.0), 1e-12);
    expect_close(tag + " acc", acc_out, ref.acc, 1e-10 * rms(ref.acc), 1e-10);
  }
}

TEST(CudaParity, Rollout1000StepsFloat64WithObservables) {
  NOETHER_NEED_GPU();
  for (int D : {2, 3}) {
    const int B = 3, N = 24, frames = 11;
    const long stride = 100;  // 1,000 steps
    const Batch s = random_batch(B, N, D, 7u + unsigned(D), 1.0, 0.3);
    const PairLawSpec spec{PotentialKind::LinearSpring, 1.0, 1.0, 1, 0};
    const double dt = 1.0 / 256;
    std::vector<double> pos_out(std::size_t(B) * frames * N * D), vel_out(pos_out.size()), acc_out(pos_out.size());
    std::vector<FrameObservables> obs;
    cuda_verlet_rollout<double>(spec, s.pos.data(), s.vel.data(), s.mass.data(), B, N, D, dt, stride, frames,
                                pos_out.data(), vel_out.data(), acc_out.data(), obs);
    const auto ref = with_pair_law<double>(spec, [&](auto law) {
      return cpu_rollout<double>(law, s.pos, s.vel, s.mass, B, N, D, dt, stride, frames);
    });
    const std::string tag = "f64 1000 steps D=" + std::to_string(D);
    // The system's sensitivity amplifies per-step round-off ~100× over 1,000 steps (measured on the CPU).
    expect_close(tag + " pos", pos_out, ref.pos, 1e-9, 1e-9);
    expect_close(tag + " vel", vel_out, ref.vel, 1e-9, 1e-9);
    expect_close(tag + " acc", acc_out, ref.acc, 1e-8, 1e-8);
    check_observables_of_frames<double>(spec, pos_out, vel_out, s.mass, obs, B, N, D, frames, 1e-12);
    // And the device observables track the CPU trajectory's.
    for (int f = 0; f < frames; ++f) {
      expect_close(tag + " K vs CPU run, frame " + std::to_string(f), obs[f].kinetic, ref.obs[f].kinetic, 1e-8, 1e-8);
      expect_close(tag + " U vs CPU run, frame " + std::to_string(f), obs[f].potential, ref.obs[f].potential, 1e-8,
                   1e-8);
    }
  }
}

TEST(CudaParity, Rollout1000StepsFloat32HarmonicSprings) {
  NOETHER_NEED_GPU();
  // Zero-rest-length linear springs: a linear (harmonic) system, so round-off is not amplified
  // exponentially and float32 can be compared with float64 over 1,000 steps.
  for (int D : {2, 3}) {
    const int B = 2, N = 50, frames = 11;
    const long stride = 100;
    const Batch s = random_batch(B, N, D, 21u + unsigned(D), 1.0, 0.3);
    const PairLawSpec spec{PotentialKind::LinearSpring, 1.0, 0.0, 1, 0};
    const float dt = 1.0f / 512;  // exact in both precisions
    const std::vector<float> pos = cast<float>(s.pos), vel = cast<float>(s.vel), mass = cast<float>(s.mass);
    std::vector<float> pos_out(std::size_t(B) * frames * N * D), vel_out(pos_out.size()), acc_out(pos_out.size());
    std::vector<FrameObservables> obs;
    cuda_verlet_rollout<float>(spec, pos.data(), vel.data(), mass.data(), B, N, D, dt, stride, frames, pos_out.data(),
                               vel_out.data(), acc_out.data(), obs);
    const auto ref = with_pair_law<double>(spec, [&](auto law) {
      return cpu_rollout<double>(law, widen(pos), widen(vel), widen(mass), B, N, D, double(dt), stride, frames);
    });
    const std::string tag = "f32 1000 steps harmonic D=" + std::to_string(D);
    expect_close(tag + " pos", widen(pos_out), ref.pos, 2e-3 * rms(ref.pos), 2e-3);
    expect_close(tag + " vel", widen(vel_out), ref.vel, 2e-3 * rms(ref.vel), 2e-3);
    expect_close(tag + " acc", widen(acc_out), ref.acc, 2e-3 * rms(ref.acc), 2e-3);
    check_observables_of_frames<float>(spec, pos_out, vel_out, mass, obs, B, N, D, frames, 1e-5);
    for (int f = 0; f < frames; ++f)
      expect_close(tag + " K vs CPU f64 run, frame " + std::to_string(f), obs[f].kinetic, ref.obs[f].kinetic,
                   5e-3 * (ref.obs[f].kinetic[0] + ref.obs[f].potential[0]), 5e-3);
  }
}

TEST(CudaParity, TwoIdenticalRunsAreBitwiseEqual) {
  NOETHER_NEED_GPU();
  const int B = 3, N = 300, D = 3, frames = 5;
  const long stride = 25;
  const Batch s = random_batch(B, N, D, 5u);
  const PairLawSpec spec{PotentialKind::Gravity, 1, 1, 0.01, 0.05};
  const std::vector<float> pos = cast<float>(s.pos), vel = cast<float>(s.vel), mass = cast<float>(s.mass);
  const std::size_t n = std::size_t(B) * frames * N * D;
  std::vector<float> p1(n), v1(n), a1(n), p2(n), v2(n), a2(n);
  std::vector<FrameObservables> o1, o2;
  cuda_verlet_rollout<float>(spec, pos.data(), vel.data(), mass.data(), B, N, D, 1e-3f, stride, frames, p1.data(),
                             v1.data(), a1.data(), o1);
  cuda_verlet_rollout<float>(spec, pos.data(), vel.data(), mass.data(), B, N, D, 1e-3f, stride, frames, p2.data(),
                             v2.data(), a2.data(), o2);
  EXPECT_EQ(0, std::memcmp(p1.data(), p2.data(), n * sizeof(float)));
  EXPECT_EQ(0, std::memcmp(v1.data(), v2.data(), n * sizeof(float)));
  EXPECT_EQ(0, std::memcmp(a1.data(), a2.data(), n * sizeof(float)));
  ASSERT_EQ(o1.size(), o2.size());
  for (std::size_t f = 0; f < o1.size(); ++f) {
    EXPECT_EQ(o1[f].kinetic, o2[f].kinetic);  // exact double equality, element by element
    EXPECT_EQ(o1[f].potential, o2[f].potential);
    EXPECT_EQ(o1[f].momentum, o2[f].momentum);
    EXPECT_EQ(o1[f].angular, o2[f].angular);
  }
  std::vector<float> acc1(std::size_t(B) * N * D), acc2(acc1.size());
  cuda_accelerations<float>(spec, pos.data(), mass.data(), acc1.data(), B, N, D);
  cuda_accelerations<float>(spec, pos.data(), mass.data(), acc2.data(), B, N, D);
  EXPECT_EQ(0, std::memcmp(acc1.data(), acc2.data(), acc1.size() * sizeof(float)));
}

TEST(CudaParity, NonFiniteInitialStateThrowsNamingTrajectory) {
  NOETHER_NEED_GPU();
  const int B = 3, N = 5, D = 3;
  Batch s = random_batch(B, N, D, 3u);
  s.pos[(std::size_t(1) * N + 2) * D + 1] = std::numeric_limits<double>::quiet_NaN();  // trajectory 1
  std::vector<double> out(std::size_t(B) * 4 * N * D);
  std::vector<FrameObservables> obs;
  try {
    cuda_verlet_rollout<double>(PairLawSpec{}, s.pos.data(), s.vel.data(), s.mass.data(), B, N, D, 0.01, 10, 4,
                                out.data(), out.data(), out.data(), obs);
    FAIL() << "expected noether::Error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    std::printf("  message: %s\n", msg.c_str());
    EXPECT_NE(msg.find("trajectory 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("step 0"), std::string::npos) << msg;
  }
}

TEST(CudaParity, BlowUpDuringRolloutThrowsNamingTrajectoryAndStep) {
  NOETHER_NEED_GPU();
  // Trajectory 2 of a quartic spring system with an absurd dt diverges to Inf/NaN within a few steps;
  // trajectories 0 and 1 are at rest at the spring's rest length and stay finite.
  const int B = 3, N = 2, D = 2;
  std::vector<float> pos = {0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 3, 0}, vel(12, 0.f), mass(6, 1.f);
  const PairLawSpec spec{PotentialKind::NonlinearSpring, 1.0, 1.0, 1, 0};
  const int frames = 200;
  std::vector<float> out(std::size_t(B) * frames * N * D);
  std::vector<FrameObservables> obs;
  try {
    cuda_verlet_rollout<float>(spec, pos.data(), vel.data(), mass.data(), B, N, D, 1.0f, 1, frames, out.data(),
                               out.data(), out.data(), obs);
    FAIL() << "expected noether::Error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    std::printf("  message: %s\n", msg.c_str());
    EXPECT_NE(msg.find("trajectory 2"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("step 0,"), std::string::npos) << msg;
    EXPECT_NE(msg.find("t = "), std::string::npos) << msg;
  }
}

namespace {

/// A learned law: a random [1, 16, 16, 1] squareplus pair MLP with non-trivial scaling.
PairLawSpec random_learned_law(unsigned seed, InputTransform input = InputTransform::None) {
  auto L = std::make_shared<LearnedPotential>();
  L->shape = MlpShape{{1, 16, 16, 1}, Activation::Squareplus};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  L->params.resize(L->shape.parameter_count());
  for (auto& p : L->params) p = u(rng);
  L->scaling = input == InputTransform::Log ? PairScaling{0.2, 0.8, 0.3, 0.0, input} : PairScaling{1.2, 0.8, 0.3, 0.0};
  PairLawSpec spec;
  spec.kind = PotentialKind::Learned;
  spec.learned = L;
  return spec;
}

}  // namespace

TEST(CudaParity, LearnedLawForcesAndRolloutMatchCpu) {
  NOETHER_NEED_GPU();
  ASSERT_TRUE(cuda_learned_rollout_available());
  for (InputTransform input : {InputTransform::None, InputTransform::Log})
  for (int D : {2, 3}) {
    const PairLawSpec spec = random_learned_law(17u, input);
    const int B = 2, N = 45, frames = 6;
    const long stride = 40;  // 200 steps
    const Batch s = random_batch(B, N, D, 31u + unsigned(D), 1.5, 0.2);
    std::vector<double> acc(s.pos.size()), ref(s.pos.size());
    cuda_accelerations<double>(spec, s.pos.data(), s.mass.data(), acc.data(), B, N, D);
    with_pair_law<double>(spec, [&](auto law) { accelerations_cpu(law, s.pos.data(), s.mass.data(), ref.data(), B, N, D); });
    expect_close("f64 learned acc D=" + std::to_string(D), acc, ref, 1e-12 * rms(ref), 1e-11);
    std::vector<double> pos_out(std::size_t(B) * frames * N * D), vel_out(pos_out.size()), acc_out(pos_out.size());
    std::vector<FrameObservables> obs;
    cuda_verlet_rollout<double>(spec, s.pos.data(), s.vel.data(), s.mass.data(), B, N, D, 0.005, stride, frames,
                                pos_out.data(), vel_out.data(), acc_out.data(), obs);
    const auto cpu = with_pair_law<double>(spec, [&](auto law) {
      return cpu_rollout<double>(law, s.pos, s.vel, s.mass, B, N, D, 0.005, stride, frames);
    });
    expect_close("f64 learned 200 steps pos D=" + std::to_string(D), pos_out, cpu.pos, 1e-10, 1e-10);
    expect_close("f64 learned 200 steps vel D=" + std::to_string(D), vel_out, cpu.vel, 1e-10, 1e-10);
    for (int f = 0; f < frames; ++f)
      expect_close("f64 learned U frame " + std::to_string(f), obs[f].potential, cpu.obs[f].potential, 1e-10, 1e-10);
  }
}

// The tail policy (physics/pair_tail.hpp) travels inside the evaluator: the kernels apply the same law as the CPU.
TEST(CudaParity, LearnedLawWithTailMatchesCpu) {
  NOETHER_NEED_GPU();
  ASSERT_TRUE(cuda_learned_rollout_available());
  const PairLawSpec raw = random_learned_law(17u);
  std::vector<PairTailSpec> tails{zero_tail(1.5, 2.5)};
  for (double r_hi = 1.0; r_hi < 3.0; r_hi += 0.05) {  // a power tail where the network allows one
    const PairJet<double> j = with_pair_mlp<double>(raw.learned->shape, raw.learned->params.data(), raw.learned->scaling,
                                                    [&](const auto& m) { return m.network_jets(r_hi); });
    if (j.dV != 0 && -r_hi * j.d2V / j.dV - 1 > 0.2) {  // n > 0: a decaying force
      tails.push_back(power_tail(r_hi, j.V, j.dV, j.d2V));
      break;
    }
  }
  for (const PairTailSpec& tail : tails) {
    auto L = std::make_shared<LearnedPotential>(*raw.learned);
    L->tail = tail;
    PairLawSpec spec = raw;
    spec.learned = L;
    const int B = 2, N = 45, D = 3, frames = 6;
    const long stride = 40;
    const Batch s = random_batch(B, N, D, 34u, 1.5, 0.2);
    std::vector<double> acc(s.pos.size()), ref(s.pos.size()), untailed(s.pos.size());
    cuda_accelerations<double>(spec, s.pos.data(), s.mass.data(), acc.data(), B, N, D);
    with_pair_law<double>(spec, [&](auto law) { accelerations_cpu(law, s.pos.data(), s.mass.data(), ref.data(), B, N, D); });
    with_pair_law<double>(raw, [&](auto law) { accelerations_cpu(law, s.pos.data(), s.mass.data(), untailed.data(), B, N, D); });
    const std::string name = std::string("tail ") + tail_policy_name(tail.policy);
    expect_close(name + " acc", acc, ref, 1e-12 * rms(ref), 1e-11);
    EXPECT_NE(ref, untailed) << name << ": the tail must act on this batch";
    std::vector<double> pos_out(std::size_t(B) * frames * N * D), vel_out(pos_out.size()), acc_out(pos_out.size());
    std::vector<FrameObservables> obs;
    cuda_verlet_rollout<double>(spec, s.pos.data(), s.vel.data(), s.mass.data(), B, N, D, 0.005, stride, frames,
                                pos_out.data(), vel_out.data(), acc_out.data(), obs);
    const auto cpu = with_pair_law<double>(spec, [&](auto law) {
      return cpu_rollout<double>(law, s.pos, s.vel, s.mass, B, N, D, 0.005, stride, frames);
    });
    expect_close(name + " 200 steps pos", pos_out, cpu.pos, 1e-10, 1e-10);
    for (int f = 0; f < frames; ++f)
      expect_close(name + " U frame " + std::to_string(f), obs[f].potential, cpu.obs[f].potential, 1e-10, 1e-10);
  }
}
