// cli/simulate.cpp — `noether simulate CONFIG [-o OUT.npz] [--device auto|cpu|cuda]`.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/physics/simulate.hpp"
#include "run/progress.hpp"

namespace noether {

void add_simulate_command(CLI::App& app) {
  struct Opts {
    std::string config, output, device;
    bool quiet = false;
    double support_warn = kSupportWarnDefault;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("simulate", "Simulate a ground-truth system from a JSON config; writes a .npz trajectory");
  cmd->add_option("config", opts->config, "simulation config (JSON, see docs/CONFIG.md)")->required();
  cmd->add_option("-o,--output", opts->output, "output .npz (default: the config's \"output\", else <config name>.npz)");
  cmd->add_option("--device", opts->device, "auto | cpu | cuda (overrides the config's \"device\")");
  cmd->add_option("--support-warn", opts->support_warn,
                  "learned or tabulated laws: warn when more than this fraction of the pair visits (saved frames) lie "
                  "outside the distances the law was trained on (default 0.01; 0..1; docs/BULK.md)");
  cmd->add_flag("-q,--quiet", opts->quiet, "print nothing on success");
  cmd->callback([opts] {
    NOETHER_REQUIRE(std::isfinite(opts->support_warn) && opts->support_warn >= 0 && opts->support_warn <= 1,
                    "--support-warn: expected a fraction in [0, 1], got " << opts->support_warn);
    SimulationConfig cfg = load_simulation_config(opts->config);
    if (!opts->device.empty()) cfg.device = parse_device(opts->device, "--device");
    std::string out = opts->output;
    if (out.empty()) out = cfg.output;
    if (out.empty()) out = std::filesystem::path(opts->config).stem().string() + ".npz";
    const DeviceChoice dev = resolve_device(cfg);
    const auto t0 = std::chrono::steady_clock::now();
    Trajectory traj;
    {
      Progress bar("simulate");
      traj = simulate(cfg, dev, [&](int done, int total) { bar.update(done, total); });
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    write_trajectory_npz(out, traj);
    if (!opts->quiet) {
      const FrameObservables &a = traj.frames.front(), &b = traj.frames.back();
      double dH = 0;
      for (int k = 0; k < traj.B; ++k)
        dH = std::max(dH, std::abs((b.kinetic[k] + b.potential[k]) - (a.kinetic[k] + a.potential[k])));
      std::printf("wrote %s: %d trajectories x %d frames x %d particles x %dD (%s, %s) in %.2f s; max |H(T) - H(0)| = %.3e\n",
                  out.c_str(), traj.B, traj.T, traj.N, traj.D, cfg.float32 ? "float32" : "float64",
                  dev == DeviceChoice::Cuda ? cuda_device_description().c_str() : "cpu", secs, dH);
      if (cfg.bulk.enabled)
        std::printf("bulk: %s, %ld neighbor-list builds, %.4g particle-steps/s\n",
                    dev == DeviceChoice::Cuda              ? "GPU cell + Verlet list"
                    : bulk_uses_cells(cfg.bulk, traj.N) ? "cell + Verlet list"
                                                        : "all pairs",
                    traj.neighbor_builds,
                    double(traj.B) * traj.N * double(cfg.integrator.stride) * (traj.T - 1) / std::max(secs, 1e-9));
    }
    if (traj.support_visits.counted() && !opts->quiet)
      std::fprintf(stderr, "%s\n", support_visits_summary(traj.support_visits).c_str());
    const std::string warn = support_visits_warning(traj.support_visits, opts->support_warn);
    if (!warn.empty()) std::fprintf(stderr, "%s\n", warn.c_str());
  });
}

}  // namespace noether
