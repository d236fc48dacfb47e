// physics/bench.cpp — the benchmark sweeps behind `noether bench` (CPU timings with steady_clock over a
// minimum time window; GPU timings with CUDA events after warm-up, inside kernels/).
#include "noether/physics/bench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "noether/physics/cuda.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/verlet.hpp"

namespace noether {
namespace {

const char* law_name(PotentialKind k) {
  return k == PotentialKind::Gravity ? "gravity" : k == PotentialKind::LinearSpring ? "linear_spring" : "nonlinear_spring";
}

/// A random cloud of B·N particles in a box of side ~N^{1/3} (density ~1), unit masses.
template <typename T>
void make_cloud(int B, int N, std::vector<T>& pos, std::vector<T>& vel, std::vector<T>& mass) {
  std::mt19937_64 rng(1234);
  std::uniform_real_distribution<double> u(-1, 1);
  const double side = std::cbrt(double(N));
  pos.resize(std::size_t(B) * N * 3), vel.resize(pos.size()), mass.assign(std::size_t(B) * N, T(1));
  for (auto& x : pos) x = T(side * u(rng));
  for (auto& v : vel) v = T(0.01 * u(rng));
}

/// Seconds per call of fn, repeated until at least `window` seconds have passed (after one warm-up).
template <typename Fn>
double seconds_per_call(Fn&& fn, double window) {
  fn();
  long calls = 0;
  const auto t0 = std::chrono::steady_clock::now();
  double el = 0;
  do {
    fn();
    ++calls;
    el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } while (el < window);
  return el / double(calls);
}

template <typename T>
BenchPoint measure(bool gpu, const PairLawSpec& spec, int N, int B, const BenchOptions& opt, double peak) {
  std::vector<T> pos, vel, mass, acc;
  make_cloud(B, N, pos, vel, mass);
  acc.resize(pos.size());
  const double pairs = double(B) * N * (N - 1);
  const double window = opt.quick ? 0.05 : 0.3;
  const T dt = T(1e-4);
  BenchPoint p;
  p.device = gpu ? "cuda" : "cpu";
  p.law = law_name(spec.kind);
  p.precision = sizeof(T) == 4 ? "float32" : "float64";
  p.N = N, p.B = B;
  double t_force, t_step;
  if (gpu) {
    // Enough repetitions for ~window seconds, estimated from one timed call.
    const double one = cuda_time_accelerations<T>(spec, pos.data(), mass.data(), B, N, 3, 1);
    const int reps = int(std::min(1e5, std::max(3.0, window / std::max(one, 1e-7))));
    t_force = cuda_time_accelerations<T>(spec, pos.data(), mass.data(), B, N, 3, reps) / reps;
    const long steps = std::max(3L, long(window / std::max(t_force, 1e-7)));
    t_step = cuda_time_verlet_steps<T>(spec, pos.data(), vel.data(), mass.data(), B, N, 3, dt, steps) / double(steps);
  } else {
    with_pair_law<T>(spec, [&](auto law) {
      t_force = seconds_per_call([&] { accelerations_cpu(law, pos.data(), mass.data(), acc.data(), B, N, 3); }, window);
      accelerations_cpu(law, pos.data(), mass.data(), acc.data(), B, N, 3);
      t_step = seconds_per_call(
          [&] { verlet_steps_cpu(law, pos.data(), vel.data(), acc.data(), mass.data(), B, N, 3, dt, 1); }, window);
    });
  }
  p.interactions_per_s = pairs / t_force;
  p.steps_per_s = 1.0 / t_step;
  p.flops_per_interaction = flops_per_interaction(spec.kind);
  p.gflops = p.interactions_per_s * p.flops_per_interaction * 1e-9;
  if (gpu && peak > 0 && sizeof(T) == 4) p.fraction_of_fp32_peak = p.gflops * 1e9 / peak;
  return p;
}

/// All-pairs force evaluation with the learned potential [1, hidden, hidden, 1] (no Verlet step).
template <typename T>
BenchPoint measure_mlp(bool gpu, int hidden, int N, int B, const BenchOptions& opt, double peak) {
  const MlpShape shape = bench_mlp_shape(hidden);
  const std::vector<double> p64 = bench_mlp_params(shape);
  const std::vector<T> params(p64.begin(), p64.end());
  const PairScaling scaling{};
  std::vector<T> pos, vel, mass, acc;
  make_cloud(B, N, pos, vel, mass);
  acc.resize(pos.size());
  const double pairs = double(B) * N * (N - 1);
  const double window = opt.quick ? 0.05 : 0.3;
  BenchPoint p;
  p.device = gpu ? "cuda" : "cpu";
  p.law = "mlp[" + std::to_string(hidden) + "," + std::to_string(hidden) + "]";
  p.precision = sizeof(T) == 4 ? "float32" : "float64";
  p.N = N, p.B = B;
  double t_force;
  if (gpu) {
    const double one = cuda_time_mlp_accelerations<T>(shape, params.data(), scaling, pos.data(), mass.data(), B, N, 3, 1);
    const int reps = int(std::min(1e5, std::max(3.0, window / std::max(one, 1e-7))));
    t_force = cuda_time_mlp_accelerations<T>(shape, params.data(), scaling, pos.data(), mass.data(), B, N, 3, reps) / reps;
  } else {
    t_force = with_pair_mlp<T>(shape, params.data(), scaling, [&](const auto& mlp) {
      return seconds_per_call([&] { accelerations_cpu(mlp, pos.data(), mass.data(), acc.data(), B, N, 3); }, window);
    });
  }
  p.interactions_per_s = pairs / t_force;
  // The CPU evaluates each unordered pair once where they fit (physics/forces_symmetric.hpp).
  p.flops_per_interaction = !gpu && symmetric_pairs_fit(B, N) ? mlp_flops_per_interaction_symmetric(shape)
                                                               : mlp_flops_per_interaction(shape);
  p.gflops = p.interactions_per_s * p.flops_per_interaction * 1e-9;
  if (gpu && peak > 0 && sizeof(T) == 4) p.fraction_of_fp32_peak = p.gflops * 1e9 / peak;
  return p;
}

}  // namespace

double flops_per_interaction(PotentialKind kind) { return kind == PotentialKind::Gravity ? 20.0 : 0.0; }

std::vector<double> bench_mlp_params(const MlpShape& shape) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> p(shape.parameter_count());
  for (int l = 1; l <= shape.layers(); ++l) {
    const double a = std::sqrt(6.0 / (shape.widths[l - 1] + shape.widths[l]));
    for (std::size_t k = shape.weight_offset(l); k < shape.bias_offset(l); ++k) p[k] = a * u(rng);
    for (int k = 0; k < shape.widths[l]; ++k) p[shape.bias_offset(l) + k] = 0.1 * u(rng);
  }
  return p;
}

MlpShape bench_mlp_shape(int hidden) {
  MlpShape s;
  s.widths = {1, hidden, hidden, 1};
  s.activation = Activation::Squareplus;
  return s;
}

double mlp_flops_per_interaction(const MlpShape& shape) {
  // Around the MLP, per ordered pair in D = 3 (physics/allpairs.cuh / physics/forces.hpp; FMA = 2):
  //   d = qi − qj [3], r² = Σ d² [6], r = √r² [1], f_over_r = −V′/r [1], f += f_over_r·d [6]  = 17.
  return pair_mlp_slope_flops(shape) + 17.0;
}

double mlp_flops_per_interaction_symmetric(const MlpShape& shape) {
  // Per unordered pair (half an ordered pair's share): d [3], r² [6], r = √r² [1], f_over_r [1] and the MLP; per
  // ordered pair: d = qi − qj again [3] and f += s·d [6].  (MLP + 11) / 2 + 9.
  return (pair_mlp_slope_flops(shape) + 11.0) / 2 + 9.0;
}

std::vector<BenchPoint> run_benchmarks(const BenchOptions& opt, void (*on_point)(const BenchPoint&)) {
  std::vector<BenchPoint> out;
  const PairLawSpec laws[] = {{PotentialKind::Gravity, 1, 1, 1, 0.01}, {PotentialKind::LinearSpring, 1, 1, 1, 0}};
  auto add = [&](const BenchPoint& p) {
    out.push_back(p);
    if (on_point) on_point(p);
  };
  auto sweep = [&](bool gpu, int n_min, int n_max, int n_fixed, std::vector<int> batches) {
    const double peak = gpu ? cuda_fp32_peak_flops() : 0.0;
    for (const auto& law : laws) {
      for (int N = n_min; N <= n_max; N *= (opt.quick ? 4 : 2))
        add(opt.float64 ? measure<double>(gpu, law, N, 1, opt, peak) : measure<float>(gpu, law, N, 1, opt, peak));
      for (int B : batches)
        add(opt.float64 ? measure<double>(gpu, law, n_fixed, B, opt, peak) : measure<float>(gpu, law, n_fixed, B, opt, peak));
    }
  };
  auto sweep_mlp = [&](bool gpu, std::vector<int> Ns, int n_fixed, std::vector<int> batches) {
    const double peak = gpu ? cuda_fp32_peak_flops() : 0.0;
    for (int hidden : {10, 16}) {
      auto one = [&](int N, int B) {
        add(opt.float64 ? measure_mlp<double>(gpu, hidden, N, B, opt, peak)
                        : measure_mlp<float>(gpu, hidden, N, B, opt, peak));
      };
      for (int N : Ns) one(N, 1);
      for (int B : batches) one(n_fixed, B);
    }
  };
  if (opt.cpu) sweep(false, 16, opt.quick ? 256 : opt.cpu_max_n, 64, opt.quick ? std::vector<int>{1, 16} : std::vector<int>{1, 4, 16, 64, 256});
  if (opt.cuda && cuda_device_available())
    sweep(true, 64, opt.quick ? 4096 : opt.gpu_max_n, 256, opt.quick ? std::vector<int>{1, 64} : std::vector<int>{1, 16, 64, 256, 400, 1024});
  if (opt.cpu) {
    // ~1,500 FLOPs per pair on one core: N = 2048 takes ~seconds per evaluation, so the CPU stops there.
    std::vector<int> Ns;
    for (int N : {64, 256, 1024, 2048})
      if (N <= opt.cpu_max_n && (!opt.quick || N <= 256)) Ns.push_back(N);
    if (Ns.empty()) Ns.push_back(opt.cpu_max_n);
    sweep_mlp(false, Ns, 64, opt.quick ? std::vector<int>{} : std::vector<int>{16});
  }
  if (opt.cuda && cuda_device_available()) {
    std::vector<int> Ns;
    for (int N = 1024; N <= (opt.quick ? 4096 : opt.gpu_max_n); N *= 4) Ns.push_back(N);
    sweep_mlp(true, Ns, 256, opt.quick ? std::vector<int>{64} : std::vector<int>{16, 64, 256, 1024});
  }
  return out;
}

}  // namespace noether
