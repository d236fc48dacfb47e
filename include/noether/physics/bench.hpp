// physics/bench.hpp — throughput measurements of the all-pairs force evaluation (analytic laws and the learned
// pair-MLP potential) and the Verlet step.
#pragma once
#include <string>
#include <vector>

#include "noether/nn/mlp_layout.hpp"
#include "noether/physics/pair_laws.hpp"

namespace noether {

/// One measured point. interactions = B · N · (N − 1) ordered pairs per force evaluation.
struct BenchPoint {
  std::string device;       ///< "cpu" or "cuda"
  std::string law;          ///< "gravity", "linear_spring", ..., "mlp[16,16]" (learned, squareplus)
  std::string precision;    ///< "float32" / "float64"
  int N = 0, B = 0;
  double interactions_per_s = 0;  ///< force evaluations only
  double steps_per_s = 0;         ///< full Verlet steps of the whole batch; 0 = not measured (MLP points)
  double flops_per_interaction = 0;  ///< counted FLOPs per pair (flops_per_interaction / mlp_flops_per_interaction)
  double gflops = 0;              ///< interactions_per_s · flops_per_interaction; 0 for springs (not counted)
  double fraction_of_fp32_peak = 0;  ///< GPU float32 gravity and MLP points only
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

/// The learned potentials the bench measures: squareplus MLP [1, hidden, hidden, 1].
MlpShape bench_mlp_shape(int hidden);

/// Fixed pseudo-random parameters of a bench MLP (Glorot-uniform weights, biases in ±0.1; seed 7): the learned law
/// every benchmark times (`noether bench`, `--scaling`).
std::vector<double> bench_mlp_params(const MlpShape& shape);

/// FLOPs counted per ordered pair of the all-pairs force evaluation with a pair MLP of `shape`, D = 3:
/// pair_mlp_slope_flops(shape) (V and V′, derivation in PairMlp::value_and_slope) + 17 for the kernel
/// around it (d = qi − qj: 3, r² = Σ d²: 6, √r²: 1, f_over_r = −V′/r: 1, f += f_over_r·d: 6).
/// [1,16,16,1]: 1477 + 17 = 1494; [1,10,10,1]: 685 + 17 = 702.
double mlp_flops_per_interaction(const MlpShape& shape);
/// The same per ordered pair when each unordered pair is evaluated once (the CPU's all-pairs path,
/// physics/forces_symmetric.hpp): (MLP + 11) / 2 + 9.
double mlp_flops_per_interaction_symmetric(const MlpShape& shape);

/// Run the sweeps: N (B = 1) and trajectories B at fixed N, for gravity and the linear spring; then
/// all-pairs forces of the learned potentials [10,10] and [16,16] against N (force evaluation only).
/// on_point is called after each measurement (for live tables).
std::vector<BenchPoint> run_benchmarks(const BenchOptions& opt, void (*on_point)(const BenchPoint&) = nullptr);

}  // namespace noether
