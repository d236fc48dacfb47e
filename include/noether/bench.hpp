// bench.hpp — throughput measurements of the all-pairs force evaluation and the Verlet step.
#pragma once
#include <string>
#include <vector>

#include "noether/pair_laws.hpp"

namespace noether {

/// One measured point. interactions = B · N · (N − 1) ordered pairs per force evaluation.
struct BenchPoint {
  std::string device;       ///< "cpu" or "cuda"
  std::string law;          ///< "gravity", "linear_spring", ...
  std::string precision;    ///< "float32" / "float64"
  int N = 0, B = 0;
  double interactions_per_s = 0;  ///< force evaluations only
  double steps_per_s = 0;         ///< full Verlet steps of the whole batch
  double gflops = 0;              ///< 20 FLOPs per gravity interaction (GPU Gems 3 ch. 31); 0 for springs
  double fraction_of_fp32_peak = 0;  ///< GPU float32 gravity only
};

struct BenchOptions {
  bool cpu = true, cuda = true;
  bool quick = false;      ///< shorter sweeps and timing windows (CI)
  bool float64 = false;    ///< measure float64 instead of float32
  int cpu_max_n = 4096;
  int gpu_max_n = 65536;
};

/// FLOPs counted per interaction of a law (gravity: 20, as GPU Gems 3; springs: 0 = not counted).
double flops_per_interaction(PotentialKind kind);

/// Run the sweeps: N (B = 1) and trajectories B at fixed N, for gravity and the linear spring.
/// on_point is called after each measurement (for live tables).
std::vector<BenchPoint> run_benchmarks(const BenchOptions& opt, void (*on_point)(const BenchPoint&) = nullptr);

}  // namespace noether
