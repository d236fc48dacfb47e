// run/bench_scaling.cpp — the scaling sweep of `noether bench --scaling` (run/bench_scaling.hpp).
#include "run/bench_scaling.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "noether/core/memory.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/io/table_file.hpp"
#include "noether/physics/bench.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/simulate.hpp"

namespace noether {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kDensity = 0.8, kCutoff = 2.5, kROn = 2.0, kSkin = 0.3, kPi = 3.14159265358979323846;

/// Law FLOPs per pair inside r_c (run/bench_scaling.hpp).
constexpr double kLjFlops = 36, kTableFlops = 40, kSwitchFlops = 16;

/// A learned pair law with the benchmarks' fixed weights (physics/bench.hpp bench_mlp_params) and an output scale of 1e-3, so that
/// the lattice barely feels it: the timing is the network's whatever it learned.
ModelFile bench_model() {
  ModelFile m;
  m.model = "mclnn";
  m.shape = bench_mlp_shape(16);
  m.params = bench_mlp_params(m.shape);
  m.output_scaling.shift = {0.0};
  m.output_scaling.scale = {1e-3};
  return m;
}

/// Seconds from the second saved frame to the last (the progress callback fires after each frame from the second on):
/// the setup — sampling, the first list and force pass — and the first interval (warm-up) are not timed.
double frame_span_seconds(const SimulationConfig& cfg) {
  std::chrono::steady_clock::time_point first, last;
  simulate(cfg, DeviceChoice::Cpu, [&](int done, int) {
    last = std::chrono::steady_clock::now();
    if (done == 2) first = last;
  });
  return std::chrono::duration<double>(last - first).count();
}

/// Steps per second of `system` at fcc cells c with the given neighbor method: 3 intervals of `stride` steps between
/// saved frames, timed from the second frame on; the stride is chosen from a 1-step probe so that the run takes about
/// min_seconds.
double steps_per_second(const json& system, int cells, const std::string& method, double min_seconds) {
  constexpr int kIntervals = 3;
  auto config = [&](long stride) {
    const json j = {{"system", system},
                    {"initial_state", {{"sampler", "fcc"}, {"cells", cells}, {"density", kDensity}, {"temperature", 1.0}, {"seed", 1}}},
                    {"neighbor", {{"method", method}, {"skin", kSkin}}},
                    {"integrator", {{"method", "verlet"}, {"dt", 0.005}, {"stride", stride}, {"frames", kIntervals + 2}}}};
    return parse_simulation_config(j, "noether bench --scaling");
  };
  const double per_step = std::max(frame_span_seconds(config(1)) / kIntervals, 1e-7);
  const long stride = std::clamp(long(min_seconds / (kIntervals * per_step)), 1L, 1000L);
  if (stride == 1) return 1.0 / per_step;
  return double(kIntervals * stride) / std::max(frame_span_seconds(config(stride)), 1e-9);
}

}  // namespace

double cpu_fp64_peak_flops(std::string& how) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
#if defined(__AVX512F__)
  const int lanes = 8;
  const char* isa = "AVX-512";
#elif defined(__AVX2__) || defined(__AVX__)
  const int lanes = 4;
  const char* isa = "AVX2";
#else
  const int lanes = 2;
  const char* isa = "SSE2";
#endif
  double mhz = 0;
  int family = 0;
  std::string vendor;
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  auto value = [&](const std::string& l) { return std::istringstream(l.substr(l.find(':') + 1)); };
  while ((mhz == 0 || family == 0 || vendor.empty()) && std::getline(f, line)) {
    if (line.rfind("cpu MHz", 0) == 0) value(line) >> mhz;
    else if (line.rfind("cpu family", 0) == 0) value(line) >> family;
    else if (line.rfind("vendor_id", 0) == 0) value(line) >> vendor;
  }
  if (!(mhz > 0)) mhz = 2000;
  // Two FMA units of the build's width per core (Intel Xeon Scalable, AMD's 256-bit AVX2 units); AMD family 25
  // (Zen 4) runs a 512-bit FMA as two halves on its two 256-bit units: one zmm FMA per cycle.
  const int fma_units = lanes == 8 && vendor == "AuthenticAMD" && family == 25 ? 1 : 2;
  const double peak = double(cores) * lanes * fma_units * 2 * mhz * 1e6;
  std::ostringstream s;
  s << cores << " cores x " << lanes << " FP64 lanes (" << isa << " build) x " << fma_units << " FMA unit"
    << (fma_units > 1 ? "s" : "") << (fma_units == 1 ? " (Zen 4: 512-bit FMAs in two halves)" : "") << " x 2 x "
    << mhz << " MHz (/proc/cpuinfo) = " << peak * 1e-9 << " GFLOP/s";
  how = s.str();
  return peak;
}

std::vector<ScalingPoint> run_scaling(const ScalingOptions& opt, const std::function<void(const ScalingPoint&)>& on_point) {
  std::string how;
  const double peak = opt.peak_flops > 0 ? opt.peak_flops : cpu_fp64_peak_flops(how);
  const fs::path tmp = fs::temp_directory_path() / ("noether-bench-scaling-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  const ModelFile model = bench_model();
  const std::string model_path = (tmp / "model.json").string(), table_path = (tmp / "table.json").string();
  save_model_file(model_path, model);
  save_pair_table_file(table_path, build_pair_table(learned_pair_law(model), 0.5, kCutoff));
  const json cut = {{"cutoff", kCutoff}, {"smoothing", "switch"}, {"r_on", kROn}};
  struct Law {
    std::string name;
    json system;
    double flops;
  };
  json lj = {{"potential", "lennard_jones"}, {"epsilon", 1.0}, {"sigma", 1.0}};
  json mlp = {{"potential", "file"}, {"file", model_path}}, tab = {{"potential", "file"}, {"file", table_path}};
  for (json* j : {&lj, &mlp, &tab}) j->update(cut);
  const std::vector<Law> laws = {{"lennard_jones", lj, kLjFlops},
                                 {"mlp[16,16]", mlp, pair_mlp_slope_flops(model.shape) + kSwitchFlops},
                                 {"table", tab, kTableFlops}};
  const double inside = 4.0 / 3.0 * kPi * std::pow(kCutoff, 3) * kDensity;
  const double listed = 4.0 / 3.0 * kPi * std::pow(kCutoff + kSkin, 3) * kDensity;
  std::vector<ScalingPoint> out;
  std::vector<int> cells = opt.cells;
  std::sort(cells.begin(), cells.end());
  try {
    for (int c : cells) {
      const int N = 4 * c * c * c;
      for (const char* method : {"all_pairs", "cell"}) {
        const bool all = std::string(method) == "all_pairs";
        if (all && N > opt.all_pairs_max_n) continue;
        for (const Law& law : laws) {
          ScalingPoint p;
          p.method = all ? "all_pairs" : "neighbor_list";
          p.law = law.name;
          p.N = N;
          p.steps_per_s = steps_per_second(law.system, c, method, opt.min_seconds);
          p.atom_steps_per_s = p.steps_per_s * N;
          p.flops_per_atom_step = (all ? double(N - 1) : listed) * 12 + inside * (law.flops + 6);
          p.bound_steps_per_s = peak / (double(N) * p.flops_per_atom_step);
          p.peak_memory_bytes = peak_resident_bytes();
          out.push_back(p);
          if (on_point) on_point(p);
        }
      }
    }
  } catch (...) {
    fs::remove_all(tmp);
    throw;
  }
  fs::remove_all(tmp);
  return out;
}

}  // namespace noether
