// cli/bench.cpp — `noether bench [--device auto|cpu|cuda] [--quick] [--json OUT.json]`: throughput
// tables (pair interactions/s, steps/s, counted FLOPs, fraction of FP32 peak on a GPU) for the analytic
// laws and the learned pair-MLP potentials [10,10] and [16,16], and the same as JSON; `--scaling`: steps/s and memory
// against N with neighbor lists and all pairs, beside the FP64 peak's bound (run/bench_scaling.hpp), and a plot.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "noether/physics/bench.hpp"
#include "noether/physics/config.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/core/error.hpp"
#include "noether/io/json_file.hpp"
#include "noether/core/memory.hpp"
#include "run/bench_scaling.hpp"
#include "run/plot_script.hpp"

namespace noether {

namespace {

/// `noether bench --scaling` (run/bench_scaling.hpp): a table on stdout, the points as JSON and a plot.
void run_scaling_command(const std::string& device, const std::string& json_path, bool quick, double peak_gflops,
                         bool no_plot) {
  NOETHER_REQUIRE(device == "auto" || device == "cpu",
                  "--device " << device << ": --scaling measures the CPU (the GPU neighbor lists are not timed yet); use "
                                           "--device cpu or auto");
  NOETHER_REQUIRE(peak_gflops >= 0 && std::isfinite(peak_gflops), "--peak-gflops: expected a value > 0, got " << peak_gflops);
  if (!json_path.empty()) {  // the output's folder, before minutes of measuring
    const std::filesystem::path parent = std::filesystem::absolute(json_path).parent_path();
    NOETHER_REQUIRE(std::filesystem::is_directory(parent),
                    "--json: the folder " << parent.string() << " of '" << json_path << "' does not exist");
  }
  ScalingOptions opt;
  if (quick) opt.cells = {4, 8, 12}, opt.all_pairs_max_n = 2048, opt.min_seconds = 0.3;
  std::string how = "--peak-gflops";
  opt.peak_flops = peak_gflops > 0 ? peak_gflops * 1e9 : cpu_fp64_peak_flops(how);
  std::printf("# noether bench --scaling — FP64 peak %.1f GFLOP/s (%s)\n%-14s %-14s %9s %12s %14s %12s %12s %10s\n",
              opt.peak_flops * 1e-9, how.c_str(), "method", "law", "N", "steps/s", "atom-steps/s", "FLOP/atom", "bound",
              "memory");
  const auto points = run_scaling(opt, [](const ScalingPoint& p) {
    std::printf("%-14s %-14s %9d %12.4g %14.4g %12.4g %11.2f%% %10s\n", p.method.c_str(), p.law.c_str(), p.N, p.steps_per_s,
                p.atom_steps_per_s, p.flops_per_atom_step, 100 * p.steps_per_s / p.bound_steps_per_s,
                format_bytes(p.peak_memory_bytes).c_str());
    std::fflush(stdout);
  });
  if (json_path.empty()) return;
  nlohmann::json j = {{"fp64_peak_flops", opt.peak_flops}, {"peak_from", how}, {"density", 0.8}, {"cutoff", 2.5},
                      {"points", nlohmann::json::array()}};
  for (const auto& p : points)
    j["points"].push_back({{"method", p.method}, {"law", p.law}, {"N", p.N}, {"steps_per_s", p.steps_per_s},
                           {"atom_steps_per_s", p.atom_steps_per_s}, {"flops_per_atom_step", p.flops_per_atom_step},
                           {"bound_steps_per_s", p.bound_steps_per_s}, {"peak_memory_bytes", p.peak_memory_bytes}});
  write_text_file_atomic(json_path, j.dump(1) + "\n");
  std::printf("wrote %s\n", json_path.c_str());
  if (no_plot) return;
  const std::filesystem::path jp = std::filesystem::absolute(json_path);
  const std::string note = run_plot_script("plot_bench_scaling.py", jp.parent_path().string(), "'" + jp.string() + "'");
  std::filesystem::path png = jp;
  png.replace_extension(".png");
  std::printf("%s\n", note.empty() ? ("wrote " + png.string()).c_str() : note.c_str());
}

}  // namespace

void add_bench_command(CLI::App& app) {
  struct Opts {
    std::string device = "auto", json;
    bool quick = false, float64 = false;
    int cpu_max_n = 4096, gpu_max_n = 65536;
    bool scaling = false, no_plot = false;
    double peak_gflops = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("bench", "Measure all-pairs interactions/s and Verlet steps/s against N and trajectories");
  cmd->add_option("--device", o->device, "auto (CPU, plus CUDA when usable) | cpu | cuda");
  cmd->add_option("--json", o->json, "also write the points as JSON to this file");
  cmd->add_flag("--quick", o->quick, "short sweeps and timing windows");
  cmd->add_flag("--float64", o->float64, "measure float64 instead of float32");
  cmd->add_option("--cpu-max-n", o->cpu_max_n, "largest N on the CPU")->check(CLI::Range(16, 1 << 16));
  cmd->add_option("--gpu-max-n", o->gpu_max_n, "largest N on the GPU")->check(CLI::Range(64, 1 << 24));
  cmd->add_flag("--scaling", o->scaling,
                "instead: Verlet steps/s and memory against N (500 to 1,000,188; --quick: 256 to 6,912) of the LJ liquid "
                "with neighbor lists and all pairs, for analytic, learned and tabulated laws, beside the FP64 peak's "
                "bound (CPU; with --json, a plot next to it: docs/PERFORMANCE.md)");
  cmd->add_option("--peak-gflops", o->peak_gflops,
                  "--scaling: the CPU's FP64 peak in GFLOP/s for the bound (default: estimated from /proc/cpuinfo)");
  cmd->add_flag("--no-plot", o->no_plot, "--scaling: write the JSON only");
  cmd->callback([o] {
    if (o->scaling) return run_scaling_command(o->device, o->json, o->quick, o->peak_gflops, o->no_plot);
    NOETHER_REQUIRE(o->peak_gflops == 0, "--peak-gflops: only with --scaling");
    NOETHER_REQUIRE(!o->no_plot, "--no-plot: only with --scaling");
    const DeviceChoice dev = parse_device(o->device, "--device");
    train_on_cuda(dev, "--device");  // cuda without a usable device: the error
    BenchOptions opt;
    opt.cpu = dev != DeviceChoice::Cuda;
    opt.cuda = dev != DeviceChoice::Cpu;
    opt.quick = o->quick, opt.float64 = o->float64, opt.cpu_max_n = o->cpu_max_n, opt.gpu_max_n = o->gpu_max_n;
    const double peak = cuda_device_available() ? cuda_fp32_peak_flops() : 0.0;
    std::printf("# noether bench — GPU: %s", cuda_device_description().c_str());
    if (peak > 0) std::printf(" (FP32 peak %.1f TFLOP/s)", peak * 1e-12);
    std::printf("\n%-6s %-16s %-8s %8s %6s %16s %14s %10s %10s %10s\n", "device", "law", "prec", "N", "B",
                "interactions/s", "steps/s", "FLOP/pair", "GFLOP/s", "of FP32");
    const auto points = run_benchmarks(opt, [](const BenchPoint& p) {
      char steps[32] = "n/a", peak_frac[32] = "n/a";
      if (p.steps_per_s > 0) std::snprintf(steps, sizeof steps, "%.4e", p.steps_per_s);
      if (p.fraction_of_fp32_peak > 0) std::snprintf(peak_frac, sizeof peak_frac, "%.1f%%", 100 * p.fraction_of_fp32_peak);
      std::printf("%-6s %-16s %-8s %8d %6d %16.4e %14s %10.0f %10.1f %10s\n", p.device.c_str(), p.law.c_str(),
                  p.precision.c_str(), p.N, p.B, p.interactions_per_s, steps, p.flops_per_interaction, p.gflops,
                  peak_frac);
      std::fflush(stdout);
    });
    if (!o->json.empty()) {
      nlohmann::json j;
      j["gpu"] = cuda_device_description();
      j["fp32_peak_flops"] = peak;
      j["flops_per_gravity_interaction"] = flops_per_interaction(PotentialKind::Gravity);
      for (int hidden : {10, 16})
        j["flops_per_mlp_interaction"]["mlp[" + std::to_string(hidden) + "," + std::to_string(hidden) + "]"] =
            mlp_flops_per_interaction(bench_mlp_shape(hidden));
      for (const auto& p : points)
        j["points"].push_back({{"device", p.device}, {"law", p.law}, {"precision", p.precision}, {"N", p.N}, {"B", p.B},
                               {"interactions_per_s", p.interactions_per_s}, {"steps_per_s", p.steps_per_s},
                               {"flops_per_interaction", p.flops_per_interaction}, {"gflops", p.gflops},
                               {"fraction_of_fp32_peak", p.fraction_of_fp32_peak}});
      write_text_file_atomic(o->json, j.dump(2) + "\n");
      std::printf("wrote %s\n", o->json.c_str());
    }
  });
}

}  // namespace noether
